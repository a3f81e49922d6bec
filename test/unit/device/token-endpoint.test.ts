// Twitch's token endpoint: form POSTs on the wire, lenient success (never drop a refresh token),
// strict errors, and the facts about Twitch (TOKEN_FACTS) that the device code reads.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as TokenEndpoint from '../../../src/device/token-endpoint.js';
import { type FakeFetch, createFakeFetch, json } from '../../helpers/fake-fetch.js';
import { CLIENT_ID, DEVICE_ANSWER, TOKEN_ANSWER as tokens } from '../../helpers/twitch.js';

const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';
const DEVICE_URL = 'https://id.twitch.tv/oauth2/device';

// TOKEN_FACTS is built once, when the module loads. Each test loads the module afresh, so the
// facts it checks are the ones loaded for it (the mutation run switches a mutant on after a test
// file's static imports have run, before its tests).
let endpoint: typeof TokenEndpoint;
beforeEach(async () => {
  vi.resetModules();
  endpoint = await import('../../../src/device/token-endpoint.js');
});
const classify = (status: number, body: unknown) => endpoint.classifyTokenResponse(status, body);

/** The fake's fetch, also keeping each call's init: happy-dom's Request drops `cache`. */
function keepingInits(fake: FakeFetch): { fetch: typeof fetch; inits: RequestInit[] } {
  const inits: RequestInit[] = [];
  return {
    inits,
    fetch: (input, init) => {
      inits.push(init ?? {});
      return fake.fetch(input, init);
    },
  };
}

const formOf = async (request: Request | undefined) =>
  Object.fromEntries(new URLSearchParams(await request?.text()));

