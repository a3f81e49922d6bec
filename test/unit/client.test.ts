// The client as an app uses it: sign-in by redirect and popup, the session it keeps, auth.fetch,
// validation, logout and the events of each (client-wiring.test.ts: how the facade wires its parts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTwitchAuthError } from '../../src/index';
import type { TwitchAuth } from '../../src/index';
import { json } from '../helpers/fake-fetch';
import {
  CLIENT_ID,
  HELIX,
  REVOKE_URL,
  USER_ID,
  VALIDATE_URL,
  createHarness,
  validateBody,
} from '../helpers/twitch';
import { useFreshPage } from '../helpers/page';
import { rejection } from '../helpers/thrown';
import { recordEvents } from '../helpers/events';

const SESSION_KEY = `twitch-spa-login:${CLIENT_ID}:session`;
const created = useFreshPage();

function track<T extends { auth: TwitchAuth }>(harness: T): T {
  created.push(harness.auth);
  return harness;
}

const record = recordEvents;

afterEach(() => {
  vi.useRealTimers();
});

describe('handleRedirect', () => {
  it('verifies a Twitch-shaped response, stores the session and emits login once', async () => {
    const h = track(await createHarness({ claims: { id_token: { preferred_username: null } } }));
    const events = record(h.auth);
    const url = await h.callbackUrl({ claims: { preferred_username: 'TwitchDev' } });
    history.replaceState(null, '', url);

    const pending = h.auth.handleRedirect();
    // Gone from the address bar before the first await could run.
    expect(location.href).toBe('http://localhost:3000/callback');
    const session = await pending;

    expect(session?.accessToken).toBe('abcdefghijklmnopqrstuvwxyz0123');
    expect(session?.user).toMatchObject({ id: USER_ID, displayName: 'TwitchDev' });
    expect(session?.scopes).toEqual(['openid']);
    expect(Object.isFrozen(session)).toBe(true);
    expect(h.auth.session).toBe(session);
    expect(h.auth.isAuthenticated()).toBe(true);
    expect(events.login).toHaveLength(1);
    expect(h.storage.getItem(SESSION_KEY)).toContain('abcdefghijklmnopqrstuvwxyz0123');
  });

  it('returns null and makes no request when the URL holds no auth response', async () => {
    const h = track(await createHarness());
    await expect(h.auth.handleRedirect('http://localhost:3000/?page=2')).resolves.toBeNull();
    expect(h.fake.requests).toHaveLength(0);
  });

  it('stores nothing, emits nothing and sends the token nowhere when a check fails', async () => {
    const h = track(await createHarness());
    const events = record(h.auth);
    const url = await h.callbackUrl({ claims: { nonce: 'not-the-nonce' } });
    history.replaceState(null, '', url);

    const error = await rejection(h.auth.handleRedirect());

    expect(isTwitchAuthError(error) && error.code).toBe('nonce_mismatch');
    expect(String((error as Error).message)).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
    expect(location.href).toBe('http://localhost:3000/callback');
    expect(h.auth.session).toBeNull();
    expect(h.storage.getItem(SESSION_KEY)).toBeNull();
    expect(events.login).toHaveLength(0);
    for (const request of h.fake.requests) {
      expect(request.url).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
      expect(request.headers.get('authorization')).toBeNull();
    }
  });

  it('refuses an access token in the query string and still scrubs it', async () => {
    const h = track(await createHarness());
    history.replaceState(null, '', '/callback?access_token=leaked&state=x&keep=1');
    const error = await rejection(h.auth.handleRedirect());
    expect(isTwitchAuthError(error) && error.code).toBe('token_in_query');
    expect(location.href).toBe('http://localhost:3000/callback?keep=1');
  });

  it('returns the same promise when called twice for the same URL (React StrictMode)', async () => {
    const h = track(await createHarness());
    const events = record(h.auth);
    history.replaceState(null, '', await h.callbackUrl());
    const first = h.auth.handleRedirect();
    const second = h.auth.handleRedirect(); // sees the cleaned URL
    expect(second).toBe(first);
    await first;
    expect(events.login).toHaveLength(1);
  });

  it('lets go of the callback URL once it settles, and a replay then meets the used state', async () => {
    const h = track(await createHarness());
    const href = await h.callbackUrl();
    const first = await h.auth.handleRedirect(href);
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('twitch-spa-login.redirects')
    ];
    expect([...(registry?.keys() ?? [])].filter((key) => key.includes('access_token'))).toEqual([]);
    const error = await rejection(h.auth.handleRedirect(href));
    expect(isTwitchAuthError(error) && error.code).toBe('no_pending_request');
    expect(h.auth.session).toBe(first); // the replay ended nothing
  });

  it('a replay of the address bar’s URL (same-document navigation back) is cleaned at once and refused', async () => {
    const h = track(await createHarness());
    const href = await h.callbackUrl();
    history.replaceState(null, '', href);
    await h.auth.handleRedirect();
    history.pushState(null, '', href); // back to the callback URL, token and all
    const replay = h.auth.handleRedirect();
    expect(location.href).toBe('http://localhost:3000/callback');
    const error = await rejection(replay);
    expect(isTwitchAuthError(error) && error.code).toBe('no_pending_request');
  });

  it('a callback chunk that fails to load is network_error, consumes nothing, and a retry works', async () => {
    let failures = 1;
    const h = track(
      await createHarness({
        importCompleteLogin: () =>
          failures-- > 0
            ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
            : import('../../src/callback/complete-login'),
      }),
    );
    const events = record(h.auth);
    const href = await h.callbackUrl();
    history.replaceState(null, '', href);
    const error = await rejection(h.auth.handleRedirect());
    expect(isTwitchAuthError(error) && error.code).toBe('network_error');
    expect(location.href).toBe('http://localhost:3000/callback'); // cleaned before the load
    expect(events.login).toHaveLength(0);
    const session = await h.auth.handleRedirect(href); // the pending request is still there
    expect(session?.user?.id).toBe(USER_ID);
    expect(events.login).toHaveLength(1);
  });

  it('maps a denied consent in the query to access_denied with Twitch’s text as data', async () => {
    const h = track(await createHarness());
    const authorize = new URL(h.auth.authorizeUrl());
    const state = authorize.searchParams.get('state') ?? '';
    const error = await rejection(
      h.auth.handleRedirect(
        `http://localhost:3000/callback?error=access_denied&error_description=The+user+denied+you+access&state=${state}`,
      ),
    );
    expect(error).toMatchObject({
      code: 'access_denied',
      twitchError: 'access_denied',
      twitchErrorDescription: 'The user denied you access',
    });
  });

  it('C4.3 reports an error response for another state as Twitch’s error and keeps the real login usable', async () => {
    const h = track(await createHarness());
    const url = await h.callbackUrl();
    const forged = await rejection(
      h.auth.handleRedirect('http://localhost:3000/callback?error=access_denied&state=forged'),
    );
    expect(forged).toMatchObject({ code: 'access_denied', twitchError: 'access_denied' });
    await expect(h.auth.handleRedirect(url)).resolves.toMatchObject({ tokenType: 'bearer' });
  });

  it('reports a redirect mismatch as authorize_error with Twitch’s text although no login is pending here', async () => {
    const h = track(await createHarness());
    const events = record(h.auth);
    const mismatch =
      'http://localhost:3000/callback?error=redirect_mismatch&error_description=Parameter+redirect_uri+does+not+match+registered+URI&state=from-another-page';
    const error = await rejection(h.auth.handleRedirect(mismatch));
    expect(error).toMatchObject({
      code: 'authorize_error',
      twitchError: 'redirect_mismatch',
      twitchErrorDescription: 'Parameter redirect_uri does not match registered URI',
    });
    const stateless = await rejection(
      h.auth.handleRedirect('http://localhost:3000/callback?error=access_denied&x=1'),
    );
    expect(stateless).toMatchObject({ code: 'access_denied', twitchError: 'access_denied' });
    expect(h.auth.session).toBeNull();
    expect(events.login).toEqual([]);
  });

  it('still refuses a success response that answers no pending login', async () => {
    const h = track(await createHarness());
    const url = new URL(await h.callbackUrl());
    const fragment = new URLSearchParams(url.hash.slice(1));
    fragment.set('state', 'not-pending');
    url.hash = fragment.toString();
    const stray = await rejection(h.auth.handleRedirect(url.href));
    expect(isTwitchAuthError(stray) && stray.code).toBe('state_mismatch');
    sessionStorage.clear(); // nothing pending at all
    const none = await rejection(h.auth.handleRedirect(url.href.replace('not-pending', 'other')));
    expect(isTwitchAuthError(none) && none.code).toBe('no_pending_request');
    expect(h.auth.session).toBeNull();
  });

  it('C3.1 refuses a response without state', async () => {
    const h = track(await createHarness());
    const error = await rejection(
      h.auth.handleRedirect('http://localhost:3000/callback#access_token=a&token_type=bearer'),
    );
    expect(isTwitchAuthError(error) && error.code).toBe('state_missing');
  });

  it('C3.8 refuses an id_token answering a plain token request', async () => {
    const h = track(await createHarness({ openid: false }));
    const url = await h.callbackUrl({ fragment: (p) => p.set('id_token', 'a.b.c') });
    const error = await rejection(h.auth.handleRedirect(url));
    expect(isTwitchAuthError(error) && error.code).toBe('response_type_mismatch');
  });

  it('does not store a session when storage refuses the write', async () => {
    const h = track(
      await createHarness({
        storage: {
          getItem: () => null,
          setItem: () => {
            throw new DOMException('full', 'QuotaExceededError');
          },
          removeItem: () => undefined,
        },
      }),
    );
    const events = record(h.auth);
    const error = await rejection(h.auth.handleRedirect(await h.callbackUrl()));
    expect(isTwitchAuthError(error) && error.code).toBe('storage_unavailable');
    expect(h.auth.session).toBeNull();
    expect(events.login).toHaveLength(0);
  });

  it('works in plain OAuth mode, learning the user from validate', async () => {
    const h = track(await createHarness({ openid: false }));
    const session = await h.auth.handleRedirect(await h.callbackUrl());
    expect(session?.idToken).toBeUndefined();
    await vi.waitFor(() => expect(h.auth.user).toMatchObject({ id: USER_ID, login: 'twitchdev' }));
  });
});

