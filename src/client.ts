// The facade users hold: createTwitchAuth wires the parts below (session state, lifecycle, login,
// callback, fetch wrapper, refresh path) and exposes the public TwitchAuth. Each part is its own
// module; what is here is only which part talks to which.
import { createAuthFetch, helixUrl } from './api/fetch-wrapper.js';
import { revokeToken } from './api/oauth-calls.js';
import { createValidation } from './api/validation.js';
import { handleRedirect } from './callback/handle-redirect.js';
import { type ImportCompleteLogin, createCallbackPath } from './callback/lazy-path.js';
import { createCallbackNotice } from './callback/unhandled-notice.js';
import type { CallbackUrl } from './callback/url.js';
import { type TwitchAuthOptions, resolveOptions } from './config/options.js';
import type { RefreshPage } from './device/refresh-page.js';
import { createEmitter } from './internal/emitter.js';
import { defaultTimers, pageFetch } from './internal/env.js';
import { TwitchAuthError, isTwitchAuthError, toTwitchAuthError } from './internal/errors.js';
import { setInternals } from './internals.js';
import { safeReturnTo } from './login/authorize.js';
import { createPendingStore } from './login/pending.js';
import type { PopupHost } from './login/popup.js';
import { loginWithPopup } from './login/popup-login.js';
import { createLoginStarter } from './login/start-login.js';
import type { TwitchAuthEvents } from './session/events.js';
import { browserWakeSignals, createLifecycle } from './session/lifecycle.js';
import { type ImportRefresher, createRefreshPath } from './session/refresh-path.js';
import { type RefreshGrant, type Session, hasScopes } from './session/session.js';
import { createSessionState } from './session/state.js';
import { type StorageLike, createKeyValueStore } from './session/storage.js';
import { type TabSync, createTabSync } from './session/tabs.js';
import type { LoginOptions, LogoutOptions, TwitchAuth } from './twitch-auth.js';

/** What a test may put in place of the page's own: the popup's opener, the tab's sessionStorage. */
export interface PageSeams {
  readonly popupHost?: PopupHost;
  /** Where pending requests are kept (the page's sessionStorage): a non-web storage here acts as
   * sessionStorage being unavailable. */
  readonly transient?: StorageLike;
  /** What the refresh code takes from the page (locks, channel, shared storage, online). */
  readonly refresh?: Partial<RefreshPage>;
}

/** The parts of the client loaded on demand (a test passes the modules themselves). */
export interface LazyParts {
  /** The callback path: full parser, ID token checks, key set, jose. */
  readonly completeLogin: ImportCompleteLogin;
  /** The refresh code of device sessions. */
  readonly refresher: ImportRefresher;
}

/**
 * Creates the SDK object. Validates options at once (`invalid_options`) but touches no browser
 * global until a method needs it, so it is safe to call during server-side rendering.
 *
 * @example
 * ```ts
 * const auth = createTwitchAuth({
 *   clientId: 'abc123',
 *   redirectUri: 'https://example.com/callback',
 *   scopes: ['user:read:email'],
 * });
 * await auth.handleRedirect();               // on every page load; null when not a callback
 * if (!auth.isAuthenticated()) await auth.login();
 * const me = await auth.helix('/users').then((r) => r.json());
 * ```
 */
export function createTwitchAuth(options: TwitchAuthOptions): TwitchAuth {
  return createClient(options, {
    completeLogin: () => import('./callback/complete-login.js'),
    refresher: () => import('./device/refresher.js'),
  });
}

