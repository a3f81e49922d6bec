// The one current session of a client, on its own: what each transition leaves behind (the current
// session, what storage holds, what the lifecycle keeps) and what it tells the outside (the events,
// in the order the app sees them, and the messages to the other tabs), with a memory store, a fake
// lifecycle that keeps what it is asked to, and a fake tab sync. (client.test.ts covers the same
// rules through the public API.)
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
import { createSessionState } from '../../../src/session/state';
import {
  type StorageLike,
  createKeyValueStore,
  createMemoryStorage,
} from '../../../src/session/storage';
import type { TabMessage } from '../../../src/session/tabs';

const NOW = 1_700_000_000_000;
const KEY = 'p:session';
const GRANT = Object.freeze({ token: 'rt-1', lineage: 'lineage-1', generation: 2 });

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

type SessionEvent = {
  [K in 'login' | 'logout' | 'change']: readonly [K, TwitchAuthEvents[K]];
}['login' | 'logout' | 'change'];

/** What the lifecycle was asked to keep: the session it times, whether a validation is due now, whether it is stopped. */
interface Kept {
  session: Session | null;
  validateNow: boolean;
  stopped: boolean;
}

/** A lifecycle nobody has asked anything of. */
const IDLE: Kept = Object.freeze({ session: null, validateNow: false, stopped: false });
/** A lifecycle that was stopped (signed out). */
const STOPPED: Kept = Object.freeze({ session: null, validateNow: false, stopped: true });

/**
 * A session state with what the app and the other tabs would see: the events in order, the tab
 * messages, what storage held and what was current when each `change` was emitted, what the
 * lifecycle keeps, and the background failures reported.
 */
