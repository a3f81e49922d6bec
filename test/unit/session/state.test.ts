// The one current session of a client, on its own: what each transition stores, emits, starts and
// announces, and in which order, with a memory store, a recording lifecycle and a recording tab
// sync. (client.test.ts covers the same rules through the public API.)
import { describe, expect, it } from 'vitest';
import { TwitchAuthError } from '../../../src/internal/errors';
import { type Emitter, createEmitter } from '../../../src/internal/emitter';
import type { TwitchAuthEvents } from '../../../src/session/events';
import type { Lifecycle } from '../../../src/session/lifecycle';
import {
  type Session,
  createSession,
  serializeRecord,
  serializeSession,
} from '../../../src/session/session';

const GRANT = Object.freeze({ token: 'rt-1', lineage: 'lineage-1', generation: 2 });
import { createSessionState } from '../../../src/session/state';
import {
  type StorageLike,
  createKeyValueStore,
  createMemoryStorage,
} from '../../../src/session/storage';
import type { TabMessage } from '../../../src/session/tabs';

const NOW = 1_700_000_000_000;
const KEY = 'p:session';

/** A session; a field given as undefined (e.g. `user`) is left out. */
const session = (
  fields: { readonly [K in keyof Session]?: Session[K] | undefined } = {},
): Session =>
  createSession({
    accessToken: 'token-one',
    tokenType: 'bearer',
    scopes: ['user:read:email'],
    user: { id: '1001', login: 'one' },
    createdAt: NOW - 1_000,
    ...fields,
  } as Session);
const other = session({
  accessToken: 'token-two',
  user: { id: '2002', login: 'two' },
  createdAt: NOW,
});

/** Everything the state touched, in order, as short strings. */
function setup(backing: StorageLike = createMemoryStorage()) {
  const log: string[] = [];
  const payloads: unknown[] = [];
  const reported: unknown[][] = [];
  const emitter: Emitter<TwitchAuthEvents> = createEmitter((error) => {
    throw error;
  });
  for (const name of ['login', 'logout', 'change'] as const) {
    emitter.on(name, (payload) => {
      log.push(`${name}`);
      payloads.push(payload);
    });
  }
  const lifecycle: Lifecycle = {
    start: (s, validateNow) => void log.push(`start ${s.accessToken} ${String(validateNow)}`),
    update: (s) => void log.push(`update ${s.accessToken}`),
    stop: () => void log.push('stop'),
  };
  const tabs = {
    post: (message: TabMessage) => void log.push(`post ${message.type}`),
    close: () => undefined,
  };
  const store = createKeyValueStore(backing, 'p:');
  const state = createSessionState({
    store,
    emitter,
    lifecycle,
    now: () => NOW,
    report: (...args) => void reported.push(args),
  });
  state.setTabs(tabs);
  return { state, log, payloads, reported, backing, tabs };
}

/** A storage whose writes fail, like a full or sandboxed one. */
function failingWrites(): StorageLike {
  const memory = createMemoryStorage();
  return {
    getItem: (key) => memory.getItem(key),
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
    removeItem: (key) => memory.removeItem(key),
  };
}

describe('reading the stored session', () => {
  it('reads storage once, on first use', () => {
    const backing = createMemoryStorage();
    backing.setItem(KEY, serializeSession(session()));
    let reads = 0;
    const counting: StorageLike = {
      getItem: (key) => (reads++, backing.getItem(key)),
      setItem: (key, value) => backing.setItem(key, value),
      removeItem: (key) => backing.removeItem(key),
    };
    const { state } = setup(counting);
    expect(state.current()).toEqual(session());
    expect(state.current()).toEqual(session());
    expect(reads).toBe(1);
  });

  it('drops an unusable stored session from storage', () => {
    const backing = createMemoryStorage();
    backing.setItem(KEY, '{"v":1,"accessToken":""}');
    const { state, log } = setup(backing);
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(log).toEqual([]);
  });

  it('reads storage again after forget()', () => {
    const { state, backing } = setup();
    expect(state.current()).toBeNull();
    backing.setItem(KEY, serializeSession(session()));
    expect(state.current()).toBeNull();
    state.forget();
    expect(state.current()).toEqual(session());
  });

  it('reads the refresh grant with the session, once, and storage afresh only when asked', () => {
    const { state, backing } = setup();
    backing.setItem(KEY, serializeSession(session()));
    expect(state.refreshGrant()).toBeUndefined();
    backing.setItem(KEY, serializeRecord({ session: session(), refresh: GRANT }));
    expect(state.refreshGrant()).toBeUndefined(); // the record was read already
    expect(state.stored()?.refresh).toEqual(GRANT);
    state.forget();
    expect(state.refreshGrant()).toEqual(GRANT);
  });
});

