import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TwitchAuth } from '../../../src/twitch-auth.js';
import { ERROR_CODES } from '../../../src/internal/errors.js';
import { startDeviceLogin } from '../../../src/device/index.js';
import { startDeviceLoginOn } from '../../../src/device/login.js';
import type { DeviceHost } from '../../../src/device/host.js';
import { POLL_LIMITS, afterPoll, beforePoll, initialPollState } from '../../../src/device/poll.js';
import type { Session } from '../../../src/session/session.js';
import { classifyTokenResponse } from '../../../src/device/token-endpoint.js';
import { createFakeFetch, json, type FakeFetch } from '../../helpers/fake-fetch.js';
import { rejection } from '../../helpers/thrown.js';

const NOW = Date.UTC(2026, 0, 1);
const E = {
  device: 'https://id.twitch.tv/oauth2/device',
  token: 'https://id.twitch.tv/oauth2/token',
  validate: 'https://id.twitch.tv/oauth2/validate',
};
const CLIENT_ID = 'client-id-1';
const deviceBody = {
  device_code: 'dc-secret',
  user_code: 'ABCDEFGH',
  verification_uri: 'https://www.twitch.tv/activate?device-code=ABCDEFGH',
  expires_in: 1800,
  interval: 5,
};
const tokens = {
  access_token: 'at-1',
  refresh_token: 'rt-1',
  expires_in: 14_000,
  scope: ['chat:read'],
  token_type: 'bearer',
};
const pending = () => json({ status: 400, message: 'authorization_pending' }, 400);

let fake: FakeFetch;
let begun: { session: Session; refreshToken: string }[];
let host: DeviceHost;
/** The scopes the host's current session holds. */
let granted: readonly string[] = [];
let rejections: unknown[];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  fake = createFakeFetch();
  begun = [];
  granted = [];
  rejections = [];
  process.on('unhandledRejection', onRejection);
  host = {
    clientId: CLIENT_ID,
    endpoints: E,
    fetch: () => fake.fetch,
    now: () => Date.now(),
    timers: {
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (h) => clearTimeout(h as number),
    },
    granted: () => granted,
    beginRefreshableSession: (session, refreshToken) => void begun.push({ session, refreshToken }),
  };
});
afterEach(async () => {
  vi.useRealTimers();
  await new Promise((r) => setTimeout(r, 0));
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
  fake.assertDone();
});

