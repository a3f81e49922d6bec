import {
  type App,
  type ComputedRef,
  type InjectionKey,
  type Plugin,
  type Ref,
  type ShallowRef,
  computed,
  inject,
  readonly,
  ref,
  shallowRef,
} from 'vue';
import { bindAuth, wrapLogin } from '../adapter-binding.js';
import type { LogoutOptions, TwitchAuth } from '../twitch-auth.js';
import type { TwitchAuthError } from '../internal/errors.js';
import type { TwitchScope } from '../config/scope-names.js';
import { type Session, type TwitchUser, hasScopes } from '../session/session.js';

/** What {@link useTwitchAuth} returns: reactive state plus the SDK's actions. */
export interface TwitchAuthComposable {
  readonly session: Readonly<ShallowRef<Session | null>>;
  readonly user: ComputedRef<TwitchUser | null>;
  readonly isAuthenticated: ComputedRef<boolean>;
  /**
   * Whether the session holds every one of `scopes` (false when signed out). Reads the session
   * ref, so a template or `computed` calling it follows session changes.
   */
  readonly hasScopes: (...scopes: readonly TwitchScope[]) => boolean;
  /** True until the plugin has handled the page's redirect callback (if any). */
  readonly isLoading: Readonly<Ref<boolean>>;
  /**
   * The last login failure or background error, or null. A stale or replayed callback (the Back
   * button after a login) while signed in is not one.
   */
  readonly error: Readonly<ShallowRef<TwitchAuthError | null>>;
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
  readonly auth: TwitchAuth;
}

const KEY: InjectionKey<TwitchAuthComposable> = Symbol('twitch-spa-login');

/** Options of {@link createTwitchAuthPlugin}. */
export interface TwitchAuthPluginOptions {
  /** Handle the redirect callback when installed. Default true. */
  readonly handleRedirect?: boolean;
}

/**
 * A Vue plugin that shares one SDK object with {@link useTwitchAuth} and handles the login
 * callback once. Listeners are removed when the app unmounts.
 *
 * @example
 * ```ts
 * const auth = createTwitchAuth({ clientId, redirectUri: location.origin + '/' });
 * createApp(App).use(createTwitchAuthPlugin(auth)).mount('#app');
 * ```
 */
export function createTwitchAuthPlugin(
  auth: TwitchAuth,
  { handleRedirect = true }: TwitchAuthPluginOptions = {},
): Plugin {
  return {
    install(app: App) {
      const session = shallowRef<Session | null>(null);
      const isLoading = ref(handleRedirect);
      const error = shallowRef<TwitchAuthError | null>(null);
      const browser = typeof window !== 'undefined';
      const stop = bindAuth(auth, handleRedirect && browser, {
        // Read only in the browser: SSR keeps null.
        setSession: (next) => void (browser && (session.value = next)),
        setLoading: (loading) => void (isLoading.value = loading),
        setError: (next) => void (error.value = next),
      });
      app.onUnmount(stop);
      const state: TwitchAuthComposable = {
        session: readonly(session),
        user: computed(() => session.value?.user ?? null),
        isAuthenticated: computed(() => session.value !== null),
        hasScopes: (...scopes) => hasScopes(session.value, scopes),
        isLoading: readonly(isLoading),
        error: readonly(error),
        login: wrapLogin(auth, (next) => void (error.value = next)),
        logout: (options) => auth.logout(options),
        fetch: auth.fetch,
        helix: (path, init) => auth.helix(path, init),
        auth,
      };
      app.provide(KEY, state);
    },
  };
}

/**
 * Reactive session state and actions from {@link createTwitchAuthPlugin}.
 *
 * @example
 * ```ts
 * const { user, isAuthenticated, login, logout } = useTwitchAuth();
 * ```
 */
export function useTwitchAuth(): TwitchAuthComposable {
  const state = inject(KEY, null);
  if (state === null)
    throw new Error('useTwitchAuth() needs app.use(createTwitchAuthPlugin(auth)).');
  return state;
}
