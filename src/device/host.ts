import type { TwitchAuth } from '../twitch-auth.js';
import { type Timers, defaultTimers } from '../internal/env.js';
import { internalsOf } from '../internals.js';
import { randomToken } from '../internal/random.js';
import type { Session } from '../session/session.js';

/**
 * What the device login needs from a `TwitchAuth`: the seam between `twitch-spa-login/device` and
 * the core, so the core carries none of the device code for apps that never import it.
 */
export interface DeviceHost {
  readonly clientId: string;
  /** Absolute URLs (already checked by `resolveEndpoints`). */
  readonly endpoints: {
    readonly device: string;
    readonly token: string;
    readonly validate: string;
  };
  /** The fetch to use now (the `fetch` option, or the global one). */
  fetch(): typeof fetch;
  now(): number;
  /** Injected so tests drive time. */
  readonly timers: Timers;
  /** The scopes the current session holds (a re-login asks for them again). */
  granted(): readonly string[];
  /**
   * Stores `{session, refreshToken}` as one record and signs in as any login does (another
   * user's login ends the current session with `switched_user`; `login` and `change` events,
   * validation, tab sync). The refresh token must never reach an event or an error.
   */
  beginRefreshableSession(session: Session, refreshToken: string): void;
}

/**
 * The {@link DeviceHost} of a `TwitchAuth` made by `createTwitchAuth` (`invalid_options` for any
 * other object).
 */
export function hostOf(auth: TwitchAuth): DeviceHost {
  const i = internalsOf(auth);
  return {
    clientId: i.config.clientId,
    endpoints: i.config.endpoints,
    fetch: i.fetch,
    now: i.now,
    timers: defaultTimers,
    granted: () => i.state.current()?.scopes ?? [],
    // A new lineage per device login: its refresh tokens are spent by (lineage, generation).
    beginRefreshableSession: (session, refreshToken) =>
      i.signIn(session, { token: refreshToken, lineage: randomToken(), generation: 0 }),
  };
}