describe('startDeviceLogin', () => {
  it('asks for a code, polls at the interval, validates, and begins a refreshable session', async () => {
    const polls: number[] = [];
    fake
      .expect({
        method: 'POST',
        url: E.device,
        respond: async (request) => {
          const form = new URLSearchParams(await request.text());
          expect(Object.fromEntries(form)).toEqual({
            client_id: CLIENT_ID,
            scopes: 'chat:read user:read:chat',
          });
          expect(request.redirect).toBe('error');
          expect(request.credentials).toBe('omit');
          expect(request.headers.has('client-id')).toBe(false);
          return json(deviceBody);
        },
      })
      .expect({
        method: 'POST',
        url: E.token,
        times: 2,
        respond: () => (polls.push(Date.now() - NOW), pending()),
      })
      .expect({
        method: 'POST',
        url: E.token,
        respond: async (request) => {
          polls.push(Date.now() - NOW);
          const form = new URLSearchParams(await request.text());
          expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');
          expect(form.get('device_code')).toBe('dc-secret');
          return json(tokens);
        },
      })
      .expect({
        url: E.validate,
        respond: json({
          client_id: CLIENT_ID,
          login: 'streamer',
          user_id: '42',
          scopes: ['chat:read'],
          expires_in: 14_000,
        }),
      });
    const device = await startDeviceLoginOn(host, { scopes: ['chat:read', 'user:read:chat'] });
    expect(device).toMatchObject({
      userCode: 'ABCDEFGH',
      verificationUri: deviceBody.verification_uri,
      expiresAt: NOW + 1_800_000,
    });
    await vi.advanceTimersByTimeAsync(15_000);
    const session = await device.session;
    expect(polls).toEqual([5000, 10_000, 15_000]);
    expect(session).toMatchObject({
      accessToken: 'at-1',
      user: { id: '42', login: 'streamer' },
      scopes: ['chat:read'],
      expiresAt: NOW + 15_000 + 14_000_000,
    });
    expect(begun).toEqual([{ session, refreshToken: 'rt-1' }]);
    expect(JSON.stringify(session)).not.toContain('rt-1');
  });

  it('slows down by 5 s on slow_down, for good', async () => {
    const polls: number[] = [];
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({
        method: 'POST',
        url: E.token,
        respond: () => (
          polls.push(Date.now() - NOW),
          json({ status: 400, message: 'slow_down' }, 400)
        ),
      })
      .expect({
        method: 'POST',
        url: E.token,
        times: 2,
        respond: () => (polls.push(Date.now() - NOW), pending()),
      });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(polls).toEqual([5000, 15_000, 25_000]);
    device.cancel();
    expect(await rejection(device.session)).toMatchObject({ code: 'login_cancelled' });
  });

  it('fails device_code_expired when Twitch says so', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      respond: json({ status: 400, message: 'expired_token' }, 400),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await rejection(device.session)).toMatchObject({
      name: 'TwitchAuthError',
      code: 'device_code_expired',
    });
    expect(begun).toEqual([]);
  });

  it('fails device_code_expired once the lifetime passes, without a poll after it', async () => {
    fake
      .expect({ method: 'POST', url: E.device, respond: json({ ...deviceBody, expires_in: 12 }) })
      .expect({ method: 'POST', url: E.token, times: 2, respond: () => pending() });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await rejection(device.session)).toMatchObject({ code: 'device_code_expired' });
  });

  it('fails access_denied when the user declines', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      respond: json({ status: 400, message: 'access_denied' }, 400),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await rejection(device.session)).toMatchObject({ code: 'access_denied' });
  });

  it('fails network_error after bounded consecutive network failures, backing off', async () => {
    const polls: number[] = [];
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      times: POLL_LIMITS.maxNetworkFailures,
      respond: () => (
        polls.push(Date.now() - NOW),
        Promise.reject(new TypeError('Failed to fetch'))
      ),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(await rejection(device.session)).toMatchObject({ code: 'network_error' });
    expect(polls).toEqual([5000, 15_000, 35_000, 75_000, 135_000]);
  });

  it('cancel() stops polling and rejects session with login_cancelled, with no unhandled rejection', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) });
    const device = await startDeviceLoginOn(host);
    device.cancel();
    device.cancel();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(begun).toEqual([]);
  });

  it('an aborted signal cancels polling, and one aborted before the start rejects at once', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) });
    const controller = new AbortController();
    const device = await startDeviceLoginOn(host, { signal: controller.signal });
    controller.abort();
    expect(await rejection(device.session)).toMatchObject({ code: 'login_cancelled' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(
      await rejection(startDeviceLoginOn(host, { signal: AbortSignal.abort() })),
    ).toMatchObject({ code: 'login_cancelled' });
  });

  it('does not begin a session cancelled while the token was being validated', async () => {
    let release!: (r: Response) => void;
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({ method: 'POST', url: E.token, respond: json(tokens) })
      .expect({ url: E.validate, respond: () => new Promise<Response>((r) => (release = r)) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    device.cancel();
    release(
      json({ client_id: CLIENT_ID, login: 'streamer', user_id: '42', scopes: [], expires_in: 100 }),
    );
    expect(await rejection(device.session)).toMatchObject({ code: 'login_cancelled' });
    expect(begun).toEqual([]);
  });

  it('refuses a token that validate says belongs to another app', async () => {
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({ method: 'POST', url: E.token, respond: json(tokens) })
      .expect({
        url: E.validate,
        respond: json({
          client_id: 'other',
          login: 'x',
          user_id: '1',
          scopes: [],
          expires_in: 100,
        }),
      });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    const error = await rejection(device.session);
    expect(error).toMatchObject({ code: 'token_invalid' });
    expect(String((error as Error).message)).not.toContain('at-1');
  });

  it("reports a refused start as authorize_error with Twitch's message and no token", async () => {
    fake.expect({
      method: 'POST',
      url: E.device,
      respond: json({ status: 400, message: 'invalid scope requested' }, 400),
    });
    expect(
      await rejection(startDeviceLoginOn(host, { scopes: ['nope' as 'chat:read'] })),
    ).toMatchObject({
      code: 'authorize_error',
      status: 400,
      twitchError: 'invalid scope requested',
    });
  });

  it('startDeviceLogin(auth) rejects (never throws synchronously) for an object not made by createTwitchAuth', async () => {
    const promise = startDeviceLogin({} as TwitchAuth);
    expect(await rejection(promise)).toMatchObject({
      name: 'TwitchAuthError',
      code: 'invalid_options',
    });
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['device_code_expired', 'login_cancelled']));
  });

  it('rejects scopes that are not an array of names', async () => {
    expect(
      await rejection(startDeviceLoginOn(host, { scopes: ['a b' as 'chat:read'] })),
    ).toMatchObject({
      code: 'invalid_options',
    });
  });
  it('asks again for the scopes the session holds, beside the new ones, once each', async () => {
    granted = ['user:read:email', 'chat:read'];
    let asked: string | null = null;
    fake.expect({
      method: 'POST',
      url: E.device,
      respond: async (request) => {
        asked = new URLSearchParams(await request.text()).get('scopes');
        return json({ status: 400, message: 'invalid scope requested' }, 400);
      },
    });
    await rejection(startDeviceLoginOn(host, { scopes: ['chat:read', 'moderator:read:chatters'] }));
    expect(asked).toBe('user:read:email chat:read moderator:read:chatters');
  });
});