function setup(backing: StorageLike = createMemoryStorage()) {
  const events: SessionEvent[] = [];
  const posted: TabMessage[] = [];
  const seenOnChange: { stored: string | null; current: Session | null }[] = [];
  const reported: unknown[][] = [];
  const emitter: Emitter<TwitchAuthEvents> = createEmitter((error) => {
    throw error;
  });
  emitter.on('login', (payload) => void events.push(['login', payload]));
  emitter.on('logout', (payload) => void events.push(['logout', payload]));
  emitter.on('change', (payload) => {
    events.push(['change', payload]);
    seenOnChange.push({ stored: backing.getItem(KEY), current: state.current() });
  });
  const kept: Kept = { ...IDLE };
  const lifecycle: Lifecycle = {
    start: (s, validateNow) =>
      void Object.assign(kept, { session: s, validateNow, stopped: false }),
    // Reschedules for the updated session: a validation that was due stays due.
    update: (s) => void (kept.session = s),
    stop: () => void Object.assign(kept, STOPPED),
  };
  const store = createKeyValueStore(backing, 'p:');
  const state = createSessionState({
    store,
    emitter,
    lifecycle,
    now: () => NOW,
    report: (...args) => void reported.push(args),
  });
  state.setTabs({ post: (message) => void posted.push(message), close: () => undefined });
  /** Forgets what was seen so far (not what storage or the lifecycle keep). */
  const clearSeen = (): void => {
    events.length = 0;
    posted.length = 0;
    seenOnChange.length = 0;
  };
  return { state, emitter, events, posted, seenOnChange, kept, reported, backing, clearSeen };
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
  it('reads storage on first use, not before, and keeps what it read', () => {
    const { state, backing } = setup();
    backing.setItem(KEY, serializeSession(session())); // after creation: nothing was read yet
    const first = state.current();
    expect(first).toEqual(session());
    backing.setItem(KEY, serializeSession(other)); // behind its back
    expect(state.current()).toBe(first);
  });

  it('leaves a usable stored session in storage', () => {
    const backing = createMemoryStorage();
    backing.setItem(KEY, serializeSession(session()));
    const { state } = setup(backing);
    expect(state.current()).toEqual(session());
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
  });

  it('tells whether a token is the current session', () => {
    const { state } = setup();
    expect(state.isCurrent('token-one')).toBe(false); // signed out
    state.begin(session());
    expect(state.isCurrent('token-one')).toBe(true);
    expect(state.isCurrent('token-two')).toBe(false);
  });

  it('has no record and no refresh grant when signed out', () => {
    const { state } = setup();
    expect(state.record()).toBeNull();
    expect(state.refreshGrant()).toBeUndefined();
  });

  it('keeps a web login a plain record: no refresh grant, not even an empty one', () => {
    const { state } = setup();
    state.begin(session());
    expect(state.record()).toStrictEqual({ session: session() });
    expect(state.refreshGrant()).toBeUndefined();
  });

  it('drops an unusable stored session from storage', () => {
    const backing = createMemoryStorage();
    backing.setItem(KEY, '{"v":1,"accessToken":""}');
    const { state, events, posted, kept } = setup(backing);
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
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
  it('stores, then makes current: validated at once, the tabs told, change then login', () => {
    const { state, events, posted, seenOnChange, kept, backing } = setup();
    state.begin(session());
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
    expect(state.current()).toEqual(session());
    // A change handler finds it stored and current already.
    expect(seenOnChange).toEqual([{ stored: serializeSession(session()), current: session() }]);
    expect(events).toEqual([
      ['change', { session: session() }],
      ['login', { session: session() }],
    ]);
    expect(posted).toEqual([{ type: 'login' }]);
    expect(kept).toEqual({ session: session(), validateNow: true, stopped: false });
  });

  it('stores the refresh grant it is given in the same write', () => {
    const { state, backing } = setup();
    state.begin(session(), GRANT);
    expect(backing.getItem(KEY)).toBe(serializeRecord({ session: session(), refresh: GRANT }));
    expect(state.refreshGrant()).toEqual(GRANT);
  });

  it('changes nothing when the write fails', () => {
    const { state, events, posted, kept, backing } = setup(failingWrites());
    expect(() => state.begin(session())).toThrow(
      expect.objectContaining({ code: 'storage_unavailable' }),
    );
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
  });

  it('announces nothing once the tab sync is taken away', () => {
    const { state, events, posted, kept } = setup();
    state.setTabs(undefined);
    state.begin(session());
    expect(posted).toEqual([]);
    expect(events).toEqual([
      ['change', { session: session() }],
      ['login', { session: session() }],
    ]);
    expect(kept).toEqual({ session: session(), validateNow: true, stopped: false });
  });

  it('is timed and announced before login is emitted: a login handler that logs out wins', () => {
    const { state, emitter, events, posted, kept, backing } = setup();
    emitter.on('login', () => void state.end('user'));
    state.begin(session());
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(posted).toEqual([{ type: 'login' }, { type: 'logout' }]);
    expect(kept).toEqual(STOPPED);
    expect(events).toEqual([
      ['change', { session: session() }],
      ['login', { session: session() }],
      ['change', { session: null }],
      ['logout', { reason: 'user' }],
    ]);
  });
});

describe('signIn', () => {
  it('upgrades the live session of the same user: one change, no login or logout', () => {
    const { state, events, posted, seenOnChange, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const upgraded = session({ accessToken: 'token-upgraded', scopes: ['a', 'b'] });
    expect(state.signIn(upgraded)).toEqual({ session: session() });
    expect(state.current()).toBe(upgraded);
    expect(backing.getItem(KEY)).toBe(serializeSession(upgraded));
    expect(seenOnChange).toEqual([{ stored: serializeSession(upgraded), current: upgraded }]);
    expect(events).toEqual([['change', { session: upgraded }]]);
    expect(posted).toEqual([{ type: 'login' }]);
    expect(kept).toEqual({ session: upgraded, validateNow: true, stopped: false });
  });

  it('ends the live session of another user (switched_user), then begins the new one', () => {
    const { state, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    expect(state.signIn(other)).toEqual({ session: session() });
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'switched_user' }],
      ['change', { session: other }],
      ['login', { session: other }],
    ]);
    expect(posted).toEqual([{ type: 'logout' }, { type: 'login' }]);
    expect(state.current()).toBe(other);
    expect(backing.getItem(KEY)).toBe(serializeSession(other));
    expect(kept).toEqual({ session: other, validateNow: true, stopped: false });
  });

  it('treats sessions without a user (OAuth mode) as different people', () => {
    const { state, events, clearSeen } = setup();
    state.begin(session({ user: undefined }));
    clearSeen();
    const later = session({ user: undefined, accessToken: 'token-later' });
    state.signIn(later);
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'switched_user' }],
      ['change', { session: later }],
      ['login', { session: later }],
    ]);
  });

  it('switches when the new login has no user (OAuth mode) and the live one has', () => {
    const { state, events, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const oauth = session({ user: undefined, accessToken: 'token-oauth' });
    state.signIn(oauth);
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'switched_user' }],
      ['change', { session: oauth }],
      ['login', { session: oauth }],
    ]);
    expect(state.current()?.accessToken).toBe('token-oauth');
  });

  it('just begins when nobody is signed in', () => {
    const { state, events, posted, kept, backing } = setup();
    expect(state.signIn(session())).toBeNull();
    expect(events).toEqual([
      ['change', { session: session() }],
      ['login', { session: session() }],
    ]);
    expect(posted).toEqual([{ type: 'login' }]);
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
    expect(kept).toEqual({ session: session(), validateNow: true, stopped: false });
  });
});

