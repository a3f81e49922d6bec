// How the client wires its parts: the lazy path and the key set loaded side by side, start-up once,
// the tab channel only for storage 'local', redirect logins refused without sessionStorage, what
// validation failures report, adoption by a second copy of the SDK, logout and destroy.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportCompleteLogin } from '../../src/callback/lazy-path';
import { createClient } from '../../src/client';
import { createTwitchAuth, createMemoryStorage } from '../../src/index';
import type { TwitchAuth } from '../../src/index';
import { internalsOf } from '../../src/internals';
import { createSession } from '../../src/session/session';
import { createChannelBus } from '../helpers/channel';
import { recordEvents } from '../helpers/events';
import { createFakeFetch, json } from '../helpers/fake-fetch';
import { useFreshPage } from '../helpers/page';
import { testRefreshPage } from '../helpers/refresh-page';
import { rejection } from '../helpers/thrown';
import {
  CLIENT_ID,
  lazyParts,
  JWKS_URL,
  REVOKE_URL,
  VALIDATE_URL,
  createHarness,
  validateBody,
} from '../helpers/twitch';

const created = useFreshPage();
afterEach(() => vi.useRealTimers());

const track = <T extends { auth: TwitchAuth }>(h: T): T => {
  created.push(h.auth);
  return h;
};
const realImport: ImportCompleteLogin = () => import('../../src/callback/complete-login');

describe('createTwitchAuth', () => {
  it('loads its own callback path and completes a login with it', async () => {
    const h = await createHarness();
    const auth = createTwitchAuth({
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage: h.storage,
      fetch: h.fake.fetch,
    });
    created.push(auth);
    // A login this client started: the harness's own client shares its sessionStorage.
    const session = await auth.handleRedirect(await h.callbackUrl());
    expect(session?.user?.id).toBe('141981764');
  });
});

describe('the callback path and the key set, side by side', () => {
  it('asks for the key set before the callback path has loaded', async () => {
    let loaded: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (loaded = resolve));
    const h = track(await createHarness({ importCompleteLogin: () => gate.then(realImport) }));
    const done = h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.fake.requests.map((r) => r.url)).toContain(JWKS_URL));
    loaded();
    await expect(done).resolves.not.toBeNull();
  });

  it.each([
    ['a plain OAuth login', { openid: false }, undefined, null],
    ['an error response', {}, 'error', 'access_denied'],
    [
      'an OAuth login answered with an id_token',
      { openid: false },
      'id_token',
      'response_type_mismatch',
    ],
  ])('asks for no key set for %s', async (_what, options, kind, code) => {
    const fake = createFakeFetch();
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    const h = track(await createHarness({ ...options, fetch: fake.fetch, validate: false }));
    let url = await h.callbackUrl();
    if (kind === 'error') {
      const state = new URLSearchParams(url.split('#')[1]).get('state') ?? '';
      url = `http://localhost:3000/callback?error=access_denied&error_description=no&state=${state}`;
    }
    if (kind === 'id_token') url += '&id_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln';
    const outcome = await h.auth.handleRedirect(url).then(
      () => null,
      (error: unknown) => (error as { code?: unknown }).code,
    );
    expect(outcome).toBe(code);
    expect(fake.requests.map((r) => r.url)).not.toContain(JWKS_URL);
  });

  it('is network_error, naming what failed, when the callback path cannot load', async () => {
    const cause = new TypeError('Failed to fetch dynamically imported module');
    const h = track(await createHarness({ importCompleteLogin: () => Promise.reject(cause) }));
    const error = await rejection(h.auth.handleRedirect(await h.callbackUrl()));
    expect(error).toMatchObject({ code: 'network_error', cause });
    expect(String((error as Error).message)).toMatch(/could not be loaded/);
  });

  it('a plain OAuth login while signed out asks validate once (start-up), not to learn the user', async () => {
    const h = track(await createHarness({ openid: false, validate: false }));
    h.fake.expect({ url: VALIDATE_URL, respond: json(validateBody()) });
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 20)); // the start-up validation's tick
    expect(h.fake.requests.filter((r) => r.url === VALIDATE_URL)).toHaveLength(1);
  });
});