describe('token responses', () => {
  it('takes any 200 with an access and a refresh token, whatever else it carries', () => {
    const parsed = (body: unknown) => classify(200, body);
    expect(parsed(tokens)).toEqual({
      kind: 'tokens',
      tokens: {
        accessToken: 'at-1',
        refreshToken: 'rt-1',
        expiresIn: 14_000,
        scopes: ['chat:read'],
        tokenType: 'bearer',
      },
    });
    // Twitch's refresh docs show `scope` as a string; twurple and twitch_oauth2 treat
    // token_type and expires_in as optional. Dropping such an answer loses the only live
    // refresh token (the one sent is spent).
    const lenient = { kind: 'tokens', tokens: { accessToken: 'at-1', refreshToken: 'rt-1' } };
    expect(parsed({ ...tokens, scope: 'chat:read user:read:email' })).toMatchObject({
      ...lenient,
      tokens: { ...lenient.tokens, scopes: ['chat:read', 'user:read:email'] },
    });
    expect(parsed({ ...tokens, token_type: undefined })).toMatchObject(lenient);
    expect(parsed({ ...tokens, token_type: 'mac' })).toMatchObject(lenient);
    for (const expiresIn of [undefined, '14000', 0, -1]) {
      const outcome = parsed({ ...tokens, expires_in: expiresIn });
      expect(outcome).toMatchObject(lenient);
      expect(outcome).not.toHaveProperty('tokens.expiresIn');
    }
    for (const bad of [
      { ...tokens, refresh_token: '' },
      { ...tokens, refresh_token: undefined },
      { ...tokens, access_token: undefined },
      null,
    ]) {
      expect(parsed(bad)).toEqual({ kind: 'malformed', status: 200 });
    }
  });
  it('reads scope as an array of names or a space-separated string, and anything else as none', () => {
    const scopes = (scope: unknown) => {
      const outcome = classify(200, { ...tokens, scope });
      return outcome.kind === 'tokens' ? outcome.tokens.scopes : outcome;
    };
    expect(scopes(' chat:read  user:read:email ')).toEqual(['chat:read', 'user:read:email']);
    expect(scopes('')).toEqual([]);
    for (const none of [undefined, null, 42, [1], ['chat:read', 1], { 0: 'chat:read' }]) {
      expect(scopes(none)).toEqual([]);
    }
  });
  it("classifies Twitch's {status, message} and RFC 6749 {error} bodies", () => {
    expect(classify(400, { status: 400, message: 'authorization_pending' })).toEqual({
      kind: 'authorization_pending',
    });
    expect(classify(400, { error: 'slow_down' })).toEqual({ kind: 'slow_down' });
    expect(classify(400, { status: 400, message: 'expired_token' })).toEqual({
      kind: 'expired_token',
    });
    expect(classify(400, { status: 400, message: 'access_denied' })).toEqual({
      kind: 'access_denied',
    });
    expect(classify(400, { status: 400, message: 'Invalid device code' })).toEqual({
      kind: 'invalid_device_code',
      status: 400,
    });
    expect(classify(400, { status: 400, message: 'Invalid refresh token' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classify(400, { error: 'invalid_grant' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classify(500, { message: 'Invalid refresh token' })).toEqual({
      kind: 'http_error',
      status: 500,
      message: 'Invalid refresh token',
    });
    expect(classify(503, undefined)).toStrictEqual({ kind: 'http_error', status: 503 });
  });
  it('takes a dead refresh token from a 401 as from a 400, and nothing else', () => {
    expect(classify(401, { status: 401, message: 'Invalid refresh token' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 401,
    });
    expect(classify(403, { error: 'invalid_grant' })).toEqual({
      kind: 'http_error',
      status: 403,
      message: 'invalid_grant',
    });
  });
  it("reads Twitch's message before an RFC 6749 error beside it (the HTTP reason)", () => {
    const body = { error: 'Bad Request', status: 400, message: 'authorization_pending' };
    expect(classify(400, body)).toEqual({ kind: 'authorization_pending' });
    expect(classify(400, { error: 'slow_down', message: '' })).toEqual({
      kind: 'slow_down',
    });
  });
  it("keeps at most 500 characters of Twitch's text", () => {
    expect(classify(400, { status: 400, message: 'x'.repeat(600) })).toEqual({
      kind: 'http_error',
      status: 400,
      message: 'x'.repeat(500),
    });
  });
  it("names a Confidential client's refusal (twitchdev/issues#943)", () => {
    expect(classify(400, { status: 400, message: 'missing client secret' })).toEqual({
      kind: 'missing_client_secret',
      status: 400,
      message: 'missing client secret',
    });
  });
});

describe('token requests on the wire', () => {
  it('a poll posts the device code grant as a form, without cookies, redirects or HTTP cache', async () => {
    const fake = createFakeFetch().expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json(tokens),
    });
    const wire = keepingInits(fake);
    const outcome = await endpoint.pollDeviceToken(wire.fetch, TOKEN_URL, CLIENT_ID, 'dc-1');
    expect(outcome).toMatchObject({ kind: 'tokens', tokens: { refreshToken: 'rt-1' } });
    expect(await formOf(fake.requests[0])).toEqual({
      client_id: CLIENT_ID,
      device_code: 'dc-1',
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    });
    expect(wire.inits).toEqual([
      expect.objectContaining({
        method: 'POST',
        credentials: 'omit',
        redirect: 'error',
        cache: 'no-store',
      }),
    ]);
  });
  it('a refresh posts the refresh token grant with the client id and no secret', async () => {
    const fake = createFakeFetch().expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json(tokens),
    });
    const outcome = await endpoint.refreshTokens(fake.fetch, TOKEN_URL, CLIENT_ID, 'rt-0');
    expect(outcome).toMatchObject({ kind: 'tokens', tokens: { refreshToken: 'rt-1' } });
    expect(await formOf(fake.requests[0])).toEqual({
      client_id: CLIENT_ID,
      grant_type: 'refresh_token',
      refresh_token: 'rt-0',
    });
  });
  it("a poll goes with the caller's signal: aborted, it gets no answer", async () => {
    const reason = new DOMException('The user left', 'AbortError');
    // Like fetch: a request whose signal is aborted rejects with its reason.
    const fake = createFakeFetch().expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: (request) => {
        if (request.signal.aborted) throw request.signal.reason;
        return json(tokens);
      },
    });
    const signal = AbortSignal.abort(reason);
    expect(
      await endpoint.pollDeviceToken(fake.fetch, TOKEN_URL, CLIENT_ID, 'dc-1', signal),
    ).toEqual({ kind: 'network_error', cause: reason });
  });
  it('an answer that is not JSON is an http_error without a message', async () => {
    const fake = createFakeFetch().expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: new Response('<html>502 Bad Gateway</html>', {
        status: 502,
        headers: { 'content-type': 'text/html' },
      }),
    });
    expect(await endpoint.refreshTokens(fake.fetch, TOKEN_URL, CLIENT_ID, 'rt-0')).toStrictEqual({
      kind: 'http_error',
      status: 502,
    });
  });
});

describe('TOKEN_FACTS, as the device code reads them', () => {
  it('/oauth2/device takes the scopes as `scopes`, space-separated', async () => {
    // Loaded after this test's token-endpoint module, so it reads that module's facts.
    const { requestDeviceCode } = await import('../../../src/device/device-code.js');
    const fake = createFakeFetch().expect({
      method: 'POST',
      url: DEVICE_URL,
      respond: json(DEVICE_ANSWER),
    });
    await requestDeviceCode(fake.fetch, DEVICE_URL, CLIENT_ID, ['chat:read', 'user:read:chat']);
    expect(await formOf(fake.requests[0])).toEqual({
      client_id: CLIENT_ID,
      scopes: 'chat:read user:read:chat',
    });
  });
  it('"invalid device code" keeps the login polling: the user may not have approved yet', async () => {
    const { afterPoll, initialPollState } = await import('../../../src/device/poll.js');
    const device = {
      deviceCode: 'dc-1',
      userCode: 'ABCDEFGH',
      verificationUri: 'https://www.twitch.tv/activate',
      expiresIn: 1800,
      interval: 5,
    };
    const now = Date.UTC(2026, 0, 1);
    const outcome = classify(400, { status: 400, message: 'invalid device code' });
    expect(afterPoll(initialPollState(device, now), outcome, now)).toMatchObject({
      kind: 'wait',
      ms: 5000,
    });
  });
});