describe('rotate (a refresh replaced the token)', () => {
  const rotatedGrant = Object.freeze({ ...GRANT, token: 'rt-2', generation: GRANT.generation + 1 });
  const rotated = session({ accessToken: 'token-rotated' });

  it('stores session and grant in one record, changes, tells the tabs; no login, timers kept', () => {
    const { state, events, posted, seenOnChange, kept, backing, clearSeen } = setup();
    state.begin(session(), GRANT);
    clearSeen();
    state.rotate({ session: rotated, refresh: rotatedGrant });
    const written = serializeRecord({ session: rotated, refresh: rotatedGrant });
    expect(backing.getItem(KEY)).toBe(written);
    expect(state.record()).toEqual({ session: rotated, refresh: rotatedGrant });
    expect(state.refreshGrant()).toEqual(rotatedGrant);
    expect(state.isCurrent('token-rotated')).toBe(true);
    expect(state.isCurrent('token-one')).toBe(false);
    expect(seenOnChange).toEqual([{ stored: written, current: rotated }]);
    expect(events).toEqual([['change', { session: rotated }]]);
    expect(posted).toEqual([{ type: 'login' }]);
    // The refresher reschedules itself; the lifecycle keeps the session begin() gave it.
    expect(kept).toEqual({ session: session(), validateNow: true, stopped: false });
  });

  it('rotates the record a fresh page read from storage: change, and the new record kept', () => {
    const backing = createMemoryStorage();
    backing.setItem(KEY, serializeRecord({ session: session(), refresh: GRANT }));
    const { state, events } = setup(backing);
    state.rotate({ session: rotated, refresh: rotatedGrant });
    expect(events).toEqual([['change', { session: rotated }]]);
    state.forget();
    expect(state.record()).toEqual({ session: rotated, refresh: rotatedGrant });
  });

  it('announces nothing once the tab sync is taken away', () => {
    const { state, events, posted, backing, clearSeen } = setup();
    state.begin(session(), GRANT);
    state.setTabs(undefined);
    clearSeen();
    state.rotate({ session: rotated, refresh: rotatedGrant });
    expect(backing.getItem(KEY)).toBe(serializeRecord({ session: rotated, refresh: rotatedGrant }));
    expect(events).toEqual([['change', { session: rotated }]]);
    expect(posted).toEqual([]);
  });

  it('changes nothing when the write fails', () => {
    const memory = createMemoryStorage();
    memory.setItem(KEY, serializeRecord({ session: session(), refresh: GRANT }));
    const backing: StorageLike = { ...failingWrites(), getItem: (key) => memory.getItem(key) };
    const { state, events, posted, kept } = setup(backing);
    expect(() => state.rotate({ session: rotated, refresh: rotatedGrant })).toThrow(
      expect.objectContaining({ code: 'storage_unavailable' }),
    );
    expect(state.record()).toEqual({ session: session(), refresh: GRANT });
    expect(state.isCurrent('token-one')).toBe(true);
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
  });
});

