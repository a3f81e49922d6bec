// Twitch's /oauth2/validate and /oauth2/revoke: headers, bodies, and what each answer becomes.
import { describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { revokeToken, validateToken } from '../../../src/api/oauth-calls';
import { createFakeFetch, json } from '../../helpers/fake-fetch';

const TOKEN = 'secrettokensecrettokensecretto';

describe('oauth-calls', () => {
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
    [500, json({}, 500), 'http_error'],
    [200, new Response('<html>'), 'http_error'],
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
    expect(isTwitchAuthError(error) && error.code).toBe('http_error');
    expect(await fake.requests[0]?.text()).toBe(`client_id=cid&token=${TOKEN}`);
    expect(fake.requests.every((r) => !r.url.includes(TOKEN))).toBe(true);
  });
});
