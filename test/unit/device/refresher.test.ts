// The device entry wired into a real client: refresh on 401, validation and expiry; one refresh
// for many callers; the refresh token kept out of everything public.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/client.js';
import { startDeviceLogin } from '../../../src/device/index.js';
import type { Refresher } from '../../../src/device/refresher.js';
import { type StorageOption, type TwitchAuth, createMemoryStorage } from '../../../src/index.js';
import { internalsOf } from '../../../src/internals.js';
import type { ImportRefresher } from '../../../src/session/refresh-path.js';
import { type StoredRecord, createSession, serializeRecord } from '../../../src/session/session.js';
import type { RefreshPage } from '../../../src/device/refresh-page.js';
import { testRefreshPage } from '../../helpers/refresh-page.js';
import { createTwurpleAuthProvider } from '../../../src/twurple/index.js';
import { createFakeFetch, json, type FakeFetch } from '../../helpers/fake-fetch.js';
import {
  CLIENT_ID,
  HELIX,
  lazyParts,
  REVOKE_URL,
  DEVICE_ANSWER,
  TOKEN_ANSWER,
  USER_ID,
  VALIDATE_URL,
  validateBody,
} from '../../helpers/twitch.js';
import { recordEvents } from '../../helpers/events';
import { createChannelBus } from '../../helpers/channel.js';
import { createSpentLedger } from '../../../src/device/spent-ledger.js';
import { createKeyValueStore } from '../../../src/session/storage.js';

const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';
const DEVICE_URL = 'https://id.twitch.tv/oauth2/device';
const KEY = `twitch-spa-login:${CLIENT_ID}:session`;
const USERS = `${HELIX}/users`;

let fake: FakeFetch;
let storage: ReturnType<typeof createMemoryStorage>;
/** Where the spent-token ledger lives: the test browser's localStorage. */
let localStorageOfThisBrowser: ReturnType<typeof createMemoryStorage>;
let created: TwitchAuth[];
let consoleLines: string[];

