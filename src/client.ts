import { type AuthFetch, createAuthFetch } from './api-fetch.js';
import {
  type LoginOptions,
  buildAuthorizeUrl,
  createPendingRequest,
  safeReturnTo,
} from './authorize.js';
import {
  type AuthResponse,
  hasAuthResponse,
  matchResponse,
  parseAuthResponse,
  stripAuthResponse,
} from './callback.js';
import { TwitchAuthError, isTwitchAuthError, toTwitchAuthError } from './errors.js';
import {
  type LogoutReason,
  type TwitchAuthEventHandler,
  type TwitchAuthEventName,
  type TwitchAuthEvents,
  createEmitter,
} from './events.js';
import { verifyIdToken } from './id-token.js';
import { createJwksCache } from './jwks.js';
import { type Timers, browserWakeSignals, createLifecycle } from './lifecycle.js';
import { type TwitchAuthOptions, resolveOptions } from './options.js';
import { type PendingRequest, createPendingStore } from './pending.js';
import { POPUP_STATE_PREFIX, handBack, openPopup, waitForPopup } from './popup.js';
import {
  type Session,
  type TwitchUser,
  createSession,
  parseStoredSession,
  serializeSession,
  userFromClaims,
} from './session.js';
import { createKeyValueStore } from './storage.js';
import { type TabMessage, type TabSync, createTabSync } from './tabs.js';
import { type ValidateResult, revokeToken, validateToken } from './twitch-api.js';

/** Options of {@link TwitchAuth.login}. */
export interface LoginCallOptions extends LoginOptions {
  /** Log in in a popup instead of leaving the page; resolves with the session. */
  readonly popup?: boolean;
  /**
   * Redirect mode: how to open the authorize URL. Default `location.assign(url)`. A native host
   * (Android WebView, WKWebView) can open it itself.
   */
  readonly navigate?: (url: string) => void;
}

/** Options of {@link TwitchAuth.logout}. */
export interface LogoutOptions {
  /** Revoke the token at Twitch too. Default true. */
  readonly revoke?: boolean;
}

/**
 * The object an app holds: the session, login and logout, the API `fetch`, and events.
 * Create it with {@link createTwitchAuth}.
 */