describe('auth.fetch', () => {
  async function signedIn(options = {}) {
    const h = track(await createHarness(options));
    await h.auth.handleRedirect(await h.callbackUrl());
    return h;
  }

  it('adds Bearer and Client-Id for Helix only', async () => {
    const h = await signedIn();
    h.fake.expect({ url: `${HELIX}/users`, respond: json({ data: [] }) });
    h.fake.expect({ url: 'https://example.com/api', respond: json({}) });
    await h.auth.fetch(`${HELIX}/users`);
    await h.auth.fetch('https://example.com/api');
    const helix = h.fake.requests.find((r) => r.url === `${HELIX}/users`);
    const other = h.fake.requests.find((r) => r.url === 'https://example.com/api');
    expect(helix?.headers.get('authorization')).toBe('Bearer abcdefghijklmnopqrstuvwxyz0123');
    expect(helix?.headers.get('client-id')).toBe(CLIENT_ID);
    expect(other?.headers.get('authorization')).toBeNull();
    expect(other?.headers.get('client-id')).toBeNull();
  });

  it('auth.helix(path) follows endpoints.helix (Twitch’s or the emulator’s) and adds the token', async () => {
    const twitch = await signedIn();
    twitch.fake.expect({ url: `${HELIX}/users?login=twitchdev`, respond: json({ data: [] }) });
    expect((await twitch.auth.helix('/users?login=twitchdev')).status).toBe(200);
    expect(twitch.fake.requests.at(-1)?.headers.get('authorization')).toBe(
      'Bearer abcdefghijklmnopqrstuvwxyz0123',
    );
  });

  it('auth.helix(path) follows an emulator’s endpoints.helix', async () => {
    const emulated = await signedIn({ endpoints: { helix: 'http://localhost:4000/helix/' } });
    emulated.fake.expect({ url: 'http://localhost:4000/helix/users', respond: json({ data: [] }) });
    await emulated.auth.helix('/users');
    expect(emulated.fake.requests.at(-1)?.headers.get('client-id')).toBe(CLIENT_ID);
  });

  it.each([
    'https://evil.example/helix/users',
    'users',
    '//evil.example/x',
    '/\\evil.example/x',
    '/../oauth2/revoke',
    '/users/../../x',
    '/%2e%2e/x',
    '',
  ])('auth.helix refuses %j with invalid_options and sends nothing', async (path) => {
    const h = await signedIn();
    const sent = h.fake.requests.length;
    const error = await rejection(h.auth.helix(path));
    expect(isTwitchAuthError(error) && error.code).toBe('invalid_options');
    expect(h.fake.requests).toHaveLength(sent);
  });

  it('reports helix_origin_mismatch once when a call to api.twitch.tv cannot carry the token', async () => {
    const h = await signedIn({ endpoints: { helix: 'http://localhost:4000/helix' } });
    const events = record(h.auth);
    h.fake.expect({ url: `${HELIX}/users`, times: 2, respond: json({}, 401) });
    await h.auth.fetch(`${HELIX}/users`);
    await h.auth.fetch(`${HELIX}/users`);
    expect(
      h.fake.requests
        .filter((r) => r.url === `${HELIX}/users`)
        .every((r) => r.headers.get('authorization') === null),
    ).toBe(true);
    expect(events.error.map(({ error }) => error.code)).toEqual(['helix_origin_mismatch']);
    expect(events.error[0]?.error.message).toContain('https://api.twitch.tv');
    expect(events.error[0]?.error.message).toContain('http://localhost:4000');
    expect(events.error[0]?.error.message).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
    expect(h.auth.isAuthenticated()).toBe(true);
  });

  it('says nothing about origins without a session or for other hosts', async () => {
    const h = track(await createHarness({ endpoints: { helix: 'http://localhost:4000/helix' } }));
    const events = record(h.auth);
    h.fake.expect({ url: `${HELIX}/users`, respond: json({}) });
    await h.auth.fetch(`${HELIX}/users`);
    const signed = await signedIn({ endpoints: { helix: 'http://localhost:4000/helix' } });
    const later = record(signed.auth);
    signed.fake.expect({ url: 'https://example.com/api', respond: json({}) });
    await signed.auth.fetch('https://example.com/api');
    expect(events.error).toEqual([]);
    expect(later.error).toEqual([]);
  });

  it('turns 100 concurrent 401s into exactly one logout and one cleared session', async () => {
    const h = await signedIn();
    const events = record(h.auth);
    h.fake.expect({
      url: `${HELIX}/users`,
      times: 100,
      respond: () =>
        json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, 401),
    });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => h.auth.fetch(`${HELIX}/users`)),
    );
    expect(responses.every((r) => r.status === 401)).toBe(true);
    expect(events.logout).toEqual([{ reason: 'unauthorized' }]);
    expect(h.auth.session).toBeNull();
    expect(h.storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('ignores a 401 that answers a request sent with an older token', async () => {
    const h = await signedIn();
    let answer: (response: Response) => void = () => undefined;
    h.fake.expect({
      url: `${HELIX}/users`,
      respond: () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    const old = h.auth.fetch(`${HELIX}/users`);
    await h.auth.logout({ revoke: false });
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'newtokennewtokennewtokennewtok' }),
    );
    const events = record(h.auth);
    answer(json({ status: 401 }, 401));
    await old;
    expect(events.logout).toHaveLength(0);
    expect(h.auth.session?.accessToken).toBe('newtokennewtokennewtokennewtok');
  });

  it('never logs out on 403, 429 or 5xx', async () => {
    const h = await signedIn();
    const events = record(h.auth);
    for (const status of [403, 429, 500, 503]) {
      h.fake.expect({ url: `${HELIX}/users`, respond: () => json({ status }, status) });
      expect((await h.auth.fetch(`${HELIX}/users`)).status).toBe(status);
    }
    expect(events.logout).toHaveLength(0);
    expect(h.auth.isAuthenticated()).toBe(true);
  });

  it('survives a logout listener that throws or starts a new login', async () => {
    const h = await signedIn();
    const errors = record(h.auth).error;
    const navigate = vi.fn();
    h.auth.on('logout', () => {
      throw new Error('listener bug');
    });
    h.auth.on('logout', () => void h.auth.login({ navigate }));
    h.fake.expect({ url: `${HELIX}/users`, times: 100, respond: () => json({ status: 401 }, 401) });
    await Promise.all(Array.from({ length: 100 }, () => h.auth.fetch(`${HELIX}/users`)));
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
  });
});