beforeEach(() => {
  fake = createFakeFetch();
  storage = createMemoryStorage();
  localStorageOfThisBrowser = createMemoryStorage();
  created = [];
  consoleLines = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation(
      (...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')),
    );
  }
});
afterEach(() => {
  for (const auth of created) auth.destroy();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A device login's record: `user` (twitchdev unless named) at `generation` of `lineage`. */
function recordOf(
  accessToken: string,
  refreshToken: string,
  {
    expiresAt = Date.now() + 3_600_000,
    generation = 0,
    lineage = 'lineage-0',
    user = { id: USER_ID, login: 'twitchdev' },
  }: {
    expiresAt?: number;
    generation?: number;
    lineage?: string;
    user?: { id: string; login: string };
  } = {},
): StoredRecord {
  return {
    session: createSession({
      accessToken,
      tokenType: 'bearer',
      scopes: ['chat:read'],
      user,
      createdAt: Date.now() - 1000,
      expiresAt,
    }),
    refresh: { token: refreshToken, lineage, generation },
  };
}

function seed(accessToken: string, refreshToken: string, expiresAt = Date.now() + 3_600_000): void {
  storage.setItem(KEY, serializeRecord(recordOf(accessToken, refreshToken, { expiresAt })));
}

function client(
  page: Partial<RefreshPage> = {},
  {
    sessions = storage,
    refresher = lazyParts().refresher,
  }: { sessions?: StorageOption; refresher?: ImportRefresher } = {},
): TwitchAuth {
  const auth = createClient(
    {
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage: sessions,
      fetch: fake.fetch,
    },
    { ...lazyParts(), refresher },
    { refresh: testRefreshPage(localStorageOfThisBrowser, page) },
  );
  created.push(auth);
  return auth;
}

/**
 * The refresh code as the client loads it, keeping the refresher the client builds from it; with
 * `held`, the load completes only at `release()`.
 */
function refreshCode({ held = false } = {}) {
  let release = (): void => undefined;
  const gate = held ? new Promise<void>((resolve) => (release = resolve)) : undefined;
  let built = (_: Refresher): void => undefined;
  const refresher = new Promise<Refresher>((resolve) => (built = resolve));
  const load: ImportRefresher = async () => {
    const code = await import('../../../src/device/refresher.js');
    await gate;
    return {
      createRefresher: (host) => {
        const made = code.createRefresher(host);
        built(made);
        return made;
      },
    };
  };
  return { load, refresher, release: () => release() };
}

/** Web Locks that refuse every request, as they do in a page whose origin is opaque. */
const refusingLocks: LockManager = {
  request: (() =>
    Promise.reject(
      new DOMException('The request was denied.', 'SecurityError'),
    )) as LockManager['request'],
  query: () => Promise.resolve({ held: [], pending: [] }),
};

/** The spent-token ledger every tab of the test browser shares. */
const sharedLedger = (now: () => number = Date.now) =>
  createSpentLedger(
    createKeyValueStore(localStorageOfThisBrowser, `twitch-spa-login:${CLIENT_ID}:`),
    now,
  );

const record = recordEvents;

/** Twitch's token endpoint with rotation; counts every use of a refresh token. */
function tokenServer(options: { gone?: boolean; offline?: boolean } = {}) {
  let valid = 'rt-0';
  let n = 0;
  const uses: string[] = [];
  fake.expect({
    method: 'POST',
    url: TOKEN_URL,
    times: Infinity,
    respond: async (request) => {
      const form = new URLSearchParams(await request.text());
      const used = form.get('refresh_token') ?? '';
      uses.push(used);
      // The request left; its answer is lost (it may have reached Twitch).
      if (options.offline === true) throw new TypeError('Failed to fetch');
      if (options.gone === true || used !== valid)
        return json({ status: 400, message: 'Invalid refresh token' }, 400);
      n += 1;
      valid = `rt-${n}`;
      return json({
        access_token: `at-${n}`,
        refresh_token: valid,
        expires_in: 14_000,
        scope: ['chat:read'],
        token_type: 'bearer',
      });
    },
  });
  return { uses };
}

/** Helix accepting only `good` (a function, so it can follow rotations). */
function helix(good: () => string) {
  const seen: string[] = [];
  fake.expect({
    url: USERS,
    times: Infinity,
    respond: (request) => {
      const token = (request.headers.get('authorization') ?? '').replace('Bearer ', '');
      seen.push(token);
      return token === good()
        ? json({ data: [{ id: USER_ID }] })
        : json({ status: 401, message: 'Invalid OAuth token' }, 401);
    },
  });
  return seen;
}

/** /oauth2/validate accepting any token; returns the tokens it was asked about, in order. */
const validateAny = () => {
  const validated: string[] = [];
  fake.expect({
    url: VALIDATE_URL,
    times: Infinity,
    respond: (request) => {
      validated.push((request.headers.get('authorization') ?? '').replace('OAuth ', ''));
      return json(validateBody({ client_id: CLIENT_ID }));
    },
  });
  return validated;
};
const stored = () =>
  JSON.parse(storage.getItem(KEY) ?? 'null') as {
    accessToken: string;
    refresh: { token: string; generation: number };
  } | null;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The channel the tabs' refresh code talks on. */
const CHANNEL = `twitch-spa-login:${CLIENT_ID}:refresh`;

/** A started client on a channel bus, once its refresh code listens on the tabs' channel. */
async function listeningClient() {
  const bus = createChannelBus();
  const auth = client({ Channel: bus.Channel });
  const events = record(auth);
  auth.start();
  await vi.waitFor(() => expect(bus.open(CHANNEL)).toBe(1));
  return { auth, bus, events };
}

describe('a device session in a client', () => {
  it('acts only on well-formed signals about its own login: anything else on the channel is ignored', async () => {
    seed('at-0', 'rt-0');
    validateAny();
    // The refresh code loaded and listening, and its start-up look at the ledger done.
    const { auth, bus, events } = await listeningClient();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Another tab spent this login's token: a well-formed signal about it must end the session.
    sharedLedger().markSpent({ token: 'rt-0', lineage: 'lineage-0', generation: 0 });
    const otherTab = new bus.Channel(CHANNEL);
    for (const malformed of [
      null,
      'spent',
      { type: 'spent' },
      { type: 'spent', lineage: 7 },
      { type: 'rotated', lineage: 'lineage-0' },
      { type: 'rotated', lineage: 'lineage-0', generation: '1' },
      { type: 'revoked', lineage: 'lineage-0' },
      { type: 'revoked', lineage: 'lineage-0', generation: 1 },
      { type: 'spent', lineage: 'another-login' },
    ])
      otherTab.postMessage(malformed);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.logout).toEqual([]);
    expect(auth.session?.accessToken).toBe('at-0');

    otherTab.postMessage({ type: 'spent', lineage: 'lineage-0' });
    await vi.waitFor(() => expect(auth.session).toBeNull());
    expect(events.logout).toEqual([
      { reason: 'refresh_failed', error: expect.objectContaining({ code: 'token_invalid' }) },
    ]);
    otherTab.close();
  });

  it('answers a 401 with one refresh and the retried request, as a change (not a login)', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    const seen = helix(() => 'at-1');
    const validated = validateAny();
    const auth = client();
    const events = record(auth);

    const response = await auth.fetch(USERS);

    expect(response.status).toBe(200);
    expect(seen).toEqual(['at-0', 'at-1']);
    expect(server.uses).toEqual(['rt-0']);
    expect(auth.session?.accessToken).toBe('at-1');
    expect(stored()).toMatchObject({
      accessToken: 'at-1',
      refresh: { token: 'rt-1', generation: 1 },
    });
    expect(events.login).toEqual([]);
    expect(events.logout).toEqual([]);
    expect(events.change.at(-1)?.session?.accessToken).toBe('at-1');
    // The new token's session is timed from now on, and validated at once (it never was).
    await vi.waitFor(() => expect(validated).toEqual(['at-1']));
  });

  it('stops hearing other tabs after destroy(), and hears anew from a fresh start', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    helix(() => 'at-1');
    validateAny();
    const auth = client();
    auth.start();
    auth.destroy();
    // Announced after destroy(): had the old channel still listened, this tab would wait for a
    // generation 7 that storage never shows, and give up on the refresh.
    const otherTab = new BroadcastChannel(CHANNEL);
    otherTab.postMessage({ type: 'rotated', lineage: 'lineage-0', generation: 7 });
    otherTab.close();
    await new Promise((resolve) => setTimeout(resolve, 50)); // delivery to any listener left
    auth.start();
    const started = Date.now();
    expect((await auth.fetch(USERS)).status).toBe(200);
    expect(server.uses).toEqual(['rt-0']);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refreshes ahead of the expiry instead of telling the app it expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    seed('at-0', 'rt-0', Date.now() + 60_000); // inside the expiring notice (300 s)
    validateAny();
    const auth = client();
    const events = record(auth);
    auth.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(events.expiring).toEqual([]);
    expect(events.logout).toEqual([]);
  });

  it('turns 10 concurrent 401s into one token request, each request retried once', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    const seen = helix(() => 'at-1');
    validateAny();
    const auth = client();

    const responses = await Promise.all(Array.from({ length: 10 }, () => auth.fetch(USERS)));

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(server.uses).toEqual(['rt-0']);
    expect(seen.filter((t) => t === 'at-0')).toHaveLength(10);
    expect(seen.filter((t) => t === 'at-1')).toHaveLength(10);
  });

  it('does not retry a request whose body cannot be replayed, but still refreshes', async () => {
    seed('at-0', 'rt-0');
    tokenServer();
    fake.expect({ method: 'POST', url: USERS, respond: json({ status: 401 }, 401) });
    validateAny();
    const auth = client();
    const body = new ReadableStream({ start: (c) => c.close() });
    const response = await auth.fetch(USERS, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(401);
    expect(auth.session?.accessToken).toBe('at-1');
  });

  it('ends the session once with refresh_failed when the grant is gone', async () => {
    seed('at-0', 'rt-0');
    tokenServer({ gone: true });
    helix(() => 'none');
    const auth = client();
    const events = record(auth);

    const responses = await Promise.all([auth.fetch(USERS), auth.fetch(USERS), auth.fetch(USERS)]);

    expect(responses.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(events.logout).toHaveLength(1);
    expect(events.logout[0]).toMatchObject({ reason: 'refresh_failed' });
    expect(auth.session).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('lets the twurple provider refresh a device session after a 401 instead of ending it', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    validateAny();
    const auth = client();
    const events = record(auth);
    const provider = createTwurpleAuthProvider(auth);

    const token = await provider.refreshAccessTokenForUser(USER_ID);

    expect(token).toMatchObject({ accessToken: 'at-1', refreshToken: null, userId: USER_ID });
    expect(server.uses).toEqual(['rt-0']);
    expect(auth.session?.accessToken).toBe('at-1');
    expect(events.logout).toEqual([]);
  });

  it('ends a device session through the twurple provider once when the grant is gone', async () => {
    seed('at-0', 'rt-0');
    tokenServer({ gone: true });
    const auth = client();
    const events = record(auth);
    const provider = createTwurpleAuthProvider(auth);

    await expect(provider.refreshAccessTokenForUser(USER_ID)).rejects.toMatchObject({
      code: 'token_invalid',
    });
    expect(events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
    expect(auth.session).toBeNull();
  });

  it('ends the session when the refresh answer was lost: its token may be spent at Twitch', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer({ offline: true });
    helix(() => 'none');
    const auth = client();
    const events = record(auth);

    expect((await auth.fetch(USERS)).status).toBe(401);
    expect((await auth.fetch(USERS)).status).toBe(401);

    expect(server.uses).toEqual(['rt-0']); // never again, although Twitch may not have seen it
    expect(auth.session).toBeNull();
    expect(storage.getItem(KEY)).toBeNull();
    expect(events.logout).toEqual([
      { reason: 'refresh_failed', error: expect.objectContaining({ code: 'network_error' }) },
    ]);
  });

  it('waits for the browser to be online before it spends the refresh token', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    helix(() => 'at-1');
    validateAny();
    let goOnline!: () => void;
    const online = new Promise<void>((resolve) => (goOnline = resolve));
    const auth = client({ online: () => online });

    const response = auth.fetch(USERS);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.uses).toEqual([]);
    goOnline();

    expect((await response).status).toBe(200);
    expect(server.uses).toEqual(['rt-0']);
  });

  it("ends a Confidential client's session once, naming the fix (twitchdev/issues#943)", async () => {
    seed('at-0', 'rt-0');
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({ status: 400, message: 'missing client secret' }, 400),
    });
    helix(() => 'none');
    const auth = client();
    const events = record(auth);

    await Promise.all([auth.fetch(USERS), auth.fetch(USERS)]);

    expect(events.logout).toHaveLength(1);
    const error = events.logout[0]?.error;
    expect(events.logout[0]?.reason).toBe('refresh_failed');
    expect(error).toMatchObject({
      code: 'invalid_options',
      status: 400,
      twitchError: 'missing client secret',
    });
    expect(error?.message).toMatch(/Public client/);
    expect(auth.session).toBeNull();
  });

  it('refreshes when validation says 401 instead of ending the session', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    const validated: string[] = [];
    fake.expect({
      url: VALIDATE_URL,
      times: Infinity,
      respond: (request) => {
        validated.push(request.headers.get('authorization') ?? '');
        return request.headers.get('authorization') === 'OAuth at-1'
          ? json(validateBody({ client_id: CLIENT_ID, scopes: ['chat:read'] }))
          : json({ status: 401, message: 'invalid access token' }, 401);
      },
    });
    const auth = client();
    const events = record(auth);

    const result = await auth.validate();

    expect(result.clientId).toBe(CLIENT_ID);
    expect(server.uses).toEqual(['rt-0']);
    expect(auth.session?.accessToken).toBe('at-1');
    expect(auth.session?.validatedAt).toBeDefined();
    expect(events.logout).toEqual([]);
    // The new token is validated once, by this call: no second validation follows.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(validated).toEqual(['OAuth at-0', 'OAuth at-1']);
  });

  it('refreshes an expired session found at reload rather than logging out', async () => {
    seed('at-0', 'rt-0', Date.now() - 60_000);
    const server = tokenServer();
    validateAny();
    const auth = client();
    const events = record(auth);
    expect(auth.session?.accessToken).toBe('at-0');

    auth.start();
    await vi.waitFor(() => expect(auth.session?.accessToken).toBe('at-1'));

    expect(server.uses).toEqual(['rt-0']);
    expect(events.logout).toEqual([]);
    expect(stored()).toMatchObject({ refresh: { token: 'rt-1', generation: 1 } });
  });

  it('logout revokes the access token and removes the record with its refresh token', async () => {
    seed('at-0', 'rt-0');
    validateAny();
    fake.expect({
      method: 'POST',
      url: REVOKE_URL,
      times: 2,
      respond: () => new Response(null, { status: 200 }),
    });
    const auth = client();
    await auth.logout();
    expect(storage.getItem(KEY)).toBeNull();
    const revoked = await Promise.all(
      fake.requests.filter((r) => r.url === REVOKE_URL).map((r) => r.clone().text()),
    );
    await vi.waitFor(() =>
      expect(fake.requests.filter((r) => r.url === REVOKE_URL)).toHaveLength(2),
    );
    const bodies = await Promise.all(
      fake.requests.filter((r) => r.url === REVOKE_URL).map((r) => r.clone().text()),
    );
    expect(revoked).toEqual([expect.stringContaining('token=at-0')]);
    // The refresh token is spent on its revocation: marked first, so no tab sends it again.
    expect(bodies).toContainEqual(expect.stringContaining('token=rt-0'));
  });

  it('signs in with the device grant and never shows the refresh token in the session, events, errors or console', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fake.expect({
      method: 'POST',
      url: DEVICE_URL,
      respond: json(DEVICE_ANSWER),
    });
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({
        access_token: 'at-0',
        refresh_token: 'rt-secret-0',
        expires_in: 14_000,
        scope: ['chat:read'],
        token_type: 'bearer',
      }),
    });
    tokenServer({ gone: true });
    validateAny();
    helix(() => 'none');
    const auth = client();
    const events = record(auth);
    const writes: string[] = [];
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => {
      writes.push(value);
      setItem(key, value);
    };

    const device = await startDeviceLogin(auth, { scopes: ['chat:read'] });
    expect(device.userCode).toBe('ABCDEFGH');
    await vi.advanceTimersByTimeAsync(5_000);
    const session = await device.session;
    vi.useRealTimers();

    expect(auth.session).toBe(session);
    expect(writes).toHaveLength(1); // the record, in one write
    expect(writes[0]).toContain('rt-secret-0');
    expect(events.login).toHaveLength(1);
    // the grant is then gone: the failure path must not leak it either
    await auth.fetch(USERS);
    await flush();
    expect(events.logout).toMatchObject([{ reason: 'refresh_failed' }]);
    const everything = JSON.stringify({
      session,
      events,
      errors: events.error.map((e) => [e.error.message, e.error.stack]),
      logoutError: events.logout.map((e) => [e.error?.message, e.error?.stack]),
    });
    expect(everything).not.toContain('rt-secret');
    expect(Object.keys(session)).not.toContain('refreshToken');
    expect(consoleLines.join('\n')).not.toContain('rt-secret');
  });
});

