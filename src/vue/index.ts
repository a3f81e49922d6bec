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
import type { LoginCallOptions, LogoutOptions, TwitchAuth } from '../client.js';
import { type TwitchAuthError, toTwitchAuthError } from '../errors.js';
import type { Session, TwitchUser } from '../session.js';

/** What {@link useTwitchAuth} returns: reactive state plus the SDK's actions. */
export interface TwitchAuthComposable {
  readonly session: Readonly<ShallowRef<Session | null>>;
  readonly user: ComputedRef<TwitchUser | null>;
  readonly isAuthenticated: ComputedRef<boolean>;
  /** True until the plugin has handled the page's redirect callback (if any). */
  readonly isLoading: Readonly<Ref<boolean>>;
  /** The last login failure or background error, or null. */
  readonly error: Readonly<ShallowRef<TwitchAuthError | null>>;
  readonly login: (options?: LoginCallOptions) => Promise<void>;
  readonly logout: (options?: LogoutOptions) => Promise<void>;
  readonly fetch: TwitchAuth['fetch'];
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
      const stops = [
        auth.on('change', ({ session: next }) => (session.value = next)),
        auth.on('error', ({ error: e }) => (error.value = e)),
      ];
      // Read only in the browser: SSR keeps null.
      if (typeof window !== 'undefined') session.value = auth.session;
      if (handleRedirect && typeof window !== 'undefined') {
        auth.handleRedirect().then(
          () => (isLoading.value = false),
          (e: unknown) => {
            error.value = toTwitchAuthError(e, 'invalid_callback', 'The login callback failed.');
            isLoading.value = false;
          },
        );
      } else {
        isLoading.value = false;
      }
      app.onUnmount(() => stops.forEach((stop) => stop()));
      const state: TwitchAuthComposable = {
        session: readonly(session) as Readonly<ShallowRef<Session | null>>,
        user: computed(() => session.value?.user ?? null),
        isAuthenticated: computed(() => session.value !== null),
        isLoading: readonly(isLoading),
        error: readonly(error) as Readonly<ShallowRef<TwitchAuthError | null>>,
        async login(options) {
          error.value = null;
          try {
            await auth.login(options);
          } catch (e) {
            error.value = toTwitchAuthError(e, 'invalid_callback', 'Login failed.');
            throw error.value;
          }
        },
        logout: (options) => auth.logout(options),
        fetch: auth.fetch,
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
  if (state === null) throw new Error('useTwitchAuth() needs app.use(createTwitchAuthPlugin(auth)).');
  return state;
}
