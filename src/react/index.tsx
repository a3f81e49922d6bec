import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { bindAuth, wrapLogin } from '../adapter-binding.js';
import type { LogoutOptions, TwitchAuth } from '../twitch-auth.js';
import type { TwitchAuthError } from '../internal/errors.js';
import type { TwitchScope } from '../config/scope-names.js';
import { type Session, type TwitchUser, hasScopes } from '../session/session.js';

/** What {@link useTwitchAuth} returns; re-rendered on every session change. */
export interface TwitchAuthState {
  readonly session: Session | null;
  readonly user: TwitchUser | null;
  readonly isAuthenticated: boolean;
  /** Whether the session holds every one of `scopes` (false when signed out); follows the session. */
  readonly hasScopes: (...scopes: readonly TwitchScope[]) => boolean;
  /** True until the provider has handled the page's redirect callback (if any). */
  readonly isLoading: boolean;
  /**
   * The last login failure or background error, or null. A stale or replayed callback (the Back
   * button after a login) while signed in is not one.
   */
  readonly error: TwitchAuthError | null;
  /**
   * `auth.login`; a failure is kept as `error`. A popup login resolves with the session.
   * `login({ scopes })` asks for more scopes (see `TwitchAuth.login`).
   */
  readonly login: TwitchAuth['login'];
  readonly logout: (options?: LogoutOptions) => Promise<void>;
  /** `auth.fetch`: Bearer and Client-Id for Helix only; a 401 ends the session (or refreshes). */
  readonly fetch: TwitchAuth['fetch'];
  /** `auth.helix`: a Helix path sent with `auth.fetch`. */
  readonly helix: TwitchAuth['helix'];
  /** The underlying SDK object. */
  readonly auth: TwitchAuth;
}

interface ContextValue {
  readonly auth: TwitchAuth;
  readonly isLoading: boolean;
  readonly error: TwitchAuthError | null;
  readonly setError: (error: TwitchAuthError | null) => void;
}

const TwitchAuthContext = createContext<ContextValue | null>(null);

/** Props of {@link TwitchAuthProvider}. */
export interface TwitchAuthProviderProps {
  readonly auth: TwitchAuth;
  /** Handle the redirect callback on mount. Default true. */
  readonly handleRedirect?: boolean;
  readonly children?: ReactNode;
}

/**
 * Makes an SDK object available to {@link useTwitchAuth} and handles the login callback once,
 * also under StrictMode (the SDK returns the same promise for a second call).
 *
 * @example
 * ```tsx
 * const auth = createTwitchAuth({ clientId, redirectUri: location.origin + '/' });
 * createRoot(el).render(<TwitchAuthProvider auth={auth}><App /></TwitchAuthProvider>);
 * ```
 */
export function TwitchAuthProvider({
  auth,
  handleRedirect = true,
  children,
}: TwitchAuthProviderProps): ReactNode {
  const [isLoading, setLoading] = useState(handleRedirect);
  const [error, setError] = useState<TwitchAuthError | null>(null);

  // The session itself is read through useSyncExternalStore in useTwitchAuth.
  useEffect(
    () => bindAuth(auth, handleRedirect, { setSession: () => undefined, setLoading, setError }),
    [auth, handleRedirect],
  );

  const value = useMemo(() => ({ auth, isLoading, error, setError }), [auth, isLoading, error]);
  return <TwitchAuthContext.Provider value={value}>{children}</TwitchAuthContext.Provider>;
}

/**
 * The session and actions of the nearest {@link TwitchAuthProvider}.
 *
 * @example
 * ```tsx
 * function Profile() {
 *   const { user, isAuthenticated, isLoading, login, logout } = useTwitchAuth();
 *   if (isLoading) return null;
 *   return isAuthenticated
 *     ? <button onClick={() => logout()}>Sign out {user?.displayName}</button>
 *     : <button onClick={() => login()}>Sign in with Twitch</button>;
 * }
 * ```
 */
export function useTwitchAuth(): TwitchAuthState {
  const context = useContext(TwitchAuthContext);
  if (context === null)
    throw new Error('useTwitchAuth() must be used inside <TwitchAuthProvider>.');
  const { auth, isLoading, error, setError } = context;
  const subscribe = useCallback((onChange: () => void) => auth.on('change', onChange), [auth]);
  // Server rendering has no session: the snapshot is null there.
  const session = useSyncExternalStore(
    subscribe,
    () => auth.session,
    () => null,
  );
  const login = useMemo(() => wrapLogin(auth, setError), [auth, setError]);
  const logout = useCallback((options?: LogoutOptions) => auth.logout(options), [auth]);
  const has = useCallback(
    (...scopes: readonly TwitchScope[]) => hasScopes(session, scopes),
    [session],
  );
  return {
    session,
    user: session?.user ?? null,
    isAuthenticated: session !== null,
    hasScopes: has,
    isLoading,
    error,
    login,
    logout,
    fetch: auth.fetch,
    helix: (path, init) => auth.helix(path, init),
    auth,
  };
}