describe('start-up', () => {
  it('runs once however often it is called, and again after destroy()', async () => {
    const first = track(await createHarness());
    await first.auth.handleRedirect(await first.callbackUrl());
    const h = track(await createHarness({ storage: first.storage, validate: false }, first.key));
    h.fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: 2 });
    h.auth.start();
    h.auth.start();
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());
    h.auth.destroy();
    h.auth.start();
    await vi.waitFor(() =>
      expect(h.fake.requests.filter((r) => r.url === VALIDATE_URL)).toHaveLength(2),
    );
  });

  it('hears other tabs on its channel with storage "local" only', async () => {
    const channel = new BroadcastChannel(`twitch-spa-login:${CLIENT_ID}`);
    try {
      for (const storage of ['local', 'session'] as const) {
        localStorage.clear();
        sessionStorage.clear();
        const h = track(await createHarness({ storage }));
        await h.auth.handleRedirect(await h.callbackUrl());
        h.auth.start();
        channel.postMessage({ type: 'logout' });
        if (storage === 'local') {
          await vi.waitFor(() => expect(h.auth.session).toBeNull());
        } else {
          await new Promise((resolve) => setTimeout(resolve, 50));
          expect(h.auth.session).not.toBeNull();
        }
      }
    } finally {
      channel.close();
    }
  });
});

describe('a device login in a started tab', () => {
  it('opens its channel for the other tabs’ refreshes as soon as a device login signs it in', async () => {
    const fake = createFakeFetch();
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    const bus = createChannelBus();
    const auth = createClient(
      { clientId: CLIENT_ID, redirectUri: 'http://localhost:3000/callback', fetch: fake.fetch },
      lazyParts(),
      { refresh: testRefreshPage(createMemoryStorage(), { Channel: bus.Channel }) },
    );
    created.push(auth);
    const refreshChannel = `twitch-spa-login:${CLIENT_ID}:refresh`;
    auth.start(); // signed out: no refresh code, no channel
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    expect(bus.open(refreshChannel)).toBe(0);

    const session = createSession({
      accessToken: 'at-0',
      tokenType: 'bearer',
      scopes: [],
      createdAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
    });
    internalsOf(auth).signIn(session, { token: 'rt-0', lineage: 'lineage-0', generation: 0 });
    await vi.waitFor(() => expect(bus.open(refreshChannel)).toBe(1));
  });
});

describe('redirect logins need sessionStorage', () => {
  const noSessionStorage = createMemoryStorage(); // not web storage: as if sessionStorage threw

  it('refuses a redirect login with storage_unavailable, pointing to the popup', async () => {
    const h = track(await createHarness({ transient: noSessionStorage }));
    const error = await rejection(h.auth.login({ navigate: () => undefined }));
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect(String((error as Error).message)).toMatch(/popup: true/);
  });

  it('allows it with storage "memory" (the app keeps the page), and allows popups', async () => {
    const h = track(await createHarness({ transient: noSessionStorage, storage: 'memory' }));
    expect(h.auth.authorizeUrl()).toMatch(/^https:\/\/id\.twitch\.tv\//);
    const popup = track(
      await createHarness({
        transient: noSessionStorage,
        popupHost: {
          screenX: 0,
          screenY: 0,
          outerWidth: 800,
          outerHeight: 800,
          open: () => null,
        },
      }),
    );
    // Past the storage check: the popup itself is what fails here.
    await expect(rejection(popup.auth.login({ popup: true }))).resolves.toMatchObject({
      code: 'popup_blocked',
    });
  });
});

describe('scopes already granted', () => {
  it('asks Twitch again for what the live session was granted, beside the new ones', async () => {
    const h = track(await createHarness({ scopes: ['user:read:email'], validate: false }));
    h.fake.expect({
      url: VALIDATE_URL,
      respond: json(validateBody({ scopes: ['openid', 'user:read:email', 'chat:read'] })),
      times: Infinity,
    });
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.scopes).toContain('chat:read'));
    const scope = new URL(h.auth.authorizeUrl({ scopes: ['bits:read'] })).searchParams.get('scope');
    expect(scope?.split(' ')).toEqual(expect.arrayContaining(['chat:read', 'bits:read']));
  });
});

