// Several tabs of one test browser, each a real client: its own session storage (or the shared
// one), one localStorage for the spent ledger, one lock manager (or none: the storage claim), one
// BroadcastChannel bus, and Twitch's token rules behind every fetch.
import { createClient } from '../../src/client';
import { internalsOf } from '../../src/internals';
import type { TwitchAuth } from '../../src/index';
import { type StoredRecord, createSession, serializeRecord } from '../../src/session/session';
import type { StorageLike } from '../../src/session/storage';
import { type ChannelBus, createChannelBus } from './channel';
import { type RecordedEvents, recordEvents } from './events';
import { createTestLocks, testRefreshPage } from './refresh-page';
import { CLIENT_ID, lazyParts } from './twitch';
import { type TwitchRules, createTwitchRules } from './twitch-token-rules';

export const SESSION_KEY = `twitch-spa-login:${CLIENT_ID}:session`;
export const REFRESH_CHANNEL = `twitch-spa-login:${CLIENT_ID}:refresh`;

/** A map-backed storage whose contents can be copied (a duplicated tab's sessionStorage). */
export interface MapStorage extends StorageLike {
  readonly map: Map<string, string>;
}
export function mapStorage(from?: MapStorage): MapStorage {
  const map = new Map(from?.map);
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

export interface TestBrowser {
  readonly rules: TwitchRules;
  /** localStorage: the ledger, the claim, and sessions stored as 'local'. */
  readonly local: MapStorage;
  readonly bus: ChannelBus;
  readonly locks: LockManager | null;
  readonly tabs: Tab[];
}

export interface Tab {
  readonly id: string;
  readonly auth: TwitchAuth;
  readonly events: RecordedEvents;
  readonly storage: MapStorage;
}

export function createBrowser({ webLocks = true } = {}): TestBrowser {
  return {
    rules: createTwitchRules(),
    local: mapStorage(),
    bus: createChannelBus(),
    locks: webLocks ? createTestLocks() : null,
    tabs: [],
  };
}

let tabs = 0;
/** Opens a tab whose session lives in `storage`. */
export function openTab(browser: TestBrowser, storage: MapStorage = mapStorage()): Tab {
  tabs += 1;
  const id = `tab-${tabs}`;
  const auth = createClient(
    {
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage,
      fetch: browser.rules.fetch,
    },
    lazyParts(),
    {
      refresh: testRefreshPage(browser.local, {
        locks: browser.locks,
        Channel: browser.bus.Channel,
        tab: id,
      }),
    },
  );
  const tab = { id, auth, events: recordEvents(auth), storage };
  browser.tabs.push(tab);
  return tab;
}

let lineages = 0;
/** A new device login's record for `user`: tokens issued by the rules, a lineage of its own. */
function deviceRecord(browser: TestBrowser, user: string): StoredRecord {
  const { accessToken, refreshToken } = browser.rules.issue(user);
  lineages += 1;
  return {
    session: createSession({
      accessToken,
      tokenType: 'bearer',
      scopes: ['chat:read'],
      user: { id: user, login: user },
      createdAt: Date.now(),
      expiresAt: Date.now() + 14_000_000,
    }),
    refresh: { token: refreshToken, lineage: `lineage-${lineages}`, generation: 0 },
  };
}

/** A device login of `user` as the device add-on completes it, in `tab`. */
export function deviceLogin(browser: TestBrowser, tab: Tab, user: string): void {
  const { session, refresh } = deviceRecord(browser, user);
  internalsOf(tab.auth).signIn(session, refresh);
}

/** A stored device session of `user` (a reload finds it), issued by the rules. */
export function seedDeviceSession(browser: TestBrowser, storage: StorageLike, user: string): void {
  storage.setItem(SESSION_KEY, serializeRecord(deviceRecord(browser, user)));
}
