import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TwitchAuth } from '../../../src/twitch-auth.js';
import { ERROR_CODES, type TwitchAuthError } from '../../../src/internal/errors.js';
import { startDeviceLogin } from '../../../src/device/index.js';
import { startDeviceLoginOn } from '../../../src/device/login.js';
import type { DeviceHost } from '../../../src/device/host.js';
import { POLL_LIMITS } from '../../../src/device/poll.js';
import type { Session } from '../../../src/session/session.js';
import { createFakeFetch, json, type FakeFetch } from '../../helpers/fake-fetch.js';
import { rejection } from '../../helpers/thrown.js';
import { TOKEN_ANSWER as tokens } from '../../helpers/twitch.js';

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
      message: 'The device code expired before it was approved.',
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
    expect(await rejection(device.session)).toMatchObject({
      code: 'access_denied',
      message: 'The user declined the device login.',
      status: 400,
    });
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
    expect(await rejection(device.session)).toMatchObject({
      code: 'network_error',
      message: 'Twitch could not be reached while waiting for the device login.',
    });
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
    await vi.advanceTimersByTimeAsync(0);
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

describe('startDeviceLogin: cancelling', () => {
  it('an abort during the start cancels the device request, with the reason as cause', async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    fake.expect({
      method: 'POST',
      url: E.device,
      respond: (request) =>
        new Promise<Response>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(new TypeError('aborted'))),
        ),
    });
    const started = startDeviceLoginOn(host, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(reason);
    expect(await rejection(started)).toMatchObject({ code: 'login_cancelled', cause: reason });
  });

  it('an abort while Twitch answers the start begins no login', async () => {
    const controller = new AbortController();
    fake.expect({
      method: 'POST',
      url: E.device,
      respond: () => (controller.abort(), json(deviceBody)),
    });
    expect(await rejection(startDeviceLoginOn(host, { signal: controller.signal }))).toMatchObject({
      code: 'login_cancelled',
    });
    await vi.advanceTimersByTimeAsync(60_000);
  });

  it('an abort after the start rejects session with the reason as cause; cancel() has none', async () => {
    fake.expect({ method: 'POST', url: E.device, times: 2, respond: json(deviceBody) });
    const controller = new AbortController();
    const device = await startDeviceLoginOn(host, { signal: controller.signal });
    controller.abort('gone');
    expect(await rejection(device.session)).toMatchObject({
      name: 'TwitchAuthError',
      code: 'login_cancelled',
      message: 'The device login was cancelled.',
      cause: 'gone',
    });
    const other = await startDeviceLoginOn(host);
    other.cancel();
    expect(await rejection(other.session)).not.toHaveProperty('cause');
  });

  it('cancel() leaves no timer behind', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) });
    const device = await startDeviceLoginOn(host);
    expect(vi.getTimerCount()).toBe(1);
    device.cancel();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancel() aborts a poll in flight, and its late answer is not used', async () => {
    let polled: Request | undefined;
    let release!: (r: Response) => void;
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      respond: (request) => ((polled = request), new Promise<Response>((r) => (release = r))),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(polled?.signal.aborted).toBe(false);
    device.cancel();
    expect(polled?.signal.aborted).toBe(true);
    release(json(tokens));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await rejection(device.session)).toMatchObject({ code: 'login_cancelled' });
    expect(begun).toEqual([]);
  });

  it('a validation failing after cancel() is not retried', async () => {
    let fail!: (e: Error) => void;
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({ method: 'POST', url: E.token, respond: json(tokens) })
      .expect({
        url: E.validate,
        respond: () => new Promise<Response>((_, reject) => (fail = reject)),
      });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    device.cancel();
    fail(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(await rejection(device.session)).toMatchObject({ code: 'login_cancelled' });
  });
});

