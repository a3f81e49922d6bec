// The one current session of a client: read from storage once, begun, replaced or ended through
// here only, so the change/login/logout events and the stored copy never disagree.
import type { TwitchAuthError } from './errors.js';
import type { Emitter } from './events.js';
import type { LogoutReason, TwitchAuthEvents } from './events.js';
import type { Lifecycle } from './lifecycle.js';
import { type Session, parseStoredSession, serializeSession } from './session.js';
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
  /**
   * A new session (a login): stored first (throws `storage_unavailable` and changes nothing when
   * that fails), then current, timed by the lifecycle, announced to other tabs, `login` emitted.
   */
  begin(session: Session, record?: string): void;
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
  upgrade(session: Session, record?: string): void;
  /**
   * A completed redirect or popup login: the live session's own user upgrades it (`upgrade`);
   * anyone else ends it (`logout` with `switched_user`) and begins anew (`begin`).
   */
  signIn(session: Session): void;
  /** Ends the current session once and returns it; later calls (a 401 storm) find nothing. */
  end(reason: LogoutReason, options?: EndOptions): Session | null;
  /** Another copy of the SDK on this page stored a session: make it current without events. */
  adopt(session: Session): void;
  /** Another tab logged in or out (storage `'local'`). */
  readonly onTabMessage: (message: TabMessage) => void;
  /** Tab sync to announce logins and logouts on, or undefined to stop announcing. */
  setTabs(tabs: TabSync | undefined): void;
  /** The stored record carries a refresh token (a device session). */
  refreshable(): boolean;
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
  let current: Session | null | undefined; // undefined: not read from storage yet
  let tabs: TabSync | undefined;

  const read = (): Session | null => {
    if (current !== undefined) return current;
    current = parseStoredSession(store.get('session'), now());
    if (current === null) store.remove('session');
    return current;
  };

  const set = (session: Session | null): void => {
    if (current === session) return;
    current = session;
    emitter.emit('change', { session });
  };

  const state: SessionState = {
    current: read,
    refreshable: () => /"refreshToken"/.test(String(store.get('session'))),
    begin(session, record) {
      state.upgrade(session, record);
      emitter.emit('login', { session });
    },
    signIn(session) {
      const live = read();
      if (live?.user !== undefined && live.user.id === session.user?.id) {
        state.upgrade(session);
        return;
      }
      state.end('switched_user'); // nothing to end when signed out
      state.begin(session);
    },
    upgrade(session, record = serializeSession(session)) {
      read();
      store.set('session', record); // throws storage_unavailable first
      set(session);
      lifecycle.start(session, true); // Twitch: validate a new token at once
      tabs?.post({ type: 'login' });
    },
    replace(session) {
      try {
        // A device session's record (with its refresh token) is written by the refresh code only.
        if (!state.refreshable()) store.set('session', serializeSession(session));
      } catch (error) {
        deps.report(error, 'Could not store the validated session.');
      }
      set(session);
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
      if (read()?.accessToken === session.accessToken) return;
      set(parseStoredSession(store.get('session'), now()) ?? current ?? null);
    },
    onTabMessage(message) {
      if (message.type === 'logout') {
        state.end('other_tab', { local: true });
        return;
      }
      // Not visible here yet (or unusable): the storage event follows once the write arrives.
      const stored = parseStoredSession(store.get('session'), now());
      if (stored === null) return;
      const mine = read();
      // The same login (the other tab validated it, or a refresh rotated its token), or the same
      // user with a new token (the other tab upgraded scopes): nobody new signed in.
      const sameLogin =
        mine?.accessToken === stored.accessToken || mine?.createdAt === stored.createdAt;
      const sameUser = stored.user !== undefined && mine?.user?.id === stored.user.id;
      set(stored);
      lifecycle.start(stored, false);
      if (!sameLogin && !sameUser) emitter.emit('login', { session: stored });
    },
    setTabs(next) {
      tabs = next;
    },
    forget() {
      current = undefined;
    },
  };
  return state;
}