describe('logout', () => {
  it('clears the session, emits logout once and revokes with a form body', async () => {
    const h = track(await createHarness());
    await h.auth.handleRedirect(await h.callbackUrl());
    const events = record(h.auth);
    h.fake.expect({
      method: 'POST',
      url: REVOKE_URL,
      respond: new Response(null, { status: 200 }),
    });
    await h.auth.logout();
    await h.auth.logout();
    expect(events.logout).toEqual([{ reason: 'user' }]);
    const revoke = h.fake.requests.find((r) => r.url === REVOKE_URL);
    expect(await revoke?.text()).toBe(
      `client_id=${CLIENT_ID}&token=abcdefghijklmnopqrstuvwxyz0123`,
    );
    h.fake.assertDone();
  });

  it('still clears the session when revocation fails, and reports it', async () => {
    const h = track(await createHarness());
    await h.auth.handleRedirect(await h.callbackUrl());
    const events = record(h.auth);
    h.fake.expect({ method: 'POST', url: REVOKE_URL, respond: new TypeError('offline') });
    await h.auth.logout();
    expect(h.auth.session).toBeNull();
    expect(events.logout).toEqual([{ reason: 'user' }]);
    expect(events.error.map((e) => e.error.code)).toEqual(['network_error']);
  });
});

