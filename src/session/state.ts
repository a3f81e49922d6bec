// The one current session of a client: read from storage once, begun, replaced or ended through
// here only, so the change/login/logout events and the stored copy never disagree.
import type { TwitchAuthError } from '../internal/errors.js';
import type { Emitter } from '../internal/emitter.js';
import type { LogoutReason, TwitchAuthEvents } from './events.js';
import type { Lifecycle } from './lifecycle.js';
import {
  type RefreshGrant,
  type Session,
  type StoredRecord,
  parseStoredRecord,
  sameGrant,
  serializeRecord,
} from './session.js';
import type { KeyValueStore } from './storage.js';
import type { TabMessage, TabSync } from './tabs.js';

export interface SessionStateDeps {
  /** Where the session is kept (the `storage` option, under the client's prefix). */
  readonly store: KeyValueStore;
  readonly emitter: Emitter<TwitchAuthEvents>;
  readonly lifecycle: Lifecycle;
  readonly now: () => number;
  /** Background failures (a storage write during validation). */
  readonly report: (error: unknown, fallbackMessage: string) => void;
}

/** How a session ends: `local` (another tab ended it) leaves storage and the other tabs alone. */
interface EndOptions {
  readonly local?: boolean;
  readonly error?: TwitchAuthError;
}

export interface SessionState {
  /** The current session; the stored one is read on first use. Starts nothing. */
  current(): Session | null;
  /** Whether `accessToken` is the current session's (the one "is this still current" question). */
  isCurrent(accessToken: string): boolean;
  /** The current record: the session and, for a device session, its refresh grant. */
  record(): StoredRecord | null;
  /** The current session's refresh grant (a device session), read with it. */
  refreshGrant(): RefreshGrant | undefined;
  /**
   * The record storage holds now, read afresh (another tab may have written it): what the refresh
   * code compares with the current one under its lock. Changes nothing.
   */
  stored(): StoredRecord | null;
  /**
   * A new session (a login): stored first (throws `storage_unavailable` and changes nothing when
   * that fails), then current, timed by the lifecycle, announced to other tabs, `login` emitted.
   */
  begin(session: Session, refresh?: RefreshGrant): void;
  /**
   * The same login, updated (validated, expiry learned): stored when possible (a failing write
   * is reported, the in-memory copy is used), `change` emitted, timers rescheduled.
   */
  replace(session: Session): void;
  /**
   * A new token for the same user (a scope upgrade): stored first like `begin` (throws
   * `storage_unavailable` and changes nothing), one `change`, validated at once, other tabs told;
   * no `login`, since nobody new signed in.
   */
  upgrade(session: Session, refresh?: RefreshGrant): void;
  /**
   * A completed login (redirect, popup or device): the live session's own user upgrades it
   * (`upgrade`); anyone else ends it (`logout` with `switched_user`) and begins anew (`begin`).
   * Returns the record it replaced, whose refresh grant the caller retires.
   */
  signIn(session: Session, refresh?: RefreshGrant): StoredRecord | null;
  /**
   * A refresh rotated the token: the record (same user, same lineage, next generation) stored in
   * one write, `change` emitted, other tabs told. Throws `storage_unavailable` and changes nothing.
   */
  rotate(record: StoredRecord): void;
  /** Ends the current session once and returns its record; later calls (a 401 storm) find nothing. */
  end(reason: LogoutReason, options?: EndOptions): StoredRecord | null;
  /** Another copy of the SDK on this page stored a session: make it current without events. */
  adopt(session: Session): void;
  /** Another tab logged in or out (storage `'local'`). */
  readonly onTabMessage: (message: TabMessage) => void;
  /** Tab sync to announce logins and logouts on, or undefined to stop announcing. */
  setTabs(tabs: TabSync | undefined): void;
  /** Forgets the in-memory copy (destroy): the next read goes to storage again. */
  forget(): void;
}

