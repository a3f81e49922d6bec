// Device sessions in several tabs of one browser, each a real client, against Twitch's token rules
// (test/helpers/twitch-token-rules.ts): what a user sees — the session, the events, the requests
// on the wire — for each defect of the refresh redesign.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { internalsOf } from '../../../src/internals.js';
import { createSession } from '../../../src/session/session.js';
import {
  type MapStorage,
  type Tab,
  type TestBrowser,
  REFRESH_CHANNEL,
  SESSION_KEY,
  createBrowser,
  deviceLogin,
  mapStorage,
  openTab,
  seedDeviceSession,
} from '../../helpers/browser-tabs.js';
import { USERS_URL } from '../../helpers/twitch-token-rules.js';

let browsers: TestBrowser[];
const browser = (options?: { webLocks?: boolean }): TestBrowser => {
  const made = createBrowser(options);
  browsers.push(made);
  return made;
};

// The refresh code loads on demand; loaded once here, each client's import resolves at once.
beforeAll(async () => {
  await import('../../../src/device/refresher.js');
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  browsers = [];
});
afterEach(() => {
  for (const b of browsers) for (const tab of b.tabs) tab.auth.destroy();
  vi.useRealTimers();
});

/** Lets every tab's pending work run: timers, channel messages, the lazy import. */
async function settle(ms = 10_000): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    await vi.advanceTimersByTimeAsync(50);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A request that meets a 401: the access token ran out at Twitch. */
async function callAfterExpiry(b: TestBrowser, tab: Tab): Promise<number> {
  b.rules.expire(tab.auth.session?.accessToken ?? '');
  const response = tab.auth.fetch(USERS_URL);
  await settle();
  return (await response).status;
}

const accessTokens = (tabs: Tab[]) => tabs.map((tab) => tab.auth.session?.accessToken ?? null);