describe('sending the request again after a refresh', () => {
  /** POST /users answering by token; returns the token and body of each request. */
  function helixPost(times: number) {
    const seen: [string, string][] = [];
    fake.expect({
      method: 'POST',
      url: USERS,
      times,
      respond: async (request) => {
        const token = (request.headers.get('authorization') ?? '').replace('Bearer ', '');
        seen.push([token, await request.text()]);
        return token === 'at-1'
          ? json({ data: [{ id: USER_ID }] })
          : json({ status: 401, message: 'Invalid OAuth token' }, 401);
      },
    });
    return seen;
  }

  it('sends a request with a string body again, body and all', async () => {
    seed('at-0', 'rt-0');
    tokenServer();
    const seen = helixPost(2);
    validateAny();
    const auth = client();
    const response = await auth.fetch(USERS, { method: 'POST', body: 'login=twitchdev' });
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      ['at-0', 'login=twitchdev'],
      ['at-1', 'login=twitchdev'],
    ]);
  });

  it('sends a Request without a body again', async () => {
    seed('at-0', 'rt-0');
    tokenServer();
    const seen = helix(() => 'at-1');
    validateAny();
    const auth = client();
    expect((await auth.fetch(new Request(USERS))).status).toBe(200);
    expect(seen).toEqual(['at-0', 'at-1']);
  });

  it.each([
    ['alone', undefined],
    ["with init's body null (the Request's own body is still sent)", { body: null }],
  ])(
    'returns the 401 of a Request with a body (its stream was sent), but still refreshes: %s',
    async (_, init) => {
      seed('at-0', 'rt-0');
      tokenServer();
      const seen = helixPost(1);
      validateAny();
      const auth = client();
      const request = new Request(USERS, { method: 'POST', body: 'login=twitchdev' });
      expect((await auth.fetch(request, init)).status).toBe(401);
      expect(seen).toEqual([['at-0', 'login=twitchdev']]);
      expect(auth.session?.accessToken).toBe('at-1');
    },
  );

  it('returns the 401 when the refresh brings back the same access token: sending it again is useless', async () => {
    seed('at-0', 'rt-0');
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({ ...TOKEN_ANSWER, access_token: 'at-0' }),
    });
    const seen = helix(() => 'none');
    validateAny();
    const auth = client();
    expect((await auth.fetch(USERS)).status).toBe(401);
    expect(seen).toEqual(['at-0']);
    expect(stored()).toMatchObject({
      accessToken: 'at-0',
      refresh: { token: 'rt-1', generation: 1 },
    });
  });
});