describe('begin', () => {
  it('stores, then changes, validates at once, tells the tabs, and emits login', () => {
    const { state, log, payloads, backing } = setup();
    state.begin(session());
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
    expect(state.current()?.accessToken).toBe('token-one');
    expect(log).toEqual(['change', 'start token-one true', 'post login', 'login']);
    expect(payloads).toEqual([{ session: session() }, { session: session() }]);
  });

  it('stores the refresh grant it is given in the same write', () => {
    const { state, backing } = setup();
    state.begin(session(), GRANT);
    expect(backing.getItem(KEY)).toBe(serializeRecord({ session: session(), refresh: GRANT }));
    expect(state.refreshGrant()).toEqual(GRANT);
  });

  it('changes nothing when the write fails', () => {
    const { state, log } = setup(failingWrites());
    expect(() => state.begin(session())).toThrow(
      expect.objectContaining({ code: 'storage_unavailable' }),
    );
    expect(state.current()).toBeNull();
    expect(log).toEqual([]);
  });

  it('announces nothing once the tab sync is taken away', () => {
    const { state, log } = setup();
    state.setTabs(undefined);
    state.begin(session());
    expect(log).toEqual(['change', 'start token-one true', 'login']);
  });
});

describe('signIn', () => {
  it('upgrades the live session of the same user: one change, no login or logout', () => {
    const { state, log } = setup();
    state.begin(session());
    log.length = 0;
    const upgraded = session({ accessToken: 'token-upgraded', scopes: ['a', 'b'] });
    state.signIn(upgraded);
    expect(state.current()).toBe(upgraded);
    expect(log).toEqual(['change', 'start token-upgraded true', 'post login']);
  });

  it('ends the live session of another user (switched_user), then begins the new one', () => {
    const { state, log, payloads, backing } = setup();
    state.begin(session());
    log.length = 0;
    payloads.length = 0;
    state.signIn(other);
    expect(log).toEqual([
      'stop',
      'change',
      'post logout',
      'logout',
      'change',
      'start token-two true',
      'post login',
      'login',
    ]);
    expect(payloads[1]).toEqual({ reason: 'switched_user' });
    expect(backing.getItem(KEY)).toBe(serializeSession(other));
  });

  it('treats sessions without a user (OAuth mode) as different people', () => {
    const { state, log } = setup();
    state.begin(session({ user: undefined }));
    log.length = 0;
    state.signIn(session({ user: undefined, accessToken: 'token-later' }));
    expect(log).toContain('logout');
    expect(log).toContain('login');
  });

  it('switches when the new login has no user (OAuth mode) and the live one has', () => {
    const { state, log } = setup();
    state.begin(session());
    log.length = 0;
    state.signIn(session({ user: undefined, accessToken: 'token-oauth' }));
    expect(log).toContain('logout');
    expect(state.current()?.accessToken).toBe('token-oauth');
  });

  it('just begins when nobody is signed in', () => {
    const { state, log } = setup();
    state.signIn(session());
    expect(log).toEqual(['change', 'start token-one true', 'post login', 'login']);
  });
});

describe('replace', () => {
  it('stores the updated session, changes, and reschedules without validating', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    const validated = session({ validatedAt: NOW, expiresAt: NOW + 3_600_000 });
    state.replace(validated);
    expect(state.current()).toBe(validated);
    expect(backing.getItem(KEY)).toBe(serializeSession(validated));
    expect(log).toEqual(['change', 'update token-one']);
  });

  it('keeps the in-memory session and reports when the write fails', () => {
    const { state, log, reported } = setup(failingWrites());
    const validated = session({ validatedAt: NOW });
    state.replace(validated);
    expect(state.current()).toBe(validated);
    expect(log).toEqual(['change', 'update token-one']);
    expect(reported).toEqual([
      [expect.any(TwitchAuthError), 'Could not store the validated session.'],
    ]);
  });

  it('keeps the refresh grant when it stores a validated device session', () => {
    const { state, backing } = setup();
    state.begin(session(), GRANT);
    state.replace(session({ validatedAt: NOW }));
    expect(backing.getItem(KEY)).toBe(
      serializeRecord({ session: session({ validatedAt: NOW }), refresh: GRANT }),
    );
  });

  it('never writes over a rotation another tab stored meanwhile (it would bring back a spent token)', () => {
    const { state, backing } = setup();
    state.begin(session(), GRANT);
    const rotated = serializeRecord({
      session: session({ accessToken: 'token-two' }),
      refresh: { ...GRANT, token: 'rt-next', generation: GRANT.generation + 1 },
    });
    backing.setItem(KEY, rotated);
    state.replace(session({ validatedAt: NOW }));
    expect(backing.getItem(KEY)).toBe(rotated);
    expect(state.current()?.validatedAt).toBe(NOW);
  });

  it('emits no change when the session is the same object', () => {
    const { state, log } = setup();
    const s = session();
    state.begin(s);
    log.length = 0;
    state.replace(s);
    expect(log).toEqual(['update token-one']);
  });
});