describe('validation', () => {
  it('with no session, is token_invalid: nothing to validate', async () => {
    const h = track(await createHarness({ validate: false }));
    const error = await rejection(h.auth.validate());
    expect(error).toMatchObject({ code: 'token_invalid' });
    expect(String((error as Error).message)).toMatch(/no session/);
  });

  it('a 401 ends the session with the error on the logout event, and reports nothing else', async () => {
    const h = track(await createHarness({ validate: false }));
    h.fake.expect({
      url: VALIDATE_URL,
      respond: json({ status: 401, message: 'invalid access token' }, 401),
    });
    const events = recordEvents(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(events.logout).toHaveLength(1));
    expect(events.logout[0]).toEqual({
      reason: 'token_invalid',
      error: expect.objectContaining({ code: 'token_invalid' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.error).toEqual([]);
  });

  it('an answer for a session that ended meanwhile is returned and changes nothing', async () => {
    const h = track(await createHarness({ validate: false }));
    let answer: (response: Response) => void = () => undefined;
    h.fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: 1 });
    h.fake.expect({
      url: VALIDATE_URL,
      respond: () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    const events = recordEvents(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());
    const late = h.auth.validate();
    await h.auth.logout({ revoke: false });
    answer(json({ status: 401, message: 'invalid access token' }, 401));
    await expect(rejection(late)).resolves.toMatchObject({ code: 'token_invalid' });
    expect(events.logout).toEqual([{ reason: 'user' }]);
    expect(events.error).toEqual([]);
  });
});

describe('the user and a second copy of the SDK', () => {
  it('auth.user is null while signed out', async () => {
    const h = track(await createHarness());
    expect(h.auth.user).toBeNull();
  });

  it('a second copy adopts the session the first one completed', async () => {
    const h = track(await createHarness());
    const copy = createClient(
      {
        clientId: CLIENT_ID,
        redirectUri: 'http://localhost:3000/callback',
        storage: h.storage,
        fetch: h.fake.fetch,
      },
      lazyParts(realImport),
    );
    created.push(copy);
    const url = await h.callbackUrl();
    const [mine, theirs] = await Promise.all([
      h.auth.handleRedirect(url),
      copy.handleRedirect(url),
    ]);
    expect(theirs).toBe(mine);
    expect(copy.session?.accessToken).toBe(mine?.accessToken);
  });

  it('a second copy on a popup’s callback page resolves null as well', async () => {
    const h = track(await createHarness());
    const copy = createClient(
      { clientId: CLIENT_ID, redirectUri: 'http://localhost:3000/callback', fetch: h.fake.fetch },
      lazyParts(realImport),
    );
    created.push(copy);
    const url = 'http://localhost:3000/callback#access_token=x&state=popup.elsewhere';
    await expect(
      Promise.all([h.auth.handleRedirect(url), copy.handleRedirect(url)]),
    ).resolves.toEqual([null, null]);
  });
});

describe('logout', () => {
  it('while signed out sends nothing and says nothing', async () => {
    const h = track(await createHarness({ validate: false }));
    const events = recordEvents(h.auth);
    await h.auth.logout();
    expect(h.fake.requests).toEqual([]);
    expect(events).toMatchObject({ logout: [], error: [] });
  });

  it('revokes the token it ended', async () => {
    const h = track(await createHarness());
    h.fake.expect({ method: 'POST', url: REVOKE_URL, respond: new Response(null) });
    await h.auth.handleRedirect(await h.callbackUrl());
    await h.auth.logout();
    const revoke = h.fake.requests.find((r) => r.url === REVOKE_URL);
    expect(await revoke?.text()).toContain('token=abcdefghijklmnopqrstuvwxyz0123');
  });
});

describe('listeners', () => {
  it('a throwing listener becomes an error event (listener_error), and the others still run', async () => {
    const h = track(await createHarness());
    const events = recordEvents(h.auth);
    h.auth.on('login', () => {
      throw new Error('my bug');
    });
    const later: string[] = [];
    h.auth.on('login', () => void later.push('ran'));
    await h.auth.handleRedirect(await h.callbackUrl());
    expect(later).toEqual(['ran']);
    expect(events.error).toEqual([
      {
        error: expect.objectContaining({
          code: 'listener_error',
          message: expect.stringMatching(/listener threw/),
        }),
      },
    ]);
  });
});
