// Reach into a client from other entries of this package (later: device flow, twurple) without
// widening the public TwitchAuth type. Not exported from any public entry.
import { TwitchAuthError } from './errors.js';
import type { ResolvedConfig } from './options.js';
import type { Session } from './session.js';
import type { SessionState } from './session-state.js';
import type { TwitchAuth } from './twitch-auth.js';
import type { Lifecycle } from './lifecycle.js';
import type { KeyValueStore } from './storage.js';
import type { ValidateResult } from './twitch-api.js';

/** What a sibling entry may use of a client made by createTwitchAuth. */
export interface Internals {
  readonly config: ResolvedConfig;
  /** Begin, replace or end the session (events, storage, timers and tabs follow). */
  readonly state: SessionState;
  /** The configured or global fetch, looked up at call time. */
  readonly fetch: () => typeof fetch;
  readonly now: () => number;
  /**
   * Gets the session a new token without the user (a refresh token grant): the refreshed session,
   * or null when the refresh ended it. Undefined when the session cannot be refreshed (no refresh
   * token, or the device entry was not imported). The twurple provider calls it after a 401.
   */
  readonly refresh: () => Promise<Session | null> | undefined;
  readonly store: KeyValueStore;
  readonly lifecycle: Lifecycle;
  /** Emits a background failure as an `error` event. */
  readonly report: (error: unknown, fallbackMessage: string) => void;
}

const byClient = new WeakMap<object, Internals>();

/**
 * The refresh path of device sessions (src/refresh-session.ts). `twitch-spa-login/device`
 * registers it when imported; without it a device session ends as any other would. The client
 * calls it only while its stored session carries a refresh token.
 */
export interface RefreshPath {
  /** A page started with a device session: hear other tabs' refreshes from now on. */
  start(auth: TwitchAuth): void;
  /**
   * `auth.fetch` got a 401 for `failed`: refresh (one flight for every caller) and resolve the
   * response of the request sent again with the new token, or undefined to return the 401.
   */
  unauthorized(
    auth: TwitchAuth,
    failed: string,
    resend: (accessToken: string) => Promise<Response>,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Promise<Response | undefined>;
  /** Validation said 401: refresh once and resolve the new token's validation. */
  invalidToken(auth: TwitchAuth, session: Session, error: TwitchAuthError): Promise<ValidateResult>;
  /** The expiring notice is due: refresh ahead of the expiry instead. */
  expiring(auth: TwitchAuth): void;
  /** The token ran out: refresh instead of ending the session. */
  expired(auth: TwitchAuth): void;
  /** Refresh now: the refreshed session, or null when the refresh ended it. */
  refresh(auth: TwitchAuth): Promise<Session | null>;
  /** `auth.destroy()`: close the tab channel; a later start opens a new one. */
  destroy(auth: TwitchAuth): void;
}

let registered: RefreshPath | undefined;

/** Registers the refresh path (the device entry does, once). */
export function provideRefreshPath(path: RefreshPath): void {
  registered = path;
}

/** The registered refresh path, if the device entry was imported. */
export const refreshPath = (): RefreshPath | undefined => registered;

/** Registers a client's internals (createTwitchAuth does this once). */
export function setInternals(auth: object, internals: Internals): void {
  byClient.set(auth, internals);
}

/**
 * The internals of a client made by createTwitchAuth.
 *
 * @throws TwitchAuthError `invalid_options` for any other object.
 * @example
 * ```ts
 * const { state, config } = internalsOf(auth);
 * state.begin(session);
 * ```
 */
export function internalsOf(auth: object): Internals {
  const internals = byClient.get(auth);
  if (internals === undefined) {
    throw new TwitchAuthError(
      'invalid_options',
      'Expected an auth object made by createTwitchAuth().',
    );
  }
  return internals;
}
