// The events a client emits and their payloads (the public contract of `auth.on`).
import type { TwitchAuthError } from '../internal/errors.js';
import type { Session } from './session.js';

/** Why a session ended. */
export type LogoutReason =
  | 'user' // logout() was called
  | 'unauthorized' // an API call through auth.fetch answered 401
  | 'token_invalid' // /oauth2/validate said the token is no longer valid (or not this app's)
  | 'expired' // the token's lifetime ran out
  | 'other_tab' // another tab of this origin signed out (storage: 'local')
  | 'switched_user' // a login (e.g. a scope upgrade) came back for another Twitch user
  | 'refresh_failed'; // a device session's refresh token was refused (revoked, rotated away, 30 days unused)

/** Event names and their payloads: one state object each, so fields can be added later. */
export interface TwitchAuthEvents {
  /**
   * A session began: from a redirect, a popup, or another tab. A scope upgrade by the same user
   * replaces the session without it (only `change`).
   */
  login: { readonly session: Session };
  /** The session ended; emitted once per session. */
  logout: { readonly reason: LogoutReason; readonly error?: TwitchAuthError };
  /** The token expires soon; emitted once per session. `secondsLeft` may be 0. */
  expiring: { readonly expiresAt: number; readonly secondsLeft: number };
  /** A background task failed (validation, revocation, tab sync, a listener). */
  error: { readonly error: TwitchAuthError };
  /**
   * `auth.session` changed in any way: login, logout, or a validation that learned the expiry.
   * UI bindings (the React and Vue adapters) re-render on it.
   */
  change: { readonly session: Session | null };
}

export type TwitchAuthEventName = keyof TwitchAuthEvents;
export type TwitchAuthEventHandler<K extends TwitchAuthEventName> = (
  payload: TwitchAuthEvents[K],
) => void;