describe('replace', () => {
  it('stores the updated session, changes, and reschedules without validating', () => {
    const { state, events, posted, seenOnChange, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const validated = session({ validatedAt: NOW, expiresAt: NOW + 3_600_000 });
    state.replace(validated);
    expect(state.current()).toBe(validated);
    expect(backing.getItem(KEY)).toBe(serializeSession(validated));
    expect(seenOnChange).toEqual([{ stored: serializeSession(validated), current: validated }]);
    expect(events).toEqual([['change', { session: validated }]]);
    expect(posted).toEqual([]);
    // Rescheduled for the validated session; the validation begin() made due stays as it was.
    expect(kept).toEqual({ session: validated, validateNow: true, stopped: false });
  });

  it('keeps the in-memory session and reports when the write fails', () => {
    const { state, events, posted, kept, reported, backing } = setup(failingWrites());
    const validated = session({ validatedAt: NOW });
    state.replace(validated);
    expect(state.current()).toBe(validated);
    expect(backing.getItem(KEY)).toBeNull();
    expect(events).toEqual([['change', { session: validated }]]);
    expect(posted).toEqual([]);
    // Rescheduled, not asked to validate now.
    expect(kept).toEqual({ session: validated, validateNow: false, stopped: false });
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

  it('never writes back a device session another tab removed meanwhile', () => {
    const { state, reported, backing } = setup();
    state.begin(session(), GRANT);
    backing.removeItem(KEY);
    state.replace(session({ validatedAt: NOW }));
    expect(backing.getItem(KEY)).toBeNull();
    expect(reported).toEqual([]);
    expect(state.current()?.validatedAt).toBe(NOW);
  });

  it('emits no change when the session is the same object, but still reschedules', () => {
    const { state, events, kept, backing } = setup();
    backing.setItem(KEY, serializeSession(session()));
    const s = state.current() as Session; // read from storage: the lifecycle keeps nothing yet
    state.replace(s);
    expect(events).toEqual([]);
    expect(kept).toEqual({ session: s, validateNow: false, stopped: false });
  });
});

describe('end', () => {
  it('stops, clears, removes, tells the tabs, emits logout once, and returns what ended', () => {
    const { state, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    expect(state.end('user')).toEqual({ session: session() });
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBeNull();
    expect(kept).toEqual(STOPPED);
    expect(posted).toEqual([{ type: 'logout' }]);
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'user' }],
    ]);
    expect(events[1]?.[1]).not.toHaveProperty('error');
    // A second end (a 401 storm) finds nothing: no second logout, nothing more told.
    expect(state.end('unauthorized')).toBeNull();
    expect(events).toHaveLength(2);
    expect(posted).toHaveLength(1);
  });

  it('passes the error along', () => {
    const { state, events } = setup();
    state.begin(session());
    const error = new TwitchAuthError('token_invalid', 'gone');
    state.end('token_invalid', { error });
    expect(events.at(-1)).toEqual(['logout', { reason: 'token_invalid', error }]);
  });

  it('ends locally (another tab did it): storage and the other tabs are left alone', () => {
    const { state, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    state.end('other_tab', { local: true });
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBe(serializeSession(session()));
    expect(posted).toEqual([]);
    expect(kept).toEqual(STOPPED);
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'other_tab' }],
    ]);
  });

  it('does nothing when signed out', () => {
    const { state, events, posted, kept } = setup();
    expect(state.end('user')).toBeNull();
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
  });

  it('is done before logout is emitted: a logout handler that signs in again keeps the new session', () => {
    const { state, emitter, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    emitter.on('logout', () => void state.begin(other));
    clearSeen();
    state.end('user');
    expect(state.current()).toBe(other);
    expect(backing.getItem(KEY)).toBe(serializeSession(other));
    expect(posted).toEqual([{ type: 'logout' }, { type: 'login' }]);
    expect(kept).toEqual({ session: other, validateNow: true, stopped: false });
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'user' }],
      ['change', { session: other }],
      ['login', { session: other }],
    ]);
  });
});