/**
 * Creates the session state of one client.
 *
 * @example
 * ```ts
 * const state = createSessionState({ store, emitter, lifecycle, now: Date.now, report: console.error });
 * state.begin(session);     // after a verified login
 * state.end('user');        // logout(): emits logout once
 * ```
 */
export function createSessionState(deps: SessionStateDeps): SessionState {
  const { store, emitter, lifecycle, now } = deps;
  let record: StoredRecord | null | undefined; // undefined: not read from storage yet
  let tabs: TabSync | undefined;

  const stored = (): StoredRecord | null => parseStoredRecord(store.get('session'), now());
  const read = (): StoredRecord | null => {
    if (record !== undefined) return record;
    record = stored();
    if (record === null) store.remove('session');
    return record;
  };
  const current = (): Session | null => read()?.session ?? null;

  const set = (next: StoredRecord | null): void => {
    const changed = current() !== (next?.session ?? null);
    record = next;
    if (changed) emitter.emit('change', { session: next?.session ?? null });
  };
  const write = (next: StoredRecord): void => store.set('session', serializeRecord(next));

  const state: SessionState = {
    current,
    isCurrent: (accessToken) => current()?.accessToken === accessToken,
    record: read,
    refreshGrant: () => read()?.refresh,
    stored,
    begin(session, refresh) {
      state.upgrade(session, refresh);
      emitter.emit('login', { session });
    },
    signIn(session, refresh) {
      const live = read();
      if (live?.session.user !== undefined && live.session.user.id === session.user?.id) {
        state.upgrade(session, refresh);
        return live;
      }
      const ended = state.end('switched_user'); // nothing to end when signed out
      state.begin(session, refresh);
      return ended;
    },
    upgrade(session, refresh) {
      read();
      const next: StoredRecord = refresh === undefined ? { session } : { session, refresh };
      write(next); // throws storage_unavailable first
      set(next);
      lifecycle.start(session, true); // Twitch: validate a new token at once
      tabs?.post({ type: 'login' });
    },
    rotate(next) {
      read();
      write(next); // throws storage_unavailable first
      set(next);
      tabs?.post({ type: 'login' });
    },
    replace(session) {
      const mine = read();
      const next: StoredRecord = { ...mine, session };
      try {
        // Never over a rotation another tab stored meanwhile: that would bring back a spent token.
        if (mine?.refresh === undefined || sameGrant(stored()?.refresh, mine.refresh)) write(next);
      } catch (error) {
        deps.report(error, 'Could not store the validated session.');
      }
      set(next);
      lifecycle.update(session);
    },
    end(reason, { local = false, error } = {}) {
      const ended = read();
      if (ended === null) return null;
      lifecycle.stop();
      set(null);
      if (!local) {
        store.remove('session');
        tabs?.post({ type: 'logout' });
      }
      emitter.emit('logout', error === undefined ? { reason } : { reason, error });
      return ended;
    },
    adopt(session) {
      if (state.isCurrent(session.accessToken)) return;
      set(stored() ?? record ?? null);
    },
    onTabMessage(message) {
      if (message.type === 'logout') {
        state.end('other_tab', { local: true });
        return;
      }
      // Not visible here yet (or unusable): the storage event follows once the write arrives.
      const next = stored();
      if (next === null) return;
      const mine = current();
      const theirs = next.session;
      // The same login (the other tab validated it, or a refresh rotated its token), or the same
      // user with a new token (the other tab upgraded scopes): nobody new signed in.
      const sameLogin =
        mine?.accessToken === theirs.accessToken || mine?.createdAt === theirs.createdAt;
      const sameUser = theirs.user !== undefined && mine?.user?.id === theirs.user.id;
      set(next);
      lifecycle.start(theirs, false);
      if (!sameLogin && !sameUser) emitter.emit('login', { session: theirs });
    },
    setTabs(next) {
      tabs = next;
    },
    forget() {
      record = undefined;
    },
  };
  return state;
}
