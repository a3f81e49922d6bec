import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type RefreshDeps,
  type RefreshLock,
  type RefreshRecord,
  type RefreshResult,
  type RefreshSignal,
  REFRESH_LIMITS,
  createLocalLock,
  createRefreshCoordinator,
  webLock,
} from '../../src/refresh.js';
import { createSession } from '../../src/session.js';
import { createFakeFetch, json, type FakeFetch } from '../helpers/fake-fetch.js';

const NOW = Date.UTC(2026, 0, 1);
const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';
const CLIENT_ID = 'client-id-1';

const session = (accessToken: string) =>
  createSession({
    accessToken,
    tokenType: 'bearer',
    scopes: ['chat:read'],
    user: { id: '42' },
    createdAt: NOW,
    expiresAt: NOW + 1000,
  });
const initial: RefreshRecord = { session: session('at-0'), refreshToken: 'rt-0', generation: 0 };

/**
 * Twitch's token endpoint with rotation: each refresh token works once. Every use of a refresh
 * token is counted, so a test can assert none was spent twice.
 */
function tokenServer(fake: FakeFetch, options: { delay?: () => Promise<void> } = {}) {
  let valid = 'rt-0';
  let n = 0;
  const uses = new Map<string, number>();
  fake.expect({
    method: 'POST',
    url: TOKEN_URL,
    times: Infinity,
    respond: async (request) => {
      const form = new URLSearchParams(await request.text());
      expect(form.get('grant_type')).toBe('refresh_token');
      expect(form.get('client_id')).toBe(CLIENT_ID);
      expect(form.has('client_secret')).toBe(false);
      const used = form.get('refresh_token') ?? '';
      uses.set(used, (uses.get(used) ?? 0) + 1);
      await options.delay?.();
      if (used !== valid) return json({ status: 400, message: 'Invalid refresh token' }, 400);
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
  return { uses, calls: () => [...uses.values()].reduce((a, b) => a + b, 0) };
}

/**
 * One localStorage shared by tabs, where a tab sees another tab's write only `lagMs` after it
 * happened (Chromium's cross-process propagation); its own writes at once.
 */
function sharedStorage(lagMs = 0) {
  const log: { at: number; by: string; record: RefreshRecord | null }[] = [
    { at: -Infinity, by: '', record: initial },
  ];
  return {
    read(tab: string): RefreshRecord | null {
      const visible = log.filter((w) => w.by === tab || w.at <= Date.now() - lagMs);
      return visible.at(-1)?.record ?? null;
    },
    write(tab: string, record: RefreshRecord | null) {
      log.push({ at: Date.now(), by: tab, record });
    },
    latest: () => log.at(-1)?.record ?? null,
    writes: () => log.length - 1,
  };
}

type Storage = ReturnType<typeof sharedStorage>;

function createTabs(fake: FakeFetch, storage: Storage, lockFor: (tab: string) => RefreshLock) {
  const tabs = new Map<string, ReturnType<typeof createRefreshCoordinator>>();
  const discarded: string[] = [];
  const make = (name: string) => {
    const deps: RefreshDeps = {
      clientId: CLIENT_ID,
      tokenUrl: TOKEN_URL,
      fetch: () => fake.fetch,
      now: () => Date.now(),
      timers: {
        setTimeout: (run, ms) => setTimeout(run, ms),
        clearTimeout: (h) => clearTimeout(h as number),
      },
      lock: lockFor(name),
      read: () => storage.read(name),
      write: (record) => storage.write(name, record),
      announce: (signal: RefreshSignal) => {
        for (const [other, c] of tabs) if (other !== name) c.heard(signal);
      },
      discard: (tokens) => void discarded.push(tokens.accessToken),
    };
    const coordinator = createRefreshCoordinator(deps);
    tabs.set(name, coordinator);
    return coordinator;
  };
  return { make, discarded };
}

/** Lets fake time run past a rotation's settle (the lock is held that much longer), then awaits. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.settleMs);
  return promise;
}

let fake: FakeFetch;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  fake = createFakeFetch();
});
afterEach(() => {
  fake.assertDone();
  vi.useRealTimers();
});

describe('refresh coordinator', () => {
  it('sends one token request for many requests failing at once, and stores the rotation in one write', async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage();
    const lock = createLocalLock();
    const tab = createTabs(fake, storage, () => lock).make('a');
    const results = await settled(
      Promise.all(Array.from({ length: 10 }, () => tab.refresh('at-0'))),
    );
    expect(server.calls()).toBe(1);
    for (const r of results)
      expect(r).toEqual({
        status: 'refreshed',
        session: expect.objectContaining({ accessToken: 'at-1' }),
      });
    expect(storage.writes()).toBe(1);
    expect(storage.latest()).toMatchObject({
      refreshToken: 'rt-1',
      generation: 1,
      session: { accessToken: 'at-1', user: { id: '42' } },
    });
  });

  it('a later 401 for the old token adopts the stored session without a token request', async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage();
    const tab = createTabs(fake, storage, () => createLocalLock()).make('a');
    await settled(tab.refresh('at-0'));
    const late = await tab.refresh('at-0');
    expect(late).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(server.calls()).toBe(1);
  });

  it('two tabs refreshing at once send one token request and both end with the new token', async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage();
    const lock = createLocalLock(); // one lock for both tabs, as Web Locks gives
    const tabs = createTabs(fake, storage, () => lock);
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    const [ra, rb] = await settled(Promise.all([a.refresh('at-0'), b.refresh('at-0')]));
    expect(server.calls()).toBe(1);
    expect(ra).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(rb).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
  });

  it('holds the lock through the settle after a rotation, so the next tab sees the write first', async () => {
    tokenServer(fake);
    const storage = sharedStorage(REFRESH_LIMITS.settleMs - 50); // lags less than the settle
    const lock = createLocalLock();
    const tabs = createTabs(fake, storage, () => lock);
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    const first = a.refresh('at-0');
    const second = b.refresh('at-0'); // waits for the lock
    let bDone = false;
    void second.then(() => (bDone = true));
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.settleMs - 10);
    expect(bDone).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(await first).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(await second).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
  });

  it('a tab whose storage still shows the old record after another rotated waits for it, and never spends the dead refresh token', async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage(REFRESH_LIMITS.settleMs + 150); // lags past the settle
    const lock = createLocalLock();
    const tabs = createTabs(fake, storage, () => lock);
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    await settled(a.refresh('at-0'));
    expect(storage.read('b')).toMatchObject({ refreshToken: 'rt-0' }); // the lag is real
    const pending = b.refresh('at-0');
    await vi.advanceTimersByTimeAsync(200);
    expect(await pending).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(server.uses.get('rt-0')).toBe(1);
    expect(server.calls()).toBe(1);
  });

  it('gives up with network (not spending the dead token) when storage never catches up', async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage(REFRESH_LIMITS.catchUpMaxMs * 2);
    const lock = createLocalLock();
    const tabs = createTabs(fake, storage, () => lock);
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    await settled(a.refresh('at-0'));
    const pending = b.refresh('at-0');
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.catchUpMaxMs + 100);
    expect(await pending).toEqual({ status: 'network' });
    expect(server.calls()).toBe(1);
  });

  it('a refresh racing a logout in another tab does not resurrect the session, and discards the new tokens', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    tokenServer(fake, { delay: () => gate });
    const storage = sharedStorage();
    const tabs = createTabs(fake, storage, () => createLocalLock());
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    const pending = a.refresh('at-0');
    await vi.advanceTimersByTimeAsync(0);
    // Tab b signs out: removes the record and tells the others.
    storage.write('b', null);
    a.heard({ type: 'signed_out' });
    void b;
    release();
    expect(await pending).toEqual({ status: 'signed_out' });
    expect(storage.latest()).toBeNull();
    expect(tabs.discarded).toEqual(['at-1']);
  });

  it('a signed-out message heard before storage shows the removal still stops the write', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    tokenServer(fake, { delay: () => gate });
    const storage = sharedStorage(10_000); // a never sees b's removal in time
    const tabs = createTabs(fake, storage, () => createLocalLock());
    const a = tabs.make('a');
    const pending = a.refresh('at-0');
    await vi.advanceTimersByTimeAsync(0);
    storage.write('b', null);
    a.heard({ type: 'signed_out' });
    release();
    expect(await pending).toEqual({ status: 'signed_out' });
    expect(storage.writes()).toBe(1); // only b's removal
  });

  it('reports gone when Twitch refuses the refresh token and storage still holds it after a re-read', async () => {
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({ status: 400, message: 'Invalid refresh token' }, 400),
    });
    const storage = sharedStorage();
    const tab = createTabs(fake, storage, () => createLocalLock()).make('a');
    const pending = tab.refresh('at-0');
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.goneRecheckMs);
    expect(await pending).toEqual({ status: 'gone' });
  });

  it("without Web Locks, the tab that lost the race adopts the winner's rotation instead of ending the session", async () => {
    const server = tokenServer(fake);
    const storage = sharedStorage(50);
    const tabs = createTabs(fake, storage, () => createLocalLock()); // a lock per tab: no cross-tab exclusion
    const [a, b] = [tabs.make('a'), tabs.make('b')];
    const both = Promise.all([a.refresh('at-0'), b.refresh('at-0')]);
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.goneRecheckMs + REFRESH_LIMITS.settleMs);
    const [ra, rb] = await both;
    expect(ra).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(rb).toMatchObject({ status: 'refreshed', session: { accessToken: 'at-1' } });
    expect(server.calls()).toBe(2); // the price of having no cross-tab lock, caught by the re-read
  });

  it('keeps the session on a network failure or a 5xx', async () => {
    fake.expect({ method: 'POST', url: TOKEN_URL, respond: new TypeError('Failed to fetch') });
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({ status: 503, message: 'unavailable' }, 503),
    });
    const storage = sharedStorage();
    const tab = createTabs(fake, storage, () => createLocalLock()).make('a');
    expect(await tab.refresh('at-0')).toEqual({ status: 'network' });
    expect(await tab.refresh('at-0')).toEqual({ status: 'network' });
    expect(storage.writes()).toBe(0);
  });

  it('reports signed_out when there is no stored record', async () => {
    const storage = sharedStorage();
    storage.write('x', null);
    const tab = createTabs(fake, storage, () => createLocalLock()).make('a');
    const result: RefreshResult = await tab.refresh('at-0');
    expect(result).toEqual({ status: 'signed_out' });
  });

  it('never puts a token in what it returns on failure', async () => {
    fake.expect({
      method: 'POST',
      url: TOKEN_URL,
      respond: json({ status: 400, message: 'Invalid refresh token' }, 400),
    });
    const tab = createTabs(fake, sharedStorage(), () => createLocalLock()).make('a');
    const pending = tab.refresh('at-0');
    await vi.advanceTimersByTimeAsync(REFRESH_LIMITS.goneRecheckMs);
    expect(JSON.stringify(await pending)).not.toMatch(/rt-|at-/);
  });
});

describe('locks', () => {
  it('webLock runs the task under navigator.locks.request with the given name', async () => {
    const names: string[] = [];
    const locks = {
      request: (name: string, task: () => Promise<unknown>) => (names.push(name), task()),
    } as unknown as LockManager;
    expect(await webLock(locks, 'twitch-spa-login:refresh:x')(async () => 7)).toBe(7);
    expect(names).toEqual(['twitch-spa-login:refresh:x']);
  });

  it('createLocalLock runs tasks one at a time, also after one fails', async () => {
    vi.useRealTimers();
    const lock = createLocalLock();
    const order: string[] = [];
    const first = lock(async () => {
      order.push('1 start');
      await Promise.resolve();
      order.push('1 end');
      throw new Error('x');
    });
    const second = lock(async () => void order.push('2'));
    await expect(first).rejects.toThrow('x');
    await second;
    expect(order).toEqual(['1 start', '1 end', '2']);
  });
});
