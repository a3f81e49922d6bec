// A model-based test of the refresh invariant (src/device/refresh.ts): random interleavings of
// two or three tabs of one browser — a 401 that makes a tab refresh, a reload, a duplicated tab,
// a logout, another user's device login, a refresh whose answer is lost — with sessions kept per
// tab (sessionStorage) or shared (localStorage), with Web Locks or the storage claim, against
// Twitch's token rules (test/helpers/twitch-token-rules.ts). Once pending work has settled:
// - no refresh token was ever sent twice (Twitch would have killed the user's connection);
// - no tab is signed in with an access token Twitch considers dead;
// - every session that ended emitted exactly one `logout`, right when it ended.
//
// Fake timers: each client gets the refresh module itself, already imported. With the default
// lazy part, `import()` goes through vitest's module runner, which resolves on real I/O, not on
// timers or microtasks; fake time then runs past every lock, settle and claim before a client has
// its refresh code, and the refresh happens after the test looked (why the storage claim "never
// fired" under fake timers with two clients in tabs.test.ts).
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../src/client.js';
import type * as RefresherModule from '../../../src/device/refresher.js';
import { internalsOf } from '../../../src/internals.js';
import type { TwitchAuth } from '../../../src/index.js';
import type { StorageLike } from '../../../src/session/storage.js';
import {
  type MapStorage,
  SESSION_KEY,
  deviceLogin,
  mapStorage,
  seedDeviceSession,
  type TestBrowser,
} from '../../helpers/browser-tabs.js';
import { createChannelBus } from '../../helpers/channel.js';
import { createTestLocks, testRefreshPage } from '../../helpers/refresh-page.js';
import { CLIENT_ID } from '../../helpers/twitch.js';
import { USERS_URL, createTwitchRules } from '../../helpers/twitch-token-rules.js';