describe('tabs of one browser', () => {
  it('(2) two tabs without Web Locks refreshing at once send one token request', async () => {
    // Real time here. Under fake timers this passes only while the refresh module is imported
    // already: each client's lazy `import()` goes through vitest's module runner, which resolves
    // on real I/O, so fake time can run past the claim before a client has its refresh code.
    // refresh-model.test.ts hands each client the module itself and runs the claim on fake time.
    vi.useRealTimers();
    const settle = () => new Promise((resolve) => setTimeout(resolve, 4_000));
    const b = browser({ webLocks: false });
    seedDeviceSession(b, b.local, 'alice');
    const tabs = [openTab(b, b.local), openTab(b, b.local)];
    for (const tab of tabs) tab.auth.start();
    await settle();
    b.rules.expire(tabs[0]?.auth.session?.accessToken ?? '');
    const responses = tabs.map((tab) => tab.auth.fetch(USERS_URL));
    await settle();
    expect(await Promise.all(responses.map(async (r) => (await r).status))).toEqual([200, 200]);
    expect(b.rules.refreshSends).toHaveLength(1);
    expect(b.rules.replays).toEqual([]);
    const [first, second] = accessTokens(tabs);
    expect(first).toBe(second);
    expect(b.rules.isLive(first ?? '')).toBe(true);
    for (const tab of tabs) expect(tab.events.logout).toEqual([]);
  });

  it('(3) a duplicated tab never sends the spent token: it ends its session once', async () => {
    const b = browser();
    const original = mapStorage();
    seedDeviceSession(b, original, 'alice');
    const a = openTab(b, original);
    const duplicate = openTab(b, mapStorage(original)); // sessionStorage copied
    a.auth.start();
    duplicate.auth.start();
    await settle();

    expect(await callAfterExpiry(b, a)).toBe(200);
    await settle();

    expect(duplicate.auth.session).toBeNull();
    expect(duplicate.events.logout).toEqual([
      expect.objectContaining({ reason: 'refresh_failed' }),
    ]);
    // A request it makes now goes out without the dead token, and no refresh token is sent.
    await duplicate.auth.fetch(USERS_URL).catch(() => undefined);
    await settle();
    expect(b.rules.refreshSends).toHaveLength(1);
    expect(b.rules.replays).toEqual([]);
    expect(b.rules.isLive(a.auth.session?.accessToken ?? '')).toBe(true);
    expect(a.events.logout).toEqual([]);
  });

  it('(3) a duplicated tab ends at once when the original lost its refresh answer', async () => {
    // Found by refresh-model.test.ts: the token rotated at Twitch (its access token revoked) and
    // nobody learned the new one; the duplicate used to keep the dead token until its next 401.
    const b = browser();
    const original = mapStorage();
    seedDeviceSession(b, original, 'alice');
    const a = openTab(b, original);
    const duplicate = openTab(b, mapStorage(original));
    a.auth.start();
    duplicate.auth.start();
    await settle();
    b.rules.loseNextAnswer();
    await callAfterExpiry(b, a);
    await settle();
    for (const tab of [a, duplicate]) {
      expect(tab.auth.session).toBeNull();
      expect(tab.events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
    }
    expect(b.rules.refreshSends).toHaveLength(1);
    expect(b.rules.replays).toEqual([]);
  });

  it('(3) a tab destroyed while its logout spends the refresh token still tells its duplicate', async () => {
    // Found by refresh-model.test.ts: destroy() closed the channel before the revocation's
    // `spent` signal went out, and the duplicate kept an access token Twitch had revoked.
    const b = browser();
    const original = mapStorage();
    seedDeviceSession(b, original, 'alice');
    const a = openTab(b, original);
    const duplicate = openTab(b, mapStorage(original));
    a.auth.start();
    duplicate.auth.start();
    await settle();
    void a.auth.logout();
    a.auth.destroy();
    await settle();
    expect(b.rules.refreshSends).toHaveLength(1); // the revocation
    expect(duplicate.auth.session).toBeNull();
    expect(duplicate.events.logout).toEqual([
      expect.objectContaining({ reason: 'refresh_failed' }),
    ]);
    expect(b.bus.open(REFRESH_CHANNEL)).toBe(1); // the duplicate's; none left open by a
  });

  it('(3) a tab duplicated before a refresh and opened after it ends at start', async () => {
    const b = browser();
    const original = mapStorage();
    seedDeviceSession(b, original, 'alice');
    const copy = mapStorage(original);
    const a = openTab(b, original);
    a.auth.start();
    expect(await callAfterExpiry(b, a)).toBe(200);

    const late = openTab(b, copy);
    late.auth.start();
    await settle();
    expect(late.auth.session).toBeNull();
    expect(late.events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
    expect(b.rules.refreshSends).toHaveLength(1);
    expect(b.rules.replays).toEqual([]);
  });

  it('(4) two users in two tabs each refresh without disturbing the other', async () => {
    const b = browser();
    const tabs = ['alice', 'bob'].map((user) => {
      const storage = mapStorage();
      seedDeviceSession(b, storage, user);
      const tab = openTab(b, storage);
      tab.auth.start();
      return tab;
    });
    await settle();
    for (const tab of tabs) expect(await callAfterExpiry(b, tab)).toBe(200);
    await settle();
    expect(tabs.map((tab) => tab.auth.user?.id)).toEqual(['alice', 'bob']);
    for (const token of accessTokens(tabs)) expect(b.rules.isLive(token ?? '')).toBe(true);
    for (const tab of tabs) expect(tab.events.logout).toEqual([]);
    expect(b.rules.refreshSends).toHaveLength(2);
    expect(b.rules.replays).toEqual([]);
  });

  it('(5) another user signing in ends the session (switched_user), then logs in; a refresh in flight never overwrites it', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    const tab = openTab(b, storage);
    tab.auth.start();
    await settle();
    b.rules.expire(tab.auth.session?.accessToken ?? '');
    const response = tab.auth.fetch(USERS_URL);
    await vi.advanceTimersByTimeAsync(100); // alice's token is marked; the send follows
    deviceLogin(b, tab, 'bob');
    const bobs = tab.auth.session?.accessToken;
    await settle();
    await response;

    expect(tab.auth.user?.id).toBe('bob');
    expect(tab.auth.session?.accessToken).toBe(bobs);
    expect(b.rules.isLive(bobs ?? '')).toBe(true);
    expect(JSON.parse(storage.getItem(SESSION_KEY) ?? 'null')).toMatchObject({ accessToken: bobs });
    const order = [
      ...tab.events.logout.map((e) => `logout:${e.reason}`),
      ...tab.events.login.map((e) => `login:${e.session.user?.id}`),
    ];
    expect(order).toEqual(['logout:switched_user', 'login:bob']);
    expect(b.rules.replays).toEqual([]);
    expect(new Set(b.rules.refreshSends).size).toBe(b.rules.refreshSends.length);
  });

  it('(8) destroy() stops the anticipation timer and opens no channel afterwards', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    const record = JSON.parse(storage.getItem(SESSION_KEY) ?? '{}') as Record<string, unknown>;
    storage.setItem(SESSION_KEY, JSON.stringify({ ...record, expiresAt: Date.now() + 60_000 }));
    const tab = openTab(b, storage);
    tab.auth.start();
    await settle(1_000);
    tab.auth.destroy();
    await settle(120_000);
    expect(b.rules.refreshSends).toEqual([]);
    expect(b.bus.open(REFRESH_CHANNEL)).toBe(0);
  });

  it('(8) destroy() right after start() leaves no channel open once the refresh code loads', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    const tab = openTab(b, storage);
    tab.auth.start();
    tab.auth.destroy();
    await settle(1_000);
    expect(b.bus.open(REFRESH_CHANNEL)).toBe(0);
  });

  it('(8) logout revokes the access token and the refresh token', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    const tab = openTab(b, storage);
    const access = tab.auth.session?.accessToken;
    await tab.auth.logout();
    await settle();
    expect(b.rules.revokedAccess).toEqual([access]);
    expect(b.rules.refreshSends).toEqual([expect.stringMatching(/^rt-alice-/)]);
    expect(b.rules.isLive(access ?? '')).toBe(false);
  });

  it('(8) a same-user redirect upgrade of a device session revokes the old refresh token', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    const tab = openTab(b, storage);
    tab.auth.start();
    await settle();
    const upgraded = createSession({
      accessToken: b.rules.issue('alice').accessToken,
      tokenType: 'bearer',
      scopes: ['chat:read', 'chat:edit'],
      user: { id: 'alice', login: 'alice' },
      createdAt: Date.now(),
    });
    internalsOf(tab.auth).signIn(upgraded); // what a redirect or popup login does
    await settle();
    expect(b.rules.refreshSends).toEqual([expect.stringMatching(/^rt-alice-/)]);
    expect(tab.events.logout).toEqual([]);
    expect(JSON.parse(storage.getItem(SESSION_KEY) ?? '{}')).not.toHaveProperty('refresh');
  });

  it('a tab that died between send and store never sends the token again; its reload ends', async () => {
    const b = browser();
    const storage = mapStorage();
    seedDeviceSession(b, storage, 'alice');
    let dead = false;
    const dying: MapStorage = {
      ...storage,
      setItem: (key, value) => {
        if (dead) throw new Error('the page is gone');
        storage.setItem(key, value);
      },
      removeItem: (key) => {
        if (!dead) storage.removeItem(key);
      },
    };
    const a = openTab(b, dying);
    a.auth.start();
    await settle();
    b.rules.expire(a.auth.session?.accessToken ?? '');
    void a.auth.fetch(USERS_URL);
    await vi.advanceTimersByTimeAsync(100); // marked; the send follows the settle period
    a.auth.destroy();
    dead = true;
    await settle();
    const spent = b.rules.refreshSends[0];
    // Sent once; the tokens its answer carried reached no storage and were revoked.
    expect(b.rules.refreshSends.filter((token) => token === spent)).toHaveLength(1);

    const reloaded = openTab(b, storage); // the reload finds generation 0
    reloaded.auth.start();
    await settle();
    expect(reloaded.auth.session).toBeNull();
    expect(reloaded.events.logout).toEqual([expect.objectContaining({ reason: 'refresh_failed' })]);
    expect(b.rules.refreshSends.filter((token) => token === spent)).toHaveLength(1);
    expect(new Set(b.rules.refreshSends).size).toBe(b.rules.refreshSends.length);
    expect(b.rules.replays).toEqual([]);
  });
});