describe('startDeviceLogin: failures while polling', () => {
  it("fails authorize_error with the status and Twitch's message on another refusal", async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      respond: json({ status: 400, message: 'invalid client' }, 400),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await rejection(device.session)).toMatchObject({
      code: 'authorize_error',
      message: 'Twitch refused the device login.',
      status: 400,
      twitchError: 'invalid client',
    });
  });

  it('fails http_error with the status after Twitch answers 5xx too many times in a row', async () => {
    fake.expect({ method: 'POST', url: E.device, respond: json(deviceBody) }).expect({
      method: 'POST',
      url: E.token,
      times: POLL_LIMITS.maxNetworkFailures,
      respond: () => json({}, 503),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(300_000);
    const error = await rejection(device.session);
    expect(error).toMatchObject({
      code: 'http_error',
      message: 'Twitch kept answering the device login with an error.',
      status: 503,
    });
    expect((error as TwitchAuthError).twitchError).toBeUndefined();
  });
});

describe('startDeviceLogin: validating the new token', () => {
  const validated = { client_id: CLIENT_ID, login: 'streamer', user_id: '42', scopes: [] };
  const approve = () =>
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({ method: 'POST', url: E.token, respond: json(tokens) });

  it('retries a validation without an answer after 1 s and 3 s, then fails network_error', async () => {
    const tries: number[] = [];
    approve().expect({
      url: E.validate,
      times: 3,
      respond: () => (tries.push(Date.now() - NOW), Promise.reject(new TypeError('offline'))),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await rejection(device.session)).toMatchObject({ code: 'network_error' });
    expect(tries).toEqual([5000, 6000, 9000]);
    expect(begun).toEqual([]);
  });

  it('signs in when a retried validation answers', async () => {
    approve()
      .expect({ url: E.validate, respond: new TypeError('offline') })
      .expect({ url: E.validate, respond: json({ ...validated, expires_in: 100 }) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(6000);
    expect(await device.session).toMatchObject({ user: { id: '42' } });
  });

  it('does not retry a validation Twitch refused', async () => {
    approve().expect({ url: E.validate, respond: json({}, 500) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await rejection(device.session)).toMatchObject({ code: 'http_error', status: 500 });
  });

  it('refuses an app token (no user id)', async () => {
    approve().expect({
      url: E.validate,
      respond: json({ client_id: CLIENT_ID, scopes: [], expires_in: 100 }),
    });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await rejection(device.session)).toMatchObject({
      code: 'token_invalid',
      message: 'The new token does not belong to this app or to a user.',
    });
    expect(begun).toEqual([]);
  });

  it("builds the session from validate, taking the token answer's lifetime when validate has none", async () => {
    approve().expect({ url: E.validate, respond: json({ ...validated, login: '' }) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await device.session).toEqual({
      accessToken: 'at-1',
      tokenType: 'bearer',
      scopes: [],
      user: { id: '42' },
      expiresAt: NOW + 5000 + tokens.expires_in * 1000,
      createdAt: NOW + 5000,
      validatedAt: NOW + 5000,
    });
  });

  it('has no expiry when neither the token answer nor validate gives one', async () => {
    const { expires_in: _, ...forever } = tokens;
    fake
      .expect({ method: 'POST', url: E.device, respond: json(deviceBody) })
      .expect({ method: 'POST', url: E.token, respond: json(forever) })
      .expect({ url: E.validate, respond: json(validated) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await device.session).not.toHaveProperty('expiresAt');
  });

  it('fails storage_unavailable when the session cannot be stored, and signs nobody in', async () => {
    const full = new DOMException('full', 'QuotaExceededError');
    host = {
      ...host,
      beginRefreshableSession: () => {
        throw full;
      },
    };
    approve().expect({ url: E.validate, respond: json({ ...validated, expires_in: 100 }) });
    const device = await startDeviceLoginOn(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await rejection(device.session)).toMatchObject({
      code: 'storage_unavailable',
      message: 'Could not store the session.',
      cause: full,
    });
  });
});
