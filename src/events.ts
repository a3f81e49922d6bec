import type { TwitchAuthError } from './errors.js';
import type { Session } from './session.js';

/** Why a session ended. */
export type LogoutReason =
  | 'user' // logout() was called
  | 'unauthorized' // an API call through auth.fetch answered 401
  | 'invalid_token' // /oauth2/validate said the token is no longer valid (or not this app's)
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

/** A small typed emitter in the mitt style. */
export interface Emitter<E> {
  on<K extends keyof E>(name: K, handler: (payload: E[K]) => void): () => void;
  emit<K extends keyof E>(name: K, payload: E[K]): void;
}

/**
 * Handlers run synchronously, on a copy of the list (so one may unsubscribe itself). A throwing
 * handler never stops the others or the caller: its error goes to `onHandlerError`.
 */
export function createEmitter<E>(onHandlerError: (error: unknown) => void): Emitter<E> {
  const handlers = new Map<keyof E, Set<(payload: never) => void>>();
  return {
    on(name, handler) {
      let set = handlers.get(name);
      if (set === undefined) handlers.set(name, (set = new Set()));
      const stored = handler as (payload: never) => void;
      set.add(stored);
      return () => {
        set.delete(stored);
      };
    },
    emit(name, payload) {
      for (const handler of [...(handlers.get(name) ?? [])]) {
        try {
          (handler as (payload: E[typeof name]) => void)(payload);
        } catch (error) {
          onHandlerError(error);
        }
      }
    },
  };
}
