// Rows C11 and C13 of the hostile-input matrix, and the leak promises.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTwitchAuth, isTwitchAuthError } from '../../src/index';
import { json } from '../helpers/fake-fetch';
import { recordEvents } from '../helpers/events';
import { throwingStorage, useFreshPage } from '../helpers/page';
import { rejection } from '../helpers/thrown';
import { CLIENT_ID, JWKS_URL, VALIDATE_URL, createHarness, validateBody } from '../helpers/twitch';

const SESSION_KEY = `twitch-spa-login:${CLIENT_ID}:session`;
const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';
const created = useFreshPage();

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function signedInStorage() {
  const h = await createHarness();
  created.push(h.auth);
  await h.auth.handleRedirect(await h.callbackUrl());
  return h;
}

describe('C11 storage tampering and availability', () => {
  it('C11.1 storage that throws on every access reads as signed out, with no crash', () => {
    const auth = createTwitchAuth({
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/',
      storage: throwingStorage(),
    });
    created.push(auth);
    expect(auth.session).toBeNull();
    expect(auth.isAuthenticated()).toBe(false);
  });

  it.each([
    ['invalid JSON', '{"v":1,'],
    ['the wrong shape', '[1,2,3]'],
    ['an unknown version', JSON.stringify({ v: 99, accessToken: 'x', scopes: [], createdAt: 1 })],
  ])('C11.3 a stored session that is %s reads as signed out and is deleted', async (_name, raw) => {
    const h = await createHarness();
    created.push(h.auth);
    h.storage.setItem(SESSION_KEY, raw);
    expect(h.auth.session).toBeNull();
    expect(h.storage.getItem(SESSION_KEY)).toBeNull();
  });

  it.each([
    ['NaN', 'NaN'],
    ['a string', '"soon"'],
    ['the past', '1'],
  ])('C11.4 a stored expiresAt of %s reads as signed out', async (_name, value) => {
    const first = await signedInStorage();
    const raw = first.storage.getItem(SESSION_KEY) ?? '';
    first.auth.destroy();
    const stored = JSON.parse(raw) as Record<string, unknown>;
    const again = await createHarness({ storage: first.storage, validate: false }, first.key);
    created.push(again.auth);
    first.storage.setItem(
      SESSION_KEY,
      JSON.stringify(stored).replace(/}$/, `,"expiresAt":${value}}`),
    );
    expect(again.auth.session).toBeNull();
  });

  it('C11.4 a far-future expiresAt is still bounded by validation at start-up', async () => {
    const first = await signedInStorage();
    const stored = JSON.parse(first.storage.getItem(SESSION_KEY) ?? '{}') as Record<
      string,
      unknown
    >;
    first.storage.setItem(SESSION_KEY, JSON.stringify({ ...stored, expiresAt: 8.6e15 }));
    const again = await createHarness({ storage: first.storage, validate: false }, first.key);
    created.push(again.auth);
    again.fake.expect({
      url: VALIDATE_URL,
      respond: json({ status: 401, message: 'invalid access token' }, 401),
    });
    expect(again.auth.session).not.toBeNull();
    again.auth.start();
    await vi.waitFor(() => expect(again.auth.session).toBeNull());
  });

  it('C11.5 an edited stored user ends the session at start-up validation', async () => {
    const first = await signedInStorage();
    const stored = JSON.parse(first.storage.getItem(SESSION_KEY) ?? '{}') as Record<
      string,
      unknown
    >;
    first.storage.setItem(
      SESSION_KEY,
      JSON.stringify({ ...stored, user: { id: 'attacker', login: 'evil' } }),
    );
    const again = await createHarness({ storage: first.storage }, first.key);
    created.push(again.auth);
    const events = recordEvents(again.auth);
    again.auth.start();
    // Twitch's /oauth2/validate names USER_ID: the stored user is not who the token belongs to.
    await vi.waitFor(() => expect(again.auth.session).toBeNull());
    expect(events.logout).toEqual([
      { reason: 'token_invalid', error: expect.objectContaining({ code: 'token_invalid' }) },
    ]);
    expect(first.storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('C11.8 garbage keys under the SDK’s prefix are ignored', async () => {
    const h = await createHarness();
    created.push(h.auth);
    for (const key of ['pending', 'pending:index', 'pending:__proto__', `jwks:${JWKS_URL}`]) {
      sessionStorage.setItem(
        `twitch-spa-login:${CLIENT_ID}:${key}`,
        '{"__proto__":{"polluted":true}}',
      );
    }
    expect(await h.auth.handleRedirect(await h.callbackUrl())).not.toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('C13 environment', () => {
  it('C13.1 two copies of the SDK on one page handle one callback once', async () => {
    const a = await createHarness();
    const b = await createHarness({}, a.key);
    created.push(a.auth, b.auth);
    let logins = 0;
    a.auth.on('login', () => (logins += 1));
    b.auth.on('login', () => (logins += 1));
    const url = await a.callbackUrl();
    const [first, second] = await Promise.all([
      a.auth.handleRedirect(url),
      b.auth.handleRedirect(url),
    ]);
    expect(first?.accessToken).toBe(TOKEN);
    expect(second).toBe(first);
    expect(logins).toBe(1);
    expect(b.fake.requests.filter((r) => r.url === JWKS_URL)).toHaveLength(0);
  });

  it('C13.2 without crypto.subtle (insecure context) login and callback say environment_unsupported', async () => {
    const h = await createHarness();
    created.push(h.auth);
    const url = await h.callbackUrl();
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    for (const call of [
      () => h.auth.login({ navigate: () => undefined }),
      () => h.auth.handleRedirect(url),
    ]) {
      const error = await rejection(call());
      expect(isTwitchAuthError(error) && error.code).toBe('environment_unsupported');
    }
    expect(h.auth.session).toBeNull();
  });

  it.each([[-2], [2]])(
    'C13.4 a device clock off by %i hours gives a clear error that blames the clock',
    async (hours) => {
      const h = await createHarness();
      created.push(h.auth);
      const iat = Math.floor(Date.now() / 1000) - hours * 3600;
      const error = await rejection(
        h.auth.handleRedirect(await h.callbackUrl({ claims: { iat, exp: iat + 900 } })),
      );
      expect(error).toMatchObject({ clockSkewSuspected: true });
      expect((error as Error).message).toMatch(/clock/);
    },
  );
});

describe('leaks', () => {
  it('no token reaches the console, an error message or storage on failure', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level),
    );
    // Validate answers 500 (a failure to report) to the login's start-up check and the call below.
    const h = await createHarness({ validate: false });
    h.fake.expect({ url: VALIDATE_URL, respond: json(validateBody(), 500), times: Infinity });
    created.push(h.auth);
    const error = await rejection(
      h.auth.handleRedirect(await h.callbackUrl({ claims: { aud: 'someone-else' } })),
    );
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String(error)).not.toContain(TOKEN);
    for (let i = 0; i < sessionStorage.length; i += 1) {
      expect(sessionStorage.getItem(sessionStorage.key(i) ?? '')).not.toContain(TOKEN);
    }
    expect(h.storage.getItem(SESSION_KEY)).toBeNull();
    await h.auth.handleRedirect(await h.callbackUrl());
    await expect(h.auth.validate()).rejects.toMatchObject({ code: 'http_error', status: 500 });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
