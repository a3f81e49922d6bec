import type { TwitchAuth } from '../client.js';
import type { Session } from '../session.js';
import { TwitchAuthError } from '../errors.js';

/** Timers the device login uses; injected so tests drive time. */
interface DeviceTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * What the device login needs from a `TwitchAuth`: the seam between `twitch-spa-login/device` and
 * the core, so the core carries none of the device code for apps that never import it.
 */
export interface DeviceHost {
  readonly clientId: string;
  /** Absolute URLs (already checked by `resolveEndpoints`). */
  readonly endpoints: { readonly device: string; readonly token: string; readonly validate: string };
  /** The fetch to use now (the `fetch` option, or the global one). */
  fetch(): typeof fetch;
  now(): number;
  readonly timers: DeviceTimers;
  /**
   * Stores `{session, refreshToken}` as one record and begins the session as any login does
   * (`login` and `change` events, validation, tab sync). The refresh token must never reach an
   * event or an error.
   */
  beginRefreshableSession(session: Session, refreshToken: string): void;
}

/**
 * The {@link DeviceHost} of a `TwitchAuth`. PLACEHOLDER: the integrator implements it against the
 * split client's seam (issue 12); until then it throws.
 */
export function hostOf(auth: TwitchAuth): DeviceHost {
  void auth;
  throw new TwitchAuthError('environment_unsupported', 'The device login is not wired to this client yet.');
}
