// What the device login takes from a client made by createTwitchAuth: its client id, endpoints,
// fetch and clock, the scopes its session holds, and a sign-in that stores a refresh grant of a
// fresh lineage.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostOf } from '../../../src/device/host.js';
import { createMemoryStorage, createTwitchAuth } from '../../../src/index.js';
import type { StorageLike, TwitchAuth } from '../../../src/index.js';
import { createSession, type Session } from '../../../src/session/session.js';
import { type FakeFetch, createFakeFetch, json } from '../../helpers/fake-fetch.js';
import { CLIENT_ID, VALIDATE_URL, validateBody } from '../../helpers/twitch.js';

const NOW = Date.UTC(2026, 0, 1);
const SESSION_KEY = `twitch-spa-login:${CLIENT_ID}:session`;

let fake: FakeFetch;
let storage: StorageLike;
let auth: TwitchAuth;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  fake = createFakeFetch();
  storage = createMemoryStorage();
  auth = createTwitchAuth({
    clientId: CLIENT_ID,
    redirectUri: 'http://localhost:3000/callback',
    storage,
    fetch: fake.fetch,
    endpoints: { device: 'https://twitch.test/oauth2/device' },
  });
});
afterEach(() => {
  auth.destroy();
  vi.useRealTimers();
});

const session = (accessToken: string, scopes: string[]): Session =>
  createSession({
    accessToken,
    tokenType: 'bearer',
    scopes,
    user: { id: '42', login: 'streamer' },
    createdAt: NOW,
    expiresAt: NOW + 14_000_000,
  });

/** The refresh grant stored for the current session, as the next page load would read it. */
const storedGrant = (): unknown =>
  (JSON.parse(storage.getItem(SESSION_KEY) ?? 'null') as { refresh?: unknown } | null)?.refresh;

describe('hostOf(auth)', () => {
  it("carries the client's id, endpoints, clock and fetch", async () => {
    const host = hostOf(auth);
    expect(host.clientId).toBe(CLIENT_ID);
    expect(host.endpoints).toMatchObject({
      device: 'https://twitch.test/oauth2/device',
      token: 'https://id.twitch.tv/oauth2/token',
      validate: VALIDATE_URL,
    });
    expect(host.now()).toBe(NOW);
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()) });
    await host.fetch()(VALIDATE_URL);
    expect(fake.requests.map((r) => r.url)).toEqual([VALIDATE_URL]);
  });

  it('grants no scopes without a session, and those of the session it has', () => {
    const host = hostOf(auth);
    expect(host.granted()).toEqual([]);
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    host.beginRefreshableSession(session('at-1', ['chat:read', 'user:read:email']), 'rt-1');
    expect(host.granted()).toEqual(['chat:read', 'user:read:email']);
  });

  it('signs in with the refresh token as generation 0 of a new lineage per login', () => {
    const host = hostOf(auth);
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    host.beginRefreshableSession(session('at-1', ['chat:read']), 'rt-1');
    expect(auth.session?.accessToken).toBe('at-1');
    const first = storedGrant();
    expect(first).toEqual({ token: 'rt-1', lineage: expect.any(String), generation: 0 });

    host.beginRefreshableSession(session('at-2', ['chat:read']), 'rt-2');
    expect(auth.session?.accessToken).toBe('at-2');
    const second = storedGrant() as { lineage: string };
    expect(second).toEqual({ token: 'rt-2', lineage: expect.any(String), generation: 0 });
    expect(second.lineage).not.toBe((first as { lineage: string }).lineage);
    expect(second.lineage.length).toBeGreaterThanOrEqual(16);
  });

  it('refuses an object not made by createTwitchAuth with invalid_options', () => {
    expect(() => hostOf({} as TwitchAuth)).toThrow(
      expect.objectContaining({ name: 'TwitchAuthError', code: 'invalid_options' }),
    );
  });
});
