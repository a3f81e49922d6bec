// What the React and Vue adapters share: start the client, handle the callback once, follow the
// session and background errors, and wrap login so a failure is kept as the adapter's error.
import type { LoginOptions, TwitchAuth } from './twitch-auth.js';
import {
  type TwitchAuthError,
  type TwitchAuthErrorCode,
  toTwitchAuthError,
} from './internal/errors.js';
import type { Session } from './session/session.js';

/**
 * What a stale or replayed callback gives (the Back button to Twitch's consent page, then
 * Authorize again): with a live session it is no failed login, so the adapters keep `error` null.
 */
const STALE_CALLBACK: readonly TwitchAuthErrorCode[] = [
  'no_pending_request',
  'state_mismatch',
  'pending_request_expired',
];

/** Where a binding reports to: a framework's state setters. */
export interface BindingSink {
  readonly setSession: (session: Session | null) => void;
  readonly setLoading: (loading: boolean) => void;
  readonly setError: (error: TwitchAuthError | null) => void;
}

/** `auth.login` as the adapters expose it: a popup login resolves with the session. */
type AdapterLogin = TwitchAuth['login'];

/**
 * Starts `auth`, follows its session and errors, and handles the redirect callback when asked.
 * Returns the function that stops following (the client itself keeps running).
 *
 * @example
 * ```ts
 * const stop = bindAuth(auth, true, { setSession, setLoading, setError });
 * ```
 */
export function bindAuth(auth: TwitchAuth, handleRedirect: boolean, sink: BindingSink): () => void {
  let active = true;
  const stops = [
    auth.on('change', ({ session }) => sink.setSession(session)),
    auth.on('error', ({ error }) => sink.setError(error)),
  ];
  auth.start();
  sink.setSession(auth.session);
  if (handleRedirect) {
    auth.handleRedirect().then(
      () => active && sink.setLoading(false),
      (error: unknown) => {
        if (!active) return;
        const wrapped = toTwitchAuthError(error, 'invalid_callback', 'The login callback failed.');
        // The session it left alone is still live: nothing failed that the user asked for.
        if (auth.session === null || !STALE_CALLBACK.includes(wrapped.code)) sink.setError(wrapped);
        sink.setLoading(false);
      },
    );
  } else {
    sink.setLoading(false);
  }
  return () => {
    active = false;
    for (const stop of stops) stop();
  };
}

/**
 * `auth.login` that clears the error first and keeps a failure as the error (and rethrows it).
 *
 * @example
 * ```ts
 * const login = wrapLogin(auth, setError);
 * const session = await login({ popup: true });
 * ```
 */
export function wrapLogin(
  auth: TwitchAuth,
  setError: (error: TwitchAuthError | null) => void,
): AdapterLogin {
  return (async (options?: LoginOptions) => {
    setError(null);
    try {
      return await auth.login(options);
    } catch (error) {
      const wrapped = toTwitchAuthError(error, 'invalid_callback', 'Login failed.');
      setError(wrapped);
      throw wrapped;
    }
  }) as AdapterLogin;
}
