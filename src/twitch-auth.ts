// The object an app holds, as a type: what `createTwitchAuth` returns (src/client.ts builds it).
import type { AuthFetch } from './api/fetch-wrapper.js';
import type { AuthorizeOptions } from './login/authorize.js';
import type { TwitchAuthEventHandler, TwitchAuthEventName } from './session/events.js';
import type { TwitchScope } from './config/scope-names.js';
import type { Session, TwitchUser } from './session/session.js';
import type { ValidateResult } from './api/oauth-calls.js';

/** Options of {@link TwitchAuth.login}. */
export interface LoginOptions extends AuthorizeOptions {
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
  /** The current verified session, or null. Reading it starts nothing. */
  readonly session: Session | null;
  /** The signed-in user, or null. */
  readonly user: TwitchUser | null;
  isAuthenticated(): boolean;
  /**
   * Whether the session holds every one of `scopes`, as Twitch granted them (false when signed
   * out). Ask for missing ones with `login({ scopes })`.
   */
  hasScopes(...scopes: readonly TwitchScope[]): boolean;
  /**
   * Starts the background work: validates a stored session with Twitch (Twitch asks for that at
   * start-up), schedules the hourly validation and the expiry, and with storage `'local'` follows
   * other tabs. Idempotent; `handleRedirect()`, a completed login and the React and Vue adapters
   * call it. After {@link TwitchAuth.destroy} only another call starts it again.
   */
  start(): void;
  /**
   * Builds the authorize URL and stores its pending request (state, nonce) for the callback. With
   * a live session it asks for the session's scopes too, like {@link TwitchAuth.login}.
   */
  authorizeUrl(options?: AuthorizeOptions): string;
  /**
   * Popup mode: opens a popup (call it inside a click) and resolves with the session.
   *
   * With a live session, Twitch is asked for its scopes, the configured ones and `scopes`
   * together (a scope upgrade). When the same user comes back, the new session replaces the old
   * one (one `change`, no `login`); another user is a new login (`logout` with reason
   * `switched_user`, then `login`).
   */
  login(options: LoginOptions & { readonly popup: true }): Promise<Session>;
  /** Redirect mode: navigates to Twitch; the page then leaves. */
  login(options?: LoginOptions): Promise<void>;
  /**
   * Completes a login on the redirect page: reads the response from `url` (default
   * `location.href`), takes it out of the address bar at once, then (loading the callback code
   * on first use) checks state, verifies the ID token and stores the session. Resolves null when
   * the URL holds no auth response. A second call while the first is in flight returns the same
   * promise; once it has settled, the same URL again is a replay (`no_pending_request`). Calls
   * {@link TwitchAuth.start}.
   */
  handleRedirect(url?: string | URL): Promise<Session | null>;
  /**
   * `fetch` with `Authorization: Bearer` and `Client-Id` added for the Helix origin only. With a
   * session, a request to `https://api.twitch.tv` while `endpoints.helix` is elsewhere (the
   * emulator) goes without the token, and the `error` event reports `helix_origin_mismatch` once.
   */
  readonly fetch: AuthFetch;
  /**
   * A Helix call written once for every configuration: `path` is appended to `endpoints.helix`
   * (Twitch's, or the emulator's) and sent with `auth.fetch`. A path that would leave
   * `endpoints.helix` (absolute URL, `//`, `..`) rejects with `invalid_options`.
   *
   * @example
   * ```ts
   * const { data } = await auth.helix('/users').then((response) => response.json());
   * ```
   */
  helix(path: string, init?: RequestInit): Promise<Response>;
  /** Calls Twitch's `/oauth2/validate` now; ends the session when Twitch rejects the token. */
  validate(): Promise<ValidateResult>;
  /** Ends the session (emits `logout` with reason `user`) and revokes the token unless told not to. */
  logout(options?: LogoutOptions): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends TwitchAuthEventName>(name: K, handler: TwitchAuthEventHandler<K>): () => void;
  /** Stops timers, listeners and channels (for frameworks that unmount). The session is kept. */
  destroy(): void;
}