describe('a refresh while the session changes', () => {
  /** The token endpoint answering one refresh only once `answer()` is called. */
  function heldTokenAnswer() {
    let answer = (): void => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: async () => {
        await answered;
        return json(TOKEN_ANSWER);
      },
    });
    return { answer, asked: () => fake.requests.some((r) => r.url === TOKEN_URL) };
  }

  it("a login that replaced the session during the refresh keeps the 401, and the refreshed tokens, no one's, are revoked", async () => {
    seed('at-0', 'rt-0');
    const token = heldTokenAnswer();
    const seen = helix(() => 'none');
    validateAny();
    const revoked: string[] = [];
    fake.expect({
      method: 'POST',
      url: REVOKE_URL,
      times: 2,
      respond: async (request) => {
        revoked.push(new URLSearchParams(await request.text()).get('token') ?? '');
        return new Response(null, { status: 200 });
      },
    });
    const auth = client();
    const events = record(auth);

    const response = auth.fetch(USERS);
    await vi.waitFor(() => expect(token.asked()).toBe(true));
    const other = createSession({
      accessToken: 'at-other',
      tokenType: 'bearer',
      scopes: ['chat:read', 'chat:edit'],
      user: { id: USER_ID, login: 'twitchdev' },
      createdAt: Date.now(),
    });
    internalsOf(auth).signIn(other); // meanwhile, a redirect login asking for more scopes
    token.answer();

    expect((await response).status).toBe(401);
    expect(seen).toEqual(['at-0']); // never sent again with the other login's token
    expect(auth.session?.accessToken).toBe('at-other');
    await vi.waitFor(() => expect(revoked.sort()).toEqual(['at-1', 'rt-1']));
    expect(auth.session?.accessToken).toBe('at-other');
    expect(events.logout).toEqual([]);
  });

  it("a 401 that finds the session gone from storage ends it as the other tab's logout, telling no tab", async () => {
    // Storage shared by two tabs ('local'): the session was removed there, as a logout elsewhere
    // does (that tab has told the others already).
    localStorage.setItem(KEY, serializeRecord(recordOf('at-0', 'rt-0')));
    validateAny();
    helix(() => 'none');
    const codes = [refreshCode(), refreshCode()];
    const [here, there] = codes.map((code) =>
      client({}, { sessions: 'local', refresher: code.load }),
    ) as [TwitchAuth, TwitchAuth];
    const hereEvents = record(here);
    const thereEvents = record(there);
    try {
      here.start();
      there.start();
      await Promise.all(codes.map((code) => code.refresher));
      await flush();
      localStorage.removeItem(KEY);

      expect((await here.fetch(USERS)).status).toBe(401);
      expect(hereEvents.logout).toEqual([{ reason: 'other_tab' }]);
      expect(here.session).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 50)); // a tab message's delivery
      expect(thereEvents.logout).toEqual([]);
      expect(there.session?.accessToken).toBe('at-0');
    } finally {
      localStorage.clear();
    }
  });

  it('a tab keeps one channel to the others however often it hears of a device login', async () => {
    seed('at-0', 'rt-0');
    validateAny();
    fake.expect({ method: 'POST', url: REVOKE_URL, respond: new Response(null, { status: 200 }) });
    const { auth, bus } = await listeningClient();

    const next = recordOf('at-9', 'rt-9', { lineage: 'lineage-9' });
    internalsOf(auth).signIn(next.session, next.refresh); // the same user's device login again
    await vi.waitFor(() => expect(fake.requests.some((r) => r.url === REVOKE_URL)).toBe(true));
    await flush();
    expect(bus.open(CHANNEL)).toBe(1);
    auth.destroy();
    expect(bus.open(CHANNEL)).toBe(0);
  });
});