describe('polling state machine', () => {
  const device = {
    deviceCode: 'd',
    userCode: 'U',
    verificationUri: 'https://x',
    expiresIn: 60,
    interval: 5,
  };
  const state = initialPollState(device, NOW);

  it('keeps the interval on authorization_pending and resets network failures', () => {
    expect(
      afterPoll({ ...state, networkFailures: 3 }, { kind: 'authorization_pending' }, NOW + 5000),
    ).toEqual({ kind: 'wait', ms: 5000, state });
  });
  it('treats "invalid device code" as still pending (see TOKEN_FACTS)', () => {
    expect(afterPoll(state, { kind: 'invalid_device_code', status: 400 }, NOW)).toMatchObject({
      kind: 'wait',
      ms: 5000,
    });
  });
  it("never waits past the code's death, and fails once it has passed", () => {
    expect(afterPoll(state, { kind: 'authorization_pending' }, NOW + 58_000)).toMatchObject({
      kind: 'wait',
      ms: 2000,
    });
    expect(afterPoll(state, { kind: 'authorization_pending' }, NOW + 60_000)).toMatchObject({
      kind: 'failure',
      code: 'device_code_expired',
    });
    expect(beforePoll(state, NOW + 60_000)).toMatchObject({ code: 'device_code_expired' });
    expect(beforePoll(state, NOW + 59_999)).toBeNull();
  });
  it('ends with authorize_error on another 4xx, and backs off on 429 and 5xx', () => {
    expect(
      afterPoll(state, { kind: 'http_error', status: 400, message: 'invalid client' }, NOW),
    ).toEqual({
      kind: 'failure',
      code: 'authorize_error',
      status: 400,
      twitchError: 'invalid client',
    });
    expect(afterPoll(state, { kind: 'http_error', status: 429 }, NOW)).toMatchObject({
      kind: 'wait',
      ms: 10_000,
    });
    expect(afterPoll(state, { kind: 'http_error', status: 502 }, NOW)).toMatchObject({
      kind: 'wait',
      state: { networkFailures: 1 },
    });
  });
  it('fails http_error on a malformed 200', () => {
    expect(afterPoll(state, { kind: 'malformed', status: 200 }, NOW)).toMatchObject({
      kind: 'failure',
      code: 'http_error',
    });
  });
});

describe('token responses', () => {
  it('takes any 200 with an access and a refresh token, whatever else it carries', () => {
    const parsed = (body: unknown) => classifyTokenResponse(200, body);
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
    expect(parsed({ ...tokens, scope: null })).toMatchObject({ tokens: { scopes: [] } });
    expect(parsed({ ...tokens, scope: [1] })).toMatchObject({ tokens: { scopes: [] } });
    for (const bad of [
      { ...tokens, refresh_token: '' },
      { ...tokens, refresh_token: undefined },
      { ...tokens, access_token: undefined },
      null,
    ]) {
      expect(parsed(bad)).toEqual({ kind: 'malformed', status: 200 });
    }
  });
  it("classifies Twitch's {status, message} and RFC 6749 {error} bodies", () => {
    expect(classifyTokenResponse(400, { status: 400, message: 'authorization_pending' })).toEqual({
      kind: 'authorization_pending',
    });
    expect(classifyTokenResponse(400, { error: 'slow_down' })).toEqual({ kind: 'slow_down' });
    expect(classifyTokenResponse(400, { status: 400, message: 'Invalid refresh token' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classifyTokenResponse(400, { error: 'invalid_grant' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classifyTokenResponse(500, { message: 'Invalid refresh token' })).toEqual({
      kind: 'http_error',
      status: 500,
      message: 'Invalid refresh token',
    });
    expect(classifyTokenResponse(503, undefined)).toEqual({ kind: 'http_error', status: 503 });
  });
  it("reads Twitch's message before an RFC 6749 error beside it (the HTTP reason)", () => {
    const body = { error: 'Bad Request', status: 400, message: 'authorization_pending' };
    expect(classifyTokenResponse(400, body)).toEqual({ kind: 'authorization_pending' });
    expect(classifyTokenResponse(400, { error: 'slow_down', message: '' })).toEqual({
      kind: 'slow_down',
    });
  });
  it("names a Confidential client's refusal (twitchdev/issues#943)", () => {
    expect(classifyTokenResponse(400, { status: 400, message: 'missing client secret' })).toEqual({
      kind: 'missing_client_secret',
      status: 400,
      message: 'missing client secret',
    });
  });
});