export interface TwitchAuth {
  /** The current verified session, or null. */
  readonly session: Session | null;
  /** The signed-in user, or null. */
  readonly user: TwitchUser | null;
  isAuthenticated(): boolean;
  /** Builds the authorize URL and stores its pending request (state, nonce) for the callback. */
  authorizeUrl(options?: LoginOptions): Promise<string>;
  /** Popup mode: opens a popup (call it inside a click) and resolves with the session. */
  login(options: LoginCallOptions & { readonly popup: true }): Promise<Session>;
  /** Redirect mode: navigates to Twitch; the page then leaves. */
  login(options?: LoginCallOptions): Promise<void>;
  /**
   * Completes a login on the redirect page: reads the response from `url` (default
   * `location.href`), takes it out of the address bar, checks state, verifies the ID token and
   * stores the session. Resolves null when the URL holds no auth response. Called twice for the
   * same URL, it returns the same promise.
   */
  handleRedirect(url?: string | URL): Promise<Session | null>;
  /** `fetch` with `Authorization: Bearer` and `Client-Id` added for the Helix origin only. */
  readonly fetch: AuthFetch;
  /** Calls Twitch's `/oauth2/validate` now; ends the session when Twitch rejects the token. */
  validate(): Promise<ValidateResult>;
  /** Ends the session (emits `logout` with reason `user`) and revokes the token unless told not to. */
  logout(options?: LogoutOptions): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends TwitchAuthEventName>(name: K, handler: TwitchAuthEventHandler<K>): () => void;
  /** Stops timers, listeners and channels (for frameworks that unmount). The session is kept. */
  destroy(): void;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function requireBrowser(what: string): void {
  if (
    typeof window === 'undefined' ||
    typeof location === 'undefined' ||
    typeof crypto === 'undefined' ||
    typeof crypto.getRandomValues !== 'function' ||
    typeof crypto.subtle === 'undefined'
  ) {
    throw new TwitchAuthError(
      'environment_unsupported',
      `${what} needs a browser page in a secure context (https: or localhost) with Web Crypto.`,
    );
  }
}

/** Shared by every copy of the SDK on the page, so two copies never handle one callback twice. */
interface RedirectEntry {
  readonly owner: TwitchAuth;
  readonly promise: Promise<Session | null>;
}
function redirectRegistry(): Map<string, RedirectEntry> {
  const key = Symbol.for('twitch-spa-login.redirects');
  const holder = globalThis as unknown as Record<symbol, Map<string, RedirectEntry>>;
  return (holder[key] ??= new Map());
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
 *   claims: { id_token: { email: null, preferred_username: null, picture: null } },
 * });
 * await auth.handleRedirect();               // on every page load; null when not a callback
 * if (!auth.isAuthenticated()) await auth.login();
 * const me = await auth.fetch('https://api.twitch.tv/helix/users').then((r) => r.json());
 * ```
 */
export function createTwitchAuth(options: TwitchAuthOptions): TwitchAuth {
  const config = resolveOptions(options);
  const prefix = `twitch-spa-login:${config.clientId}:`;
  const store = createKeyValueStore(config.storage, prefix);
  // The pending request must survive the redirect in this tab; the key set is public and per tab.
  const transient = createKeyValueStore('session', prefix);
  const pending = createPendingStore(transient);
  const now = (): number => Date.now();
  const doFetch = (): typeof fetch => {
    if (config.fetch !== undefined) return config.fetch;
    if (typeof globalThis.fetch !== 'function') {
      throw new TwitchAuthError('environment_unsupported', 'No fetch function is available.');
    }
    return (input, init) => globalThis.fetch(input, init);
  };
  const jwks = createJwksCache({
    url: config.endpoints.jwks,
    fetch: doFetch,
    store: transient,
    now,
    timeoutMs: config.jwksTimeoutMs,
  });
  const emitter = createEmitter<TwitchAuthEvents>((error) =>
    emitter.emit('error', {
      error: toTwitchAuthError(error, 'listener_error', 'An event listener threw.'),
    }),
  );
  const reportError = (error: unknown, fallbackMessage: string): void => {
    emitter.emit('error', { error: toTwitchAuthError(error, 'network_error', fallbackMessage) });
  };

  let current: Session | null | undefined; // undefined: not read from storage yet
  let started = false;
  let tabs: TabSync | undefined;

  const lifecycle = createLifecycle({
    validateIntervalMs: config.validateIntervalMs,
    expiringNoticeSeconds: config.expiringNoticeSeconds,
    now,
    timers: defaultTimers,
    validate: async () => {
      try {
        await validate();
      } catch (error) {
        // A rejected token already ended the session (and emitted logout); report the rest.
        if (!isTwitchAuthError(error) || error.code !== 'token_invalid') {
          reportError(error, 'Validating the token failed.');
        }
      }
    },
    onExpiring: (expiresAt, secondsLeft) => emitter.emit('expiring', { expiresAt, secondsLeft }),
    onExpired: () => endSession('expired'),
    onWake: browserWakeSignals,
  });

  const inBrowser = (): boolean => typeof window !== 'undefined';

  /** Reads the stored session once; in a browser this is the SDK's start-up. */
  const load = (): Session | null => {
    if (current !== undefined) return current;
    current = parseStoredSession(store.get('session'), now());
    if (current === null) store.remove('session');
    if (!started && inBrowser()) {
      started = true;
      startTabs();
      if (current !== null) lifecycle.start(current, true); // Twitch: validate at start-up
    }
    return current;
  };

  const startTabs = (): void => {
    if (config.storage !== 'local' || tabs !== undefined) return;
    tabs = createTabSync(
      `twitch-spa-login:${config.clientId}`,
      `${prefix}session`,
      store.webStorage(),
      onTabMessage,
    );
  };

  const onTabMessage = (message: TabMessage): void => {
    if (message.type === 'logout') {
      endSession('other_tab', { local: true });
      return;
    }
    // Not visible here yet (or unusable): the storage event follows once the write arrives.
    const stored = parseStoredSession(store.get('session'), now());
    if (stored === null) return;
    if (current?.accessToken === stored.accessToken) {
      setCurrent(stored); // a validation in the other tab updated it
      lifecycle.update(stored);
      return;
    }
    setCurrent(stored);
    lifecycle.start(stored, false);
    emitter.emit('login', { session: stored });
  };

  const saveSession = (session: Session): void => {
    store.set('session', serializeSession(session)); // throws storage_unavailable first
    setCurrent(session);
  };

  const setCurrent = (session: Session | null): void => {
    if (current === session) return;
    current = session;
    emitter.emit('change', { session });
  };

  const beginSession = (session: Session): void => {
    load();
    saveSession(session);
    lifecycle.start(session, true);
    tabs?.post({ type: 'login' });
    emitter.emit('login', { session });
  };

  /** Ends the current session once; later calls (a 401 storm) find nothing to end. */
  function endSession(reason: LogoutReason, { local = false, error }: { local?: boolean; error?: TwitchAuthError } = {}): Session | null {
    const ended = load();
    if (ended === null) return null;
    lifecycle.stop();
    setCurrent(null);
    if (!local) {
      store.remove('session');
      tabs?.post({ type: 'logout' });
    }
    emitter.emit('logout', error === undefined ? { reason } : { reason, error });
    return ended;
  }

  async function validate(): Promise<ValidateResult> {
    const session = load();
    if (session === null) {
      throw new TwitchAuthError('token_invalid', 'There is no session to validate.');
    }
    let result: ValidateResult;
    try {
      result = await validateToken(doFetch(), config.endpoints.validate, session.accessToken);
    } catch (error) {
      const stillCurrent = current?.accessToken === session.accessToken;
      if (isTwitchAuthError(error) && error.code === 'token_invalid' && stillCurrent) {
        endSession('invalid_token', { error });
      }
      throw error;
    }
    if (current?.accessToken !== session.accessToken) return result; // ended meanwhile
    const userId = session.user?.id;
    if (result.clientId !== config.clientId || (userId !== undefined && result.userId !== userId)) {
      const error = new TwitchAuthError(
        'token_invalid',
        'Twitch says the token belongs to another app or user.',
      );
      endSession('invalid_token', { error });
      throw error;
    }
    const user: TwitchUser | undefined =
      result.userId === null
        ? session.user
        : Object.freeze({ ...session.user, id: result.userId, ...(result.login === null ? {} : { login: result.login }) });
    const at = now();
    const updated = createSession({
      ...session,
      ...(user === undefined ? {} : { user }),
      ...(result.expiresIn === null ? {} : { expiresAt: at + result.expiresIn * 1000 }),
      validatedAt: at,
    });
    try {
      saveSession(updated);
    } catch (error) {
      setCurrent(updated); // keep running on the in-memory copy; report the storage trouble
      reportError(error, 'Could not store the validated session.');
    }
    lifecycle.update(updated);
    return result;
  }

  /** Verifies a parsed callback against its pending request and builds the session. */
  async function complete(response: AuthResponse | null): Promise<Session | null> {
    if (response === null) return null;
    if (response.state === undefined) {
      throw new TwitchAuthError('state_missing', 'The login response carries no state.');
    }
    const request: PendingRequest = pending.take(response.state, now());
    const { accessToken, idToken, scopes } = matchResponse(response, request);
    let user: TwitchUser | undefined;
    if (request.responseType === 'token id_token') {
      if (idToken === undefined || request.nonce === undefined) {
        throw new TwitchAuthError('missing_param', 'The login response has no id_token.');
      }
      const claims = await verifyIdToken(idToken, {
        clientId: config.clientId,
        issuer: request.issuer,
        nonce: request.nonce,
        accessToken,
        clockSkewSeconds: config.clockSkewSeconds,
        maxAgeSeconds: config.maxIdTokenAgeSeconds,
        now: now(),
        getKey: jwks.getKey,
      });
      user = userFromClaims(claims);
    }
    const session = createSession({
      accessToken,
      tokenType: 'bearer',
      scopes,
      ...(idToken === undefined ? {} : { idToken }),
      ...(user === undefined ? {} : { user }),
      createdAt: now(),
    });
    beginSession(session);
    const returnTo = safeReturnTo(request.returnTo, location.origin, config.redirectUri);
    if (returnTo !== undefined && request.mode === 'redirect') {
      history.replaceState(history.state, '', returnTo);
    }
    return session;
  }

  function handleRedirect(input?: string | URL): Promise<Session | null> {
    try {
      requireBrowser('handleRedirect()');
    } catch (error) {
      return Promise.reject(error);
    }
    const href = input === undefined ? location.href : String(input);
    const registry = redirectRegistry();
    const known = registry.get(href);
    if (known !== undefined) return known.owner === auth ? known.promise : known.promise.then(adopt);
    let url: URL;
    try {
      url = new URL(href, location.href);
    } catch (cause) {
      return Promise.reject(
        new TwitchAuthError('invalid_callback', 'handleRedirect() got an invalid URL.', { cause }),
      );
    }
    if (!hasAuthResponse(url)) {
      load();
      return Promise.resolve(null);
    }
    // Out of the address bar before anything else runs: no await, no listener, no error path first.
    const cleaned = stripAuthResponse(url);
    if (url.href === location.href) history.replaceState(history.state, '', cleaned);

    let promise: Promise<Session | null>;
    try {
      const response = parseAuthResponse(url);
      const state = response?.state;
      if (state?.startsWith(POPUP_STATE_PREFIX) === true && handBack(url.href, state)) {
        // This page is the popup: the opener verifies and keeps the session.
        promise = Promise.resolve(null);
        defaultTimers.setTimeout(() => window.close(), 50);
      } else {
        promise = complete(response);
      }
    } catch (error) {
      promise = Promise.reject(error);
    }
    const entry = { owner: auth, promise };
    registry.set(href, entry);
    // React StrictMode runs effects twice: the second call sees the cleaned URL.
    registry.set(cleaned, entry);
    // Long enough for a double effect; then the URL (which holds the token) is let go, and a
    // replay meets the single-use pending request instead.
    const forget = (): void =>
      void defaultTimers.setTimeout(() => {
        registry.delete(href);
        registry.delete(cleaned);
      }, 1000);
    promise.then(forget, forget);
    return promise;
  }

  /** Another copy of the SDK on this page handled the callback: take its session. */
  function adopt(session: Session | null): Session | null {
    if (session !== null && current?.accessToken !== session.accessToken) {
      setCurrent(parseStoredSession(store.get('session'), now()) ?? current ?? null);
    }
    return session;
  }

  function startLogin(opts: LoginCallOptions, mode: 'redirect' | 'popup'): string {
    requireBrowser('login()');
    const base = createPendingRequest(config, { ...opts, mode }, { now: now(), origin: location.origin });
    const request = mode === 'popup' ? { ...base, state: POPUP_STATE_PREFIX + base.state } : base;
    if (mode === 'redirect' && config.storage !== 'memory' && transient.webStorage() === undefined) {
      throw new TwitchAuthError(
        'storage_unavailable',
        'sessionStorage is unavailable, so a redirect login cannot survive the page change; use login({ popup: true }).',
      );
    }
    pending.save(request);
    return buildAuthorizeUrl(config, request, opts);
  }

  const auth: TwitchAuth = {
    get session() {
      return load();
    },
    get user() {
      return load()?.user ?? null;
    },
    isAuthenticated: () => load() !== null,
    authorizeUrl: async (opts = {}) => startLogin(opts, 'redirect'),
    login: (async (opts: LoginCallOptions = {}) => {
      if (opts.popup !== true) {
        const url = startLogin(opts, 'redirect');
        (opts.navigate ?? ((target: string) => location.assign(target)))(url);
        return;
      }
      // Everything up to window.open runs synchronously inside the caller's click.
      const url = startLogin(opts, 'popup');
      const state = new URL(url).searchParams.get('state') ?? '';
      const popup = openPopup(url);
      const href = await waitForPopup(popup, state, config.popupTimeoutMs, defaultTimers);
      try {
        popup.close();
      } catch {
        // Closed already, or cut off by COOP.
      }
      const session = await complete(parseAuthResponse(new URL(href)));
      if (session === null) {
        throw new TwitchAuthError('invalid_callback', 'The popup returned no login response.');
      }
      return session;
    }) as TwitchAuth['login'],
    handleRedirect,
    fetch: createAuthFetch({
      helixOrigin: new URL(config.endpoints.helix).origin,
      clientId: config.clientId,
      fetch: doFetch,
      accessToken: () => load()?.accessToken,
      onUnauthorized: (token) => {
        if (current?.accessToken === token) endSession('unauthorized');
      },
    }),
    validate,
    async logout({ revoke = true }: LogoutOptions = {}) {
      const ended = endSession('user');
      if (ended === null || !revoke) return;
      try {
        await revokeToken(doFetch(), config.endpoints.revoke, config.clientId, ended.accessToken);
      } catch (error) {
        reportError(error, 'Revoking the token failed.');
      }
    },
    on: (name, handler) => emitter.on(name, handler),
    destroy() {
      lifecycle.stop();
      tabs?.close();
      tabs = undefined;
      started = false;
      current = undefined;
    },
  };
  return auth;
}

export type { LoginOptions };
