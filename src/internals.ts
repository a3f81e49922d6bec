// What the sibling entries (`twitch-spa-login/device`, `/twurple`) reach of a client, without
// widening the public TwitchAuth type. Kept on the client object itself under a registered symbol,
// not in a module-level map: the device add-on script is a second copy of this module on the page
// and must find the parts of a client that the core script made.
import { TwitchAuthError } from './internal/errors.js';
import type { ResolvedConfig } from './config/options.js';
import type { RefreshGrant, Session } from './session/session.js';
import type { SessionState } from './session/state.js';

/** What a sibling entry may use of a client made by createTwitchAuth. */
export interface Internals {
  readonly config: ResolvedConfig;
  /** The session, read and ended through its one owner. */
  readonly state: SessionState;
  /** The configured or global fetch, looked up at call time. */
  readonly fetch: () => typeof fetch;
  readonly now: () => number;
  /**
   * A verified login becomes the session (another user's ends the current one first, with
   * `switched_user`); a refresh grant it replaces is retired. Throws `storage_unavailable`.
   */
  readonly signIn: (session: Session, refresh?: RefreshGrant) => void;
  /**
   * Gets the session a new token without the user (a refresh token grant): the refreshed session,
   * or null when the refresh ended it; undefined when the session has no refresh token. The
   * twurple provider calls it after a 401.
   */
  readonly refresh: () => Promise<Session | null | undefined>;
}

const KEY = Symbol.for('twitch-spa-login.internals');

/** Attaches a client's internals to it (createTwitchAuth does this once), not enumerable. */
export function setInternals(auth: object, internals: Internals): void {
  Object.defineProperty(auth, KEY, { value: internals });
}

/**
 * The internals of a client made by createTwitchAuth.
 *
 * @throws TwitchAuthError `invalid_options` for any other object.
 * @example
 * ```ts
 * const { state } = internalsOf(auth);
 * const user = state.current()?.user;
 * ```
 */
export function internalsOf(auth: object): Internals {
  const internals = (auth as { [KEY]?: Internals })[KEY];
  if (internals === undefined) {
    throw new TwitchAuthError(
      'invalid_options',
      'Expected an auth object made by createTwitchAuth().',
    );
  }
  return internals;
}