describe('end', () => {
  it('stops, clears, removes, tells the tabs, emits logout once, and returns what ended', () => {
    const { state, log, payloads, backing } = setup();
    state.begin(session());
    log.length = 0;
    payloads.length = 0;
    expect(state.end('user')).toEqual({ session: session() });
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(log).toEqual(['stop', 'change', 'post logout', 'logout']);
    expect(payloads).toEqual([{ session: null }, { reason: 'user' }]);
    expect(payloads[1]).not.toHaveProperty('error');
    expect(state.end('unauthorized')).toBeNull();
    expect(log).toHaveLength(4);
  });

  it('passes the error along', () => {
    const { state, payloads } = setup();
    state.begin(session());
    const error = new TwitchAuthError('token_invalid', 'gone');
    state.end('token_invalid', { error });
    expect(payloads.at(-1)).toEqual({ reason: 'token_invalid', error });
  });

  it('ends locally (another tab did it): storage and the other tabs are left alone', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    state.end('other_tab', { local: true });
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
    expect(log).toEqual(['stop', 'change', 'logout']);
  });

  it('does nothing when signed out', () => {
    const { state, log } = setup();
    expect(state.end('user')).toBeNull();
    expect(log).toEqual([]);
  });
});

describe('adopt (another copy of the SDK stored a session)', () => {
  it('takes the stored session without events other than change', () => {
    const { state, log, backing } = setup();
    expect(state.current()).toBeNull();
    backing.setItem(KEY, serializeSession(other));
    state.adopt(other);
    expect(state.current()).toEqual(other);
    expect(log).toEqual(['change']);
  });

  it('does nothing when it already has that token', () => {
    const { state, log } = setup();
    state.begin(session());
    log.length = 0;
    state.adopt(session());
    expect(log).toEqual([]);
  });

  it('keeps its own session when storage has none', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    backing.removeItem(KEY);
    log.length = 0;
    state.adopt(other);
    expect(state.current()?.accessToken).toBe('token-one');
    expect(log).toEqual([]);
  });
});

describe('messages from other tabs', () => {
  it('a logout ends this tab locally with reason other_tab', () => {
    const { state, log, payloads } = setup();
    state.begin(session());
    log.length = 0;
    payloads.length = 0;
    state.onTabMessage({ type: 'logout' });
    expect(state.current()).toBeNull();
    expect(log).toEqual(['stop', 'change', 'logout']);
    expect(payloads.at(-1)).toEqual({ reason: 'other_tab' });
  });

  it('a login not visible in storage yet changes nothing', () => {
    const { state, log } = setup();
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toBeNull();
    expect(log).toEqual([]);
  });

  it('a login of someone new: change, timers without validating, and login', () => {
    const { state, log, payloads, backing } = setup();
    expect(state.current()).toBeNull(); // read at start-up, as the client does
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toEqual(other);
    expect(log).toEqual(['change', 'start token-two false', 'login']);
    expect(payloads.at(-1)).toEqual({ session: other });
  });

  it('the same login updated (validated elsewhere): change and timers, no login', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    const validated = session({ validatedAt: NOW });
    backing.setItem(KEY, serializeSession(validated));
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toEqual(validated);
    expect(log).toEqual(['change', 'start token-one false']);
  });

  it('the same login with a rotated token (same createdAt): change and timers, no login', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    const rotated = session({ accessToken: 'token-rotated' });
    backing.setItem(KEY, serializeSession(rotated));
    state.onTabMessage({ type: 'login' });
    expect(state.current()?.accessToken).toBe('token-rotated');
    expect(log).toEqual(['change', 'start token-rotated false']);
  });

  it('the same user with a new login (a scope upgrade elsewhere): change and timers, no login', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    const upgraded = session({ accessToken: 'token-upgraded', createdAt: NOW });
    backing.setItem(KEY, serializeSession(upgraded));
    state.onTabMessage({ type: 'login' });
    expect(state.current()?.accessToken).toBe('token-upgraded');
    expect(log).toEqual(['change', 'start token-upgraded false']);
  });

  it('another user replacing this one: change, timers and login', () => {
    const { state, log, backing } = setup();
    state.begin(session());
    log.length = 0;
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(log).toEqual(['change', 'start token-two false', 'login']);
  });

  it('the same OAuth-mode login (no user yet) with a rotated token: no login', () => {
    const { state, log, backing } = setup();
    state.begin(session({ user: undefined }));
    log.length = 0;
    backing.setItem(KEY, serializeSession(session({ user: undefined, accessToken: 'token-r' })));
    state.onTabMessage({ type: 'login' });
    expect(log).toEqual(['change', 'start token-r false']);
  });

  it('someone signing in elsewhere over an OAuth-mode login (no user): a login', () => {
    const { state, log, backing } = setup();
    state.begin(session({ user: undefined }));
    log.length = 0;
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(log).toEqual(['change', 'start token-two false', 'login']);
  });

  it('a login without a user (OAuth mode) over another one without a user: a login', () => {
    const { state, log, backing } = setup();
    state.begin(session({ user: undefined }));
    log.length = 0;
    const next = session({ user: undefined, accessToken: 'token-next', createdAt: NOW });
    backing.setItem(KEY, serializeSession(next));
    state.onTabMessage({ type: 'login' });
    expect(log).toEqual(['change', 'start token-next false', 'login']);
  });
});