describe('validation of a device session', () => {
  const refusingValidation = () =>
    fake.expect({
      url: VALIDATE_URL,
      times: Infinity,
      respond: json({ status: 401, message: 'invalid access token' }, 401),
    });

  it('ends the session with token_invalid when Twitch refuses the token a refresh just produced, refreshing once', async () => {
    seed('at-0', 'rt-0');
    const server = tokenServer();
    refusingValidation();
    const auth = client();
    const events = record(auth);

    await expect(auth.validate()).rejects.toMatchObject({ code: 'token_invalid', status: 401 });

    expect(server.uses).toEqual(['rt-0']);
    expect(events.logout).toEqual([
      { reason: 'token_invalid', error: expect.objectContaining({ code: 'token_invalid' }) },
    ]);
    expect(auth.session).toBeNull();
  });

  it("rejects with Twitch's refusal when the refresh after it ends the session", async () => {
    seed('at-0', 'rt-0');
    tokenServer({ gone: true });
    refusingValidation();
    const auth = client();
    const events = record(auth);

    await expect(auth.validate()).rejects.toMatchObject({ code: 'token_invalid', status: 401 });

    expect(events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
  });
});

describe('signals from the other tabs', () => {
  it('adopts a rotation another tab announces, and validates the new token at once', async () => {
    seed('at-0', 'rt-0');
    const validated = validateAny();
    const { auth, bus, events } = await listeningClient();
    await vi.waitFor(() => expect(validated).toEqual(['at-0']));

    // Another tab sharing this storage refreshed: it marked rt-0, stored generation 1, said so.
    sharedLedger().markSpent({ token: 'rt-0', lineage: 'lineage-0', generation: 0 });
    storage.setItem(KEY, serializeRecord(recordOf('at-1', 'rt-1', { generation: 1 })));
    const otherTab = new bus.Channel(CHANNEL);
    otherTab.postMessage({ type: 'rotated', lineage: 'lineage-0', generation: 1 });
    otherTab.close();

    await vi.waitFor(() => expect(auth.session?.accessToken).toBe('at-1'));
    await vi.waitFor(() => expect(validated).toEqual(['at-0', 'at-1']));
    expect(events.logout).toEqual([]);
  });

  it('at start, adopts a rotation another tab stored since the session was read, and validates it', async () => {
    seed('at-0', 'rt-0');
    const validated = validateAny();
    const code = refreshCode({ held: true });
    const auth = client({}, { refresher: code.load });
    expect(auth.session?.accessToken).toBe('at-0');
    storage.setItem(KEY, serializeRecord(recordOf('at-1', 'rt-1', { generation: 1 })));

    auth.start();
    await vi.waitFor(() => expect(validated).toEqual(['at-0']));
    code.release(); // the refresh code arrives

    await vi.waitFor(() => expect(auth.session?.accessToken).toBe('at-1'));
    await vi.waitFor(() => expect(validated).toEqual(['at-0', 'at-1']));
  });

  it('marks the token it spends even in a ledger full of other logins, so a duplicated tab ends', async () => {
    // 32 logins are marked already, each longer ago than the last: the oldest makes room.
    for (let i = 0; i < 32; i += 1)
      sharedLedger(() => Date.now() - 60_000 - i * 1000).markSpent({
        token: `rt-old-${i}`,
        lineage: `lineage-old-${i}`,
        generation: 0,
      });
    seed('at-0', 'rt-0');
    const copy = createMemoryStorage(); // a duplicated tab's copy of sessionStorage
    copy.setItem(KEY, storage.getItem(KEY) ?? '');
    tokenServer();
    helix(() => 'at-1');
    validateAny();
    const original = client();
    expect((await original.fetch(USERS)).status).toBe(200);

    const duplicate = client({}, { sessions: copy });
    const events = record(duplicate);
    duplicate.start();
    await vi.waitFor(() => expect(duplicate.session).toBeNull());
    expect(events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
    expect(
      sharedLedger().isSpent({ token: 'rt-old-31', lineage: 'lineage-old-31', generation: 0 }),
    ).toBe(false);
  });
});

describe('refreshing ahead of the expiry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  it.each([
    { left: 40_000, at: 20_000, why: 'half the time left' },
    { left: 120_000, at: 90_000, why: '30 s early at most' },
  ])('refreshes $why before the expiry', async ({ left, at }) => {
    seed('at-0', 'rt-0', Date.now() + left);
    const server = tokenServer();
    validateAny();
    const code = refreshCode();
    const auth = client({}, { refresher: code.load });
    const events = record(auth);
    auth.start();
    await code.refresher; // loaded before any time passes

    await vi.advanceTimersByTimeAsync(at - 1_000);
    expect(server.uses).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.uses).toEqual(['rt-0']);
    await vi.waitFor(() => expect(auth.session?.accessToken).toBe('at-1'));
    expect(events.expiring).toEqual([]);
    expect(events.logout).toEqual([]);
  });

  it('drops the planned refresh when a new device login replaced the session', async () => {
    seed('at-0', 'rt-0', Date.now() + 40_000);
    validateAny();
    fake.expect({ method: 'POST', url: REVOKE_URL, respond: new Response(null, { status: 200 }) });
    const code = refreshCode();
    const auth = client({}, { refresher: code.load });
    const events = record(auth);
    auth.start();
    await code.refresher;
    await vi.advanceTimersByTimeAsync(5_000); // the refresh is planned for 20 s

    const again = recordOf('at-new', 'rt-new', {
      lineage: 'lineage-new',
      expiresAt: Date.now() + 14_000_000,
    });
    internalsOf(auth).signIn(again.session, again.refresh); // the user signs in on the device again
    await vi.advanceTimersByTimeAsync(60_000);

    // No token request (the strict fake has none to answer): the new token is not spent early.
    expect(auth.session?.accessToken).toBe('at-new');
    expect(events.logout).toEqual([]);
  });

  it('does nothing at the expiry notice or the expiry of a session that has ended', async () => {
    seed('at-0', 'rt-0');
    fake.expect({ method: 'POST', url: REVOKE_URL, respond: new Response(null, { status: 200 }) });
    const code = refreshCode();
    const auth = client({}, { refresher: code.load });
    await auth.logout({ revoke: false }); // the refresh code loads to revoke the refresh token
    const refresher = await code.refresher;

    refresher.expiring();
    refresher.expired();
    expect(await refresher.refresh()).toBeNull();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(auth.session).toBeNull();
  });
});