describe('session life', () => {
  it('validates a stored session at start-up and ends it when Twitch says 401', async () => {
    const first = track(await createHarness());
    await first.auth.handleRedirect(await first.callbackUrl());
    // A "reload": a new client over the same storage.
    const again = track(
      await createHarness({ storage: first.storage, validate: false }, first.key),
    );
    again.fake.expect({
      url: VALIDATE_URL,
      respond: json({ status: 401, message: 'invalid access token' }, 401),
    });
    const events = record(again.auth);
    expect(again.auth.session).not.toBeNull();
    again.auth.start();
    await vi.waitFor(() => expect(events.logout).toHaveLength(1));
    expect(events.logout[0]?.reason).toBe('token_invalid');
    const sent = again.fake.requests.find((r) => r.url === VALIDATE_URL);
    expect(sent?.headers.get('authorization')).toBe('OAuth abcdefghijklmnopqrstuvwxyz0123');
    expect(sent?.headers.get('client-id')).toBeNull();
  });

  it('ends the session when validate names another client', async () => {
    const h = track(await createHarness({ validate: false }));
    h.fake.expect({
      url: VALIDATE_URL,
      respond: json(validateBody({ client_id: 'someone-else' })),
    });
    const events = record(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(events.logout).toHaveLength(1));
    expect(events.logout[0]?.reason).toBe('token_invalid');
  });

  it('keeps the session and reports the error when validate cannot reach Twitch', async () => {
    const h = track(await createHarness({ validate: false }));
    h.fake.expect({ url: VALIDATE_URL, respond: new TypeError('offline') });
    const events = record(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(events.error).toHaveLength(1));
    expect(events.error[0]?.error.code).toBe('network_error');
    expect(h.auth.isAuthenticated()).toBe(true);
  });

  it('learns the expiry from validate, warns once and ends the session on time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = track(await createHarness({ validate: false }));
    h.fake.expect({ url: VALIDATE_URL, respond: json(validateBody({ expires_in: 600 })) });
    const events = record(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.expiresAt).toBeDefined());
    const expiresAt = h.auth.session?.expiresAt ?? 0;
    expect(expiresAt - Date.now()).toBeGreaterThan(599_000);

    await vi.advanceTimersByTimeAsync(299_000);
    expect(events.expiring).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.expiring).toHaveLength(1);
    expect(events.expiring[0]?.secondsLeft).toBeLessThanOrEqual(300);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(events.expiring).toHaveLength(1);
    expect(events.logout).toEqual([{ reason: 'expired' }]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('frameworks and webviews', () => {
  it('runs no timer while signed out, and destroy() stops the signed-in ones', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = track(await createHarness());
    expect(h.auth.session).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    h.auth.destroy();
    await vi.advanceTimersByTimeAsync(2000); // the StrictMode alias is forgotten after 1 s
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets a native host open the authorize URL itself (login({ navigate }))', async () => {
    const h = track(await createHarness());
    const navigate = vi.fn();
    await h.auth.login({ navigate });
    expect(navigate).toHaveBeenCalledTimes(1);
    const url = new URL(navigate.mock.calls[0]?.[0] as string);
    expect(url.origin + url.pathname).toBe('https://id.twitch.tv/oauth2/authorize');
    expect(location.href).toBe('http://localhost:3000/'); // the page itself did not move
  });

  it('gives no_pending_request when storage was wiped between redirect and callback', async () => {
    const h = track(await createHarness());
    const url = await h.callbackUrl();
    sessionStorage.clear(); // what a webview reset does
    const error = await rejection(h.auth.handleRedirect(url));
    expect(isTwitchAuthError(error) && error.code).toBe('no_pending_request');
    expect(h.auth.session).toBeNull();
  });
});

describe('tabs', () => {
  it('brings a login and a logout in one tab to another tab (storage: local)', async () => {
    const a = track(await createHarness({ storage: 'local' }));
    const b = track(await createHarness({ storage: 'local' }, a.key));
    expect(b.auth.session).toBeNull();
    b.auth.start(); // b's tab sync
    const events = record(b.auth);
    await a.auth.handleRedirect(await a.callbackUrl());
    await vi.waitFor(() => expect(events.login).toHaveLength(1));
    expect(b.auth.session?.accessToken).toBe('abcdefghijklmnopqrstuvwxyz0123');
    await a.auth.logout({ revoke: false });
    await vi.waitFor(() => expect(events.logout).toEqual([{ reason: 'other_tab' }]));
    expect(b.auth.session).toBeNull();
  });

  it('takes a login announced before its storage write is visible from the storage event that follows', async () => {
    const a = track(await createHarness({ storage: 'local' }));
    await a.auth.handleRedirect(await a.callbackUrl());
    // a's post-login validation writes the session again; let it finish, then quiet a.
    await vi.waitFor(() => expect(localStorage.getItem(SESSION_KEY)).toContain('validatedAt'));
    a.auth.destroy();
    const stored = localStorage.getItem(SESSION_KEY) ?? '';
    localStorage.removeItem(SESSION_KEY); // as another process would still see it
    const b = track(await createHarness({ storage: 'local' }, a.key));
    expect(b.auth.session).toBeNull();
    b.auth.start(); // b's tab sync
    const events = record(b.auth);
    const channel = new BroadcastChannel(`twitch-spa-login:${CLIENT_ID}`);
    channel.postMessage({ type: 'login' }); // the announcement outruns the write
    channel.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.login).toEqual([]);
    expect(events.logout).toEqual([]);
    localStorage.setItem(SESSION_KEY, stored);
    window.dispatchEvent(
      new StorageEvent('storage', {
        key: SESSION_KEY,
        newValue: stored,
        storageArea: localStorage,
      }),
    );
    expect(events.login).toHaveLength(1);
    expect(b.auth.session?.accessToken).toBe('abcdefghijklmnopqrstuvwxyz0123');
  });
});

describe('developer hints', () => {
  it('reports callback_not_handled once when a token sits in the address bar and nobody handled it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    history.replaceState(
      null,
      '',
      '/callback#access_token=abc&id_token=x.y.z&state=s&token_type=bearer',
    );
    const h = track(await createHarness());
    const events = record(h.auth);
    expect(h.auth.isAuthenticated()).toBe(false);
    h.auth.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(events.error.map(({ error }) => error.code)).toEqual(['callback_not_handled']);
    expect(events.error[0]?.error.message).not.toContain('abc');
    void h.auth.session;
    await vi.advanceTimersByTimeAsync(2500);
    expect(events.error).toHaveLength(1);
    history.replaceState(null, '', '/');
  });

  it('says nothing when handleRedirect() took the response out of the address bar', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const h = track(await createHarness());
    const url = new URL(await h.callbackUrl());
    history.replaceState(null, '', url.pathname + url.hash);
    const events = record(h.auth);
    h.auth.start(); // the adapters start before handling the callback
    const done = h.auth.handleRedirect();
    await vi.advanceTimersByTimeAsync(2500);
    await done;
    expect(events.error).toEqual([]);
    history.replaceState(null, '', '/');
  });
});