/** {@link createTwitchAuth} with the lazy imports (and, for tests, parts of the page) injected. */
export function createClient(
  options: TwitchAuthOptions,
  lazy: LazyParts,
  page: PageSeams = {},
): TwitchAuth {
  const config = resolveOptions(options);
  const prefix = `twitch-spa-login:${config.clientId}:`;
  const store = createKeyValueStore(config.storage, prefix);
  // The pending request must survive the redirect in this tab; the key set is public and per tab.
  const transient = createKeyValueStore(page.transient ?? 'session', prefix);
  const now = (): number => Date.now();
  const timers = defaultTimers;
  const doFetch = (): typeof fetch => config.fetch ?? pageFetch();
  const emitter = createEmitter<TwitchAuthEvents>((error) =>
    emitter.emit('error', {
      error: toTwitchAuthError(error, 'listener_error', 'An event listener threw.'),
    }),
  );
  const report = (error: unknown, fallbackMessage: string): void =>
    emitter.emit('error', { error: toTwitchAuthError(error, 'network_error', fallbackMessage) });
  const lifecycle = createLifecycle({
    validateIntervalMs: config.validateIntervalMs,
    expiringNoticeSeconds: config.expiringNoticeSeconds,
    now,
    timers,
    validate: () =>
      validate().then(undefined, (error: unknown) => {
        // A rejected token already ended the session (and emitted logout); report the rest.
        if (!isTwitchAuthError(error) || error.code !== 'token_invalid')
          report(error, 'Validating the token failed.');
      }),
    // A device session is refreshed instead: shortly before its expiry, or at it.
    onExpiring: (expiresAt, secondsLeft) => {
      if (!refreshPath.whenRefreshable((refresher) => refresher.expiring()))
        emitter.emit('expiring', { expiresAt, secondsLeft });
    },
    onExpired: () => {
      if (!refreshPath.whenRefreshable((refresher) => refresher.expired())) state.end('expired');
    },
    onWake: browserWakeSignals,
  });
  const state = createSessionState({ store, emitter, lifecycle, now, report });
  // Only device sessions carry a refresh token; their refresh code is loaded when one is met.
  const refreshPath = createRefreshPath(
    {
      clientId: config.clientId,
      endpoints: config.endpoints,
      prefix,
      state,
      lifecycle,
      fetch: doFetch,
      now,
      timers,
      report,
      validate: () => validate(),
      ...(page.refresh === undefined ? {} : { page: page.refresh }),
    },
    lazy.refresher,
  );
  const validate = createValidation({ config, state, refreshPath, fetch: doFetch, now });
  const startLogin = createLoginStarter({
    config,
    pending: createPendingStore(transient),
    transient,
    granted: () => state.current()?.scopes ?? [],
    now,
  });
  const callbackPath = createCallbackPath(
    { config, transient, fetch: doFetch, now, timers },
    lazy.completeLogin,
  );
  const noticeCallback = createCallbackNotice(timers, report);
  const current = (): Session | null => {
    noticeCallback();
    return state.current();
  };

  let tabs: TabSync | undefined;
  let started = false;
  /**
   * Other tabs announce their refreshes to the refresh code: have it listening from the start
   * (unless destroy() came first: the code loads asynchronously).
   */
  const listenForRefreshes = (): void =>
    void refreshPath.whenRefreshable((refresher) => {
      if (started) refresher.start();
    });
  const start = (): void => {
    if (started || typeof window === 'undefined') return;
    started = true;
    if (config.storage === 'local') {
      tabs = createTabSync(
        `twitch-spa-login:${config.clientId}`,
        `${prefix}session`,
        store.webStorage(),
        state.onTabMessage,
      );
      state.setTabs(tabs);
    }
    const session = current();
    listenForRefreshes();
    if (session !== null) lifecycle.start(session, true); // Twitch: validate at start-up
  };

  /** A verified login (redirect, popup or device) becomes the session; a replaced grant retires. */
  const signIn = (session: Session, refresh?: RefreshGrant): void => {
    const replaced = state.signIn(session, refresh);
    refreshPath.retire(replaced?.refresh);
    start();
    if (refresh !== undefined) listenForRefreshes();
  };

  /** Verifies a response and begins its session. */
  const complete = async (callback: CallbackUrl): Promise<Session | null> => {
    const done = await callbackPath.complete(callback, state.current()?.user !== undefined);
    if (done === null) return null;
    const { session } = done;
    signIn(session);
    const returnTo = safeReturnTo(done.request.returnTo, location.origin, config.redirectUri);
    if (returnTo !== undefined && done.request.mode === 'redirect')
      history.replaceState(history.state, '', returnTo);
    return session;
  };

  const helixOrigin = new URL(config.endpoints.helix).origin;
  const authFetch = createAuthFetch({
    helixOrigin,
    clientId: config.clientId,
    fetch: doFetch,
    accessToken: () => state.current()?.accessToken,
    onUnauthorized: async (token, ...request) => {
      const refresher = refreshPath.forSession();
      if (refresher !== undefined) return (await refresher).unauthorized(token, ...request);
      if (state.isCurrent(token)) state.end('unauthorized');
      return undefined;
    },
    onOriginMismatch: (origin) =>
      report(
        new TwitchAuthError(
          'helix_origin_mismatch',
          `No token for ${origin}: endpoints.helix is ${helixOrigin}.`,
        ),
        '',
      ),
  });

  const auth: TwitchAuth = {
    get session() {
      return current();
    },
    get user() {
      return current()?.user ?? null;
    },
    isAuthenticated: () => current() !== null,
    hasScopes: (...scopes) => hasScopes(current(), scopes),
    start,
    authorizeUrl: (opts = {}) => startLogin(opts, 'redirect', 'authorizeUrl()'),
    login: (async (opts: LoginOptions = {}) => {
      if (opts.popup === true) {
        const url = startLogin(opts, 'popup');
        const popupState = new URL(url).searchParams.get('state') ?? '';
        return loginWithPopup(url, popupState, {
          timeoutMs: config.popupTimeoutMs,
          timers,
          prepare: () => callbackPath.warm(),
          complete,
          host: page.popupHost,
        });
      }
      (opts.navigate ?? ((target: string) => location.assign(target)))(
        startLogin(opts, 'redirect'),
      );
      return undefined;
    }) as TwitchAuth['login'],
    handleRedirect: (input) =>
      handleRedirect(input, {
        owner: auth,
        start,
        complete,
        adopt: (session) => {
          if (session !== null) state.adopt(session);
          return session;
        },
        timers,
      }),
    fetch: authFetch,
    helix: async (path, init) => authFetch(helixUrl(config.endpoints.helix, path), init),
    validate,
    async logout({ revoke = true }: LogoutOptions = {}) {
      const ended = state.end('user');
      if (ended === null) return;
      // The refresh token is forgotten either way; a live one is spent on its revocation.
      refreshPath.retire(ended.refresh);
      if (!revoke) return;
      try {
        await revokeToken(
          doFetch(),
          config.endpoints.revoke,
          config.clientId,
          ended.session.accessToken,
        );
      } catch (error) {
        report(error, 'Revoking the token failed.');
      }
    },
    on: (name, handler) => emitter.on(name, handler),
    destroy() {
      refreshPath.loaded()?.destroy();
      lifecycle.stop();
      tabs?.close();
      tabs = undefined;
      state.setTabs(undefined);
      started = false;
      state.forget();
    },
  };
  setInternals(auth, {
    config,
    state,
    fetch: doFetch,
    now,
    signIn,
    refresh: () => refreshPath.refresh(),
  });
  return auth;
}