describe('failures the refresh code reports', () => {
  it('reports a refresh that cannot take the lock, and returns the 401', async () => {
    seed('at-0', 'rt-0');
    helix(() => 'none');
    const code = refreshCode();
    const auth = client({ locks: refusingLocks }, { refresher: code.load });
    const events = record(auth);

    expect((await auth.fetch(USERS)).status).toBe(401);
    const refused = {
      code: 'network_error',
      message: 'Refreshing failed.',
      cause: expect.objectContaining({ name: 'SecurityError' }),
    };
    expect(events.error).toEqual([{ error: expect.objectContaining(refused) }]);

    (await code.refresher).expired(); // the same at the expiry
    await vi.waitFor(() => expect(events.error).toHaveLength(2));
    expect(events.error[1]).toEqual({ error: expect.objectContaining(refused) });
    expect(auth.session?.accessToken).toBe('at-0');
    expect(events.logout).toEqual([]);
  });

  it('reports a start-up look at the ledger that cannot take the lock, and keeps the session', async () => {
    seed('at-0', 'rt-0');
    validateAny();
    const auth = client({ locks: refusingLocks });
    const events = record(auth);

    auth.start();

    await vi.waitFor(() =>
      expect(events.error).toEqual([
        {
          error: expect.objectContaining({
            code: 'network_error',
            message: 'Refreshing failed.',
            cause: expect.objectContaining({ name: 'SecurityError' }),
          }),
        },
      ]),
    );
    expect(auth.session?.accessToken).toBe('at-0');
    expect(events.logout).toEqual([]);
  });

  it('reports a refresh token it could not revoke at logout (no lock)', async () => {
    seed('at-0', 'rt-0');
    const auth = client({ locks: refusingLocks });
    const events = record(auth);

    await auth.logout({ revoke: false });

    await vi.waitFor(() =>
      expect(events.error).toEqual([
        {
          error: expect.objectContaining({
            code: 'network_error',
            message: 'Revoking the refresh token failed.',
          }),
        },
      ]),
    );
    expect(events.logout).toEqual([{ reason: 'user' }]);
  });
});