describe('adopt (another copy of the SDK stored a session)', () => {
  it('takes the stored session without events other than change', () => {
    const { state, events, posted, kept, backing } = setup();
    expect(state.current()).toBeNull();
    backing.setItem(KEY, serializeSession(other));
    state.adopt(other);
    expect(state.current()).toEqual(other);
    expect(events).toEqual([['change', { session: other }]]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
  });

  it('does nothing when it already has that token', () => {
    const { state, events, posted, kept, clearSeen } = setup();
    const mine = session();
    state.begin(mine);
    clearSeen();
    state.adopt(session());
    expect(state.current()).toBe(mine);
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual({ session: mine, validateNow: true, stopped: false });
  });

  it('keeps its own session when storage has none', () => {
    const { state, events, posted, backing, clearSeen } = setup();
    state.begin(session());
    backing.removeItem(KEY);
    clearSeen();
    state.adopt(other);
    expect(state.current()?.accessToken).toBe('token-one');
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
  });
});

describe('messages from other tabs', () => {
  it('a logout ends this tab locally with reason other_tab', () => {
    const { state, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    state.onTabMessage({ type: 'logout' });
    expect(state.current()).toBeNull();
    expect(backing.getItem(KEY)).toBe(serializeSession(session())); // the other tab's to remove
    expect(posted).toEqual([]); // no echo
    expect(kept).toEqual(STOPPED);
    expect(events).toEqual([
      ['change', { session: null }],
      ['logout', { reason: 'other_tab' }],
    ]);
  });

  it('a login not visible in storage yet changes nothing', () => {
    const { state, events, posted, kept } = setup();
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toBeNull();
    expect(events).toEqual([]);
    expect(posted).toEqual([]);
    expect(kept).toEqual(IDLE);
  });

  it('a login of someone new: change, timers without validating, and login', () => {
    const { state, events, posted, kept, backing } = setup();
    expect(state.current()).toBeNull(); // read at start-up, as the client does
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toEqual(other);
    expect(events).toEqual([
      ['change', { session: other }],
      ['login', { session: other }],
    ]);
    expect(posted).toEqual([]); // no echo
    expect(kept).toEqual({ session: other, validateNow: false, stopped: false });
  });

  it('the same login updated (validated elsewhere): change and timers, no login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const validated = session({ validatedAt: NOW });
    backing.setItem(KEY, serializeSession(validated));
    state.onTabMessage({ type: 'login' });
    expect(state.current()).toEqual(validated);
    expect(events).toEqual([['change', { session: validated }]]);
    // Restarted for the validated session, with nothing due now (begin's validation was).
    expect(kept).toEqual({ session: validated, validateNow: false, stopped: false });
  });

  it('the same login with a rotated token (same createdAt): change and timers, no login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const rotated = session({ accessToken: 'token-rotated' });
    backing.setItem(KEY, serializeSession(rotated));
    state.onTabMessage({ type: 'login' });
    expect(state.current()?.accessToken).toBe('token-rotated');
    expect(events).toEqual([['change', { session: rotated }]]);
    expect(kept).toEqual({ session: rotated, validateNow: false, stopped: false });
  });

  it('the same user with a new login (a scope upgrade elsewhere): change and timers, no login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    const upgraded = session({ accessToken: 'token-upgraded', createdAt: NOW });
    backing.setItem(KEY, serializeSession(upgraded));
    state.onTabMessage({ type: 'login' });
    expect(state.current()?.accessToken).toBe('token-upgraded');
    expect(events).toEqual([['change', { session: upgraded }]]);
    expect(kept).toEqual({ session: upgraded, validateNow: false, stopped: false });
  });

  it('the same token stored again with another createdAt (no user to compare): no login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session({ user: undefined }));
    clearSeen();
    const again = session({ user: undefined, createdAt: NOW });
    backing.setItem(KEY, serializeSession(again));
    state.onTabMessage({ type: 'login' });
    expect(events).toEqual([['change', { session: again }]]);
    expect(kept).toEqual({ session: again, validateNow: false, stopped: false });
  });

  it('another user replacing this one: change, timers and login', () => {
    const { state, events, posted, kept, backing, clearSeen } = setup();
    state.begin(session());
    clearSeen();
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(events).toEqual([
      ['change', { session: other }],
      ['login', { session: other }],
    ]);
    expect(posted).toEqual([]);
    expect(kept).toEqual({ session: other, validateNow: false, stopped: false });
  });

  it('the same OAuth-mode login (no user yet) with a rotated token: no login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session({ user: undefined }));
    clearSeen();
    const rotated = session({ user: undefined, accessToken: 'token-r' });
    backing.setItem(KEY, serializeSession(rotated));
    state.onTabMessage({ type: 'login' });
    expect(events).toEqual([['change', { session: rotated }]]);
    expect(kept).toEqual({ session: rotated, validateNow: false, stopped: false });
  });

  it('someone signing in elsewhere over an OAuth-mode login (no user): a login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session({ user: undefined }));
    clearSeen();
    backing.setItem(KEY, serializeSession(other));
    state.onTabMessage({ type: 'login' });
    expect(events).toEqual([
      ['change', { session: other }],
      ['login', { session: other }],
    ]);
    expect(kept).toEqual({ session: other, validateNow: false, stopped: false });
  });

  it('a login without a user (OAuth mode) over another one without a user: a login', () => {
    const { state, events, kept, backing, clearSeen } = setup();
    state.begin(session({ user: undefined }));
    clearSeen();
    const next = session({ user: undefined, accessToken: 'token-next', createdAt: NOW });
    backing.setItem(KEY, serializeSession(next));
    state.onTabMessage({ type: 'login' });
    expect(events).toEqual([
      ['change', { session: next }],
      ['login', { session: next }],
    ]);
    expect(kept).toEqual({ session: next, validateNow: false, stopped: false });
  });
});
