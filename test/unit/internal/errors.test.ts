import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TwitchAuthError, isTwitchAuthError } from '../../../src/internal/errors';
import { createEmitter } from '../../../src/internal/emitter';
import { revokeToken, validateToken } from '../../../src/api/oauth-calls';
import { createFakeFetch, json } from '../../helpers/fake-fetch';

const TOKEN = 'secrettokensecrettokensecretto';

describe('TwitchAuthError', () => {
  it('carries name, code, cause and details', () => {
    const cause = new Error('inner');
    const error = new TwitchAuthError('authorize_error', 'Twitch refused.', {
      cause,
      twitchError: 'redirect_mismatch',
      status: 400,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'authorize_error',
      cause,
      twitchError: 'redirect_mismatch',
      status: 400,
    });
  });

  it('is recognised across realms by name and code, and only with a known code', () => {
    expect(isTwitchAuthError(new TwitchAuthError('access_denied', 'x'))).toBe(true);
    expect(
      isTwitchAuthError({
        name: 'TwitchAuthError',
        code: 'access_denied',
        message: 'from an iframe',
      }),
    ).toBe(true);
    expect(isTwitchAuthError({ name: 'TwitchAuthError', code: 'made_up' })).toBe(false);
    expect(isTwitchAuthError(new Error('x'))).toBe(false);
    expect(isTwitchAuthError(null)).toBe(false);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('twitch-api', () => {
  it('validates with Authorization: OAuth and no Client-Id, and reads Twitch’s body', async () => {
    const fake = createFakeFetch().expect({
      url: 'https://id.twitch.tv/oauth2/validate',
      respond: json({
        client_id: 'cid',
        login: 'twitchdev',
        scopes: null,
        user_id: '141981764',
        expires_in: 5520838,
      }),
    });
    const result = await validateToken(fake.fetch, 'https://id.twitch.tv/oauth2/validate', TOKEN);
    expect(result).toEqual({
      clientId: 'cid',
      login: 'twitchdev',
      scopes: [],
      userId: '141981764',
      expiresIn: 5520838,
    });
    expect(fake.requests[0]?.headers.get('authorization')).toBe(`OAuth ${TOKEN}`);
    expect(fake.requests[0]?.headers.get('client-id')).toBeNull();
    fake.assertDone();
  });

  it.each([
    [401, json({ status: 401, message: 'invalid access token' }, 401), 'token_invalid'],
    [500, json({}, 500), 'network_error'],
    [200, new Response('<html>'), 'network_error'],
    [0, new TypeError('Failed to fetch'), 'network_error'],
  ])(
    'maps a validate answer of %i to %s, with no token in the message',
    async (_status, respond, code) => {
      const fake = createFakeFetch().expect({ url: 'https://x.example/validate', respond });
      const error = await validateToken(fake.fetch, 'https://x.example/validate', TOKEN).catch(
        (e: unknown) => e,
      );
      expect(isTwitchAuthError(error) && error.code).toBe(code);
      expect(String((error as Error).message)).not.toContain(TOKEN);
    },
  );

  it('revokes with a form body and never puts the token in the URL', async () => {
    const fake = createFakeFetch()
      .expect({
        method: 'POST',
        url: 'https://x.example/revoke',
        respond: new Response(null, { status: 200 }),
      })
      .expect({
        method: 'POST',
        url: 'https://x.example/revoke',
        respond: json({ status: 400, message: 'Invalid token' }, 400),
      })
      .expect({
        method: 'POST',
        url: 'https://x.example/revoke',
        respond: json({ status: 404, message: 'client does not exist' }, 404),
      });
    await revokeToken(fake.fetch, 'https://x.example/revoke', 'cid', TOKEN);
    await revokeToken(fake.fetch, 'https://x.example/revoke', 'cid', TOKEN); // 400: already invalid
    const error = await revokeToken(fake.fetch, 'https://x.example/revoke', 'cid', TOKEN).catch(
      (e: unknown) => e,
    );
    expect(isTwitchAuthError(error) && error.code).toBe('network_error');
    expect(await fake.requests[0]?.text()).toBe(`client_id=cid&token=${TOKEN}`);
    expect(fake.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
  });
});

describe('events', () => {
  it('calls handlers in order, unsubscribes, and survives a throwing handler', () => {
    const failures: unknown[] = [];
    const emitter = createEmitter<{ ping: number }>((error) => failures.push(error));
    const seen: string[] = [];
    const stopA = emitter.on('ping', (n) => seen.push(`a${n}`));
    emitter.on('ping', () => {
      throw new Error('boom');
    });
    emitter.on('ping', (n) => seen.push(`c${n}`));
    emitter.emit('ping', 1);
    stopA();
    emitter.emit('ping', 2);
    expect(seen).toEqual(['a1', 'c1', 'c2']);
    expect(failures).toHaveLength(2);
  });

  it('lets a handler unsubscribe itself while emitting', () => {
    const emitter = createEmitter<{ ping: undefined }>(() => undefined);
    let calls = 0;
    const stop = emitter.on('ping', () => {
      calls += 1;
      stop();
    });
    emitter.on('ping', () => (calls += 10));
    emitter.emit('ping', undefined);
    emitter.emit('ping', undefined);
    expect(calls).toBe(21);
  });
});