let refresher: typeof RefresherModule;
beforeAll(async () => {
  refresher = await import('../../../src/device/refresher.js');
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

type Event =
  | { readonly kind: 'change'; readonly token: string | null }
  | { readonly kind: 'login' }
  | { readonly kind: 'logout'; readonly reason: string };

interface ModelTab {
  readonly name: string;
  readonly auth: TwitchAuth;
  /** Where its session lives: its own sessionStorage, or the shared localStorage. */
  readonly storage: MapStorage;
  /** Whether it held a session when it was made (restored from storage). */
  readonly restored: boolean;
  /** Every login, logout and change it emitted, in order. */
  readonly events: Event[];
}

interface World {
  readonly browser: TestBrowser;
  readonly shared: boolean;
  /** The open tabs (a reload replaces one; destroyed clients are gone). */
  readonly tabs: ModelTab[];
}

/**
 * localStorage as one tab sees it: every write of the session key reaches the other open tabs as
 * a `storage` event, later, when the value changed (what createTabSync hears in a browser; a
 * custom storage has no tab sync, so the test plays the browser's part).
 */
function sharedView(world: () => World, local: MapStorage, me: () => ModelTab | undefined) {
  const write = (key: string, value: string | null): void => {
    const before = local.map.get(key) ?? null;
    if (value === null) local.map.delete(key);
    else local.map.set(key, value);
    if (key !== SESSION_KEY || before === value) return;
    for (const other of world().tabs) {
      if (other === me()) continue;
      setTimeout(() => {
        if (world().tabs.includes(other))
          internalsOf(other.auth).state.onTabMessage({
            type: value === null ? 'logout' : 'login',
          });
      }, 0);
    }
  };
  const view: MapStorage = {
    map: local.map,
    getItem: (key) => local.map.get(key) ?? null,
    setItem: (key, value) => write(key, value),
    removeItem: (key) => write(key, null),
  };
  return view;
}

let opened = 0;
function openTab(world: World, storage: MapStorage | 'shared'): ModelTab {
  opened += 1;
  const name = `tab-${opened}`;
  const me: { tab?: ModelTab } = {}; // set once the client exists
  const store: StorageLike =
    storage === 'shared'
      ? sharedView(
          () => world,
          world.browser.local,
          () => me.tab,
        )
      : storage;
  const auth = createClient(
    {
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage: store,
      fetch: world.browser.rules.fetch,
    },
    {
      completeLogin: () => import('../../../src/callback/complete-login.js'),
      refresher: () => Promise.resolve(refresher),
    },
    {
      refresh: testRefreshPage(world.browser.local, {
        locks: world.browser.locks,
        Channel: world.browser.bus.Channel,
        tab: name,
      }),
    },
  );
  const events: Event[] = [];
  auth.on('change', ({ session }) =>
    events.push({ kind: 'change', token: session?.accessToken ?? null }),
  );
  auth.on('login', () => events.push({ kind: 'login' }));
  auth.on('logout', ({ reason }) => events.push({ kind: 'logout', reason }));
  const self: ModelTab = {
    name,
    auth,
    storage: storage === 'shared' ? world.browser.local : storage,
    restored: auth.session !== null,
    events,
  };
  me.tab = self;
  world.tabs.push(self);
  auth.start();
  return self;
}

/**
 * Lets every tab's pending work run: timers, channel messages, requests. Long enough for three
 * tabs in turn under the lock, each waiting out the catch-up bound (2 s) for a rotation stored
 * where it cannot read it, behind storage claims (600 ms each).
 */
async function settle(ms = 15_000): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Command =
  | { readonly op: 'refresh'; readonly tab: number; readonly lose: boolean }
  | { readonly op: 'reload'; readonly tab: number }
  | { readonly op: 'duplicate'; readonly tab: number }
  | { readonly op: 'logout'; readonly tab: number }
  | { readonly op: 'login'; readonly tab: number; readonly user: 'alice' | 'bob' };

/** A command, then how long (fake) time runs before the next one: 'settle' lets all work end. */
type Step = readonly [Command, 0 | 100 | 400 | 'settle'];

const tabIndex = fc.nat({ max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('refresh' as const), tab: tabIndex, lose: fc.boolean() }),
  fc.record({ op: fc.constant('reload' as const), tab: tabIndex }),
  fc.record({ op: fc.constant('duplicate' as const), tab: tabIndex }),
  fc.record({ op: fc.constant('logout' as const), tab: tabIndex }),
  fc.record({
    op: fc.constant('login' as const),
    tab: tabIndex,
    user: fc.constantFrom('alice' as const, 'bob' as const),
  }),
);
const step: fc.Arbitrary<Step> = fc.tuple(
  command,
  fc.constantFrom(0 as const, 100 as const, 400 as const, 'settle' as const),
);

async function apply(world: World, [cmd]: Step): Promise<void> {
  const tab = world.tabs[cmd.tab % world.tabs.length];
  if (tab === undefined) return;
  switch (cmd.op) {
    case 'refresh': {
      const token = tab.auth.session?.accessToken;
      if (token === undefined) return;
      if (cmd.lose) world.browser.rules.loseNextAnswer();
      world.browser.rules.expire(token); // the next call meets a 401
      void tab.auth.fetch(USERS_URL).catch(() => undefined);
      return;
    }
    case 'reload': {
      tab.auth.destroy();
      world.tabs.splice(world.tabs.indexOf(tab), 1);
      openTab(world, world.shared ? 'shared' : tab.storage);
      return;
    }
    case 'duplicate':
      if (world.tabs.length < 3) openTab(world, world.shared ? 'shared' : mapStorage(tab.storage));
      return;
    case 'logout':
      void tab.auth.logout();
      return;
    case 'login':
      deviceLogin(world.browser, { ...tab, id: tab.name, events: {} as never }, cmd.user);
      return;
  }
}

/** What must hold whatever happened, also while work is pending. */
function checkAlways(world: World): void {
  const { rules } = world.browser;
  expect(rules.replays).toEqual([]);
  expect(new Set(rules.refreshSends).size).toBe(rules.refreshSends.length);
}

/** What must hold once pending work has settled. */
function checkSettled(world: World, ended: ModelTab[]): void {
  checkAlways(world);
  for (const tab of world.tabs) {
    const token = tab.auth.session?.accessToken;
    if (token !== undefined)
      expect(world.browser.rules.isLive(token), `${tab.name} holds a dead token`).toBe(true);
  }
  for (const tab of [...world.tabs, ...ended]) {
    // Each end of a session (a change to none) is followed at once by one logout, and a logout
    // comes only right after one.
    let signedIn = tab.restored;
    tab.events.forEach((event, i) => {
      if (event.kind === 'change') {
        if (signedIn && event.token === null)
          expect(tab.events[i + 1], `${tab.name}: an ended session's logout`).toMatchObject({
            kind: 'logout',
          });
        signedIn = event.token !== null;
      }
      if (event.kind === 'logout')
        expect(tab.events[i - 1], `${tab.name}: a logout without an end`).toEqual({
          kind: 'change',
          token: null,
        });
    });
    if (world.tabs.includes(tab)) expect(tab.auth.session !== null).toBe(signedIn);
  }
}

/** What the runs of one property did, so a model that exercises nothing fails. */
const seen = { sends: 0, logouts: 0, runs: 0 };

async function runModel(shared: boolean, webLocks: boolean, steps: readonly Step[]) {
  const browser: TestBrowser = {
    rules: createTwitchRules(),
    local: mapStorage(),
    bus: createChannelBus(),
    locks: webLocks ? createTestLocks() : null,
    tabs: [],
  };
  const world: World = { browser, shared, tabs: [] };
  const first = shared ? browser.local : mapStorage();
  seedDeviceSession(browser, first, 'alice');
  openTab(world, shared ? 'shared' : first);
  const everyTab: ModelTab[] = [];
  try {
    await settle();
    checkSettled(world, everyTab);
    for (const s of steps) {
      const before = [...world.tabs];
      await apply(world, s);
      for (const tab of before) if (!world.tabs.includes(tab)) everyTab.push(tab);
      if (s[1] === 'settle') {
        await settle();
        checkSettled(world, everyTab);
      } else {
        await vi.advanceTimersByTimeAsync(s[1]);
        checkAlways(world);
      }
    }
    await settle();
    checkSettled(world, everyTab);
  } finally {
    for (const tab of world.tabs) tab.auth.destroy();
    seen.runs += 1;
    seen.sends += browser.rules.refreshSends.length;
    for (const tab of [...world.tabs, ...everyTab])
      seen.logouts += tab.events.filter((e) => e.kind === 'logout').length;
  }
}

const RUNS = Number(process.env['MODEL_RUNS'] ?? 60);

describe('the refresh invariant, model-based', () => {
  for (const shared of [false, true])
    for (const webLocks of [true, false])
      it(`sessions ${shared ? 'shared (local)' : 'per tab (session)'}, ${webLocks ? 'Web Locks' : 'the storage claim'}`, async () => {
        Object.assign(seen, { sends: 0, logouts: 0, runs: 0 });
        await fc.assert(
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) =>
            runModel(shared, webLocks, steps),
          ),
          { numRuns: RUNS },
        );
        // Some runs refreshed and ended sessions: the checks above looked at something.
        expect(seen.sends).toBeGreaterThan(RUNS / 2);
        expect(seen.logouts).toBeGreaterThan(RUNS / 4);
      });
});
