import { createAuthFetch, helixUrl } from './api-fetch.js';
import { buildAuthorizeUrl, createPendingRequest, safeReturnTo } from './authorize.js';
import { type ImportCompleteLogin, createCallbackPath } from './callback-path.js';
import type { Refresher } from './device/refresher.js';
import type { CallbackUrl } from './callback-url.js';
import { createCallbackNotice } from './callback-notice.js';
import { type PageSeams, defaultTimers, pageFetch, requireBrowser } from './env.js';
import { TwitchAuthError, isTwitchAuthError, toTwitchAuthError } from './errors.js';
import { type TwitchAuthEvents, createEmitter } from './events.js';
import { setInternals } from './internals.js';
import { browserWakeSignals, createLifecycle } from './lifecycle.js';
import { type TwitchAuthOptions, resolveOptions } from './options.js';
import { createPendingStore } from './pending.js';
import { POPUP_STATE_PREFIX } from './popup.js';
import { loginWithPopup } from './popup-login.js';
import { handleRedirect } from './redirect.js';
import { type ImportRefresher, createRefreshPath } from './refresh-path.js';
import { type RefreshGrant, type Session, applyValidation, hasScopes } from './session.js';
import { createSessionState } from './session-state.js';
import { createKeyValueStore } from './storage.js';
import { type TabSync, createTabSync } from './tabs.js';
import type { LoginCallOptions, LogoutOptions, TwitchAuth } from './twitch-auth.js';
import { type ValidateResult, revokeToken, validateToken } from './twitch-api.js';

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
    completeLogin: () => import('./complete-login.js'),
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
  const pending = createPendingStore(transient);
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
      if (!withRefresher((refresher) => refresher.expiring()))
        emitter.emit('expiring', { expiresAt, secondsLeft });
    },
    onExpired: () => {
      if (!withRefresher((refresher) => refresher.expired())) state.end('expired');
    },
    onWake: browserWakeSignals,
  });
  const state = createSessionState({ store, emitter, lifecycle, now, report });
  let tabs: TabSync | undefined;
  let started = false;
  const noticeCallback = createCallbackNotice(timers, report);
  const current = (): Session | null => {
    noticeCallback();
    return state.current();
  };

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
  /** The refresher when the session carries a refresh token (loading it), else undefined. */
  function refresher(): Promise<Refresher> | undefined {
    return state.refreshGrant() === undefined ? undefined : refreshPath.load();
  }
  /** Runs `task` on the refresher if the session has one; whether it does. */
  function withRefresher(task: (refresher: Refresher) => void): boolean {
    const loading = refresher();
    if (loading === undefined) return false;
    loading.then(task, (error: unknown) => report(error, 'Loading the refresh code failed.'));
    return true;
  }
  /** A refresh grant no session will use: spend it on its revocation. */
  function retire(grant: RefreshGrant | undefined): void {
    if (grant === undefined) return;
    void refreshPath.load().then(
      (loaded) => loaded.retire(grant),
      (error: unknown) => report(error, 'Loading the refresh code failed.'),
    );
  }

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
    // Other tabs announce their refreshes to the refresh code: have it listening from the start
    // (unless destroy() came first: the code loads asynchronously).
    withRefresher((loaded) => {
      if (started) loaded.start();
    });
    if (session !== null) lifecycle.start(session, true); // Twitch: validate at start-up
  };

  const callbackPath = createCallbackPath(
    { config, transient, fetch: doFetch, now, timers },
    lazy.completeLogin,
  );

  /** A verified login (redirect, popup or device) becomes the session; a replaced grant retires. */
  function signIn(session: Session, refresh?: RefreshGrant): void {
    const replaced = state.signIn(session, refresh);
    retire(replaced?.refresh);
    start();
    if (refresh !== undefined)
      withRefresher((loaded) => {
        if (started) loaded.start();
      });
  }

  /** Verifies a response and begins its session. */
  async function complete(callback: CallbackUrl): Promise<Session | null> {
    const done = await callbackPath.complete(callback, state.current()?.user !== undefined);
    if (done === null) return null;
    const { session } = done;
    signIn(session);
    const returnTo = safeReturnTo(done.request.returnTo, location.origin, config.redirectUri);
    if (returnTo !== undefined && done.request.mode === 'redirect')
      history.replaceState(history.state, '', returnTo);
    return session;
  }

  async function validate(): Promise<ValidateResult> {
    const session = state.current();
    if (session === null)
      throw new TwitchAuthError('token_invalid', 'There is no session to validate.');
    const stillCurrent = (): boolean => state.current()?.accessToken === session.accessToken;
    let result: ValidateResult;
    try {
      result = await validateToken(doFetch(), config.endpoints.validate, session.accessToken);
    } catch (error) {
      if (isTwitchAuthError(error) && error.code === 'token_invalid' && stillCurrent()) {
        // A device session refreshes (once) and validates the new token instead of ending.
        const loading = refresher();
        if (loading !== undefined) return (await loading).invalidToken(session, error);
        state.end('invalid_token', { error });
      }
      throw error;
    }
    if (!stillCurrent()) return result; // ended meanwhile
    const outcome = applyValidation(session, result, config.clientId, now());
    if ('error' in outcome) {
      state.end('invalid_token', { error: outcome.error });
      throw outcome.error;
    }
    state.replace(outcome.session);
    return result;
  }

  /** `method` names the call in messages. */
  function startLogin(
    opts: LoginCallOptions,
    mode: 'redirect' | 'popup',
    method = 'login()',
  ): string {
    requireBrowser(method);
    const granted = state.current()?.scopes ?? [];
    const base = createPendingRequest(
      config,
      { ...opts, mode },
      { now: now(), origin: location.origin, granted },
    );
    const request = mode === 'popup' ? { ...base, state: POPUP_STATE_PREFIX + base.state } : base;
    if (
      mode === 'redirect' &&
      config.storage !== 'memory' &&
      transient.webStorage() === undefined
    ) {
      throw new TwitchAuthError(
        'storage_unavailable',
        'sessionStorage is unavailable, so a redirect login cannot survive the page change; use login({ popup: true }).',
      );
    }
    pending.save(request);
    return buildAuthorizeUrl(config, request, opts);
  }

  const helixOrigin = new URL(config.endpoints.helix).origin;
  const authFetch = createAuthFetch({
    helixOrigin,
    clientId: config.clientId,
    fetch: doFetch,
    accessToken: () => state.current()?.accessToken,
    onUnauthorized: async (token, ...request) => {
      const loading = refresher();
      if (loading !== undefined) return (await loading).unauthorized(token, ...request);
      if (state.current()?.accessToken === token) state.end('unauthorized');
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
    authorizeUrl: async (opts = {}) => startLogin(opts, 'redirect', 'authorizeUrl()'),
    login: (async (opts: LoginCallOptions = {}) => {
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
      if (ended.refresh !== undefined) retire(ended.refresh);
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
  const refresh = async (): Promise<Session | null | undefined> => {
    const loading = refresher();
    return loading === undefined ? undefined : (await loading).refresh();
  };
  setInternals(auth, { config, state, fetch: doFetch, now, signIn, refresh });
  return auth;
}
