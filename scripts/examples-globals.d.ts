// Names the examples take from their surroundings rather than from this package (see
// scripts/examples.mjs): declared once here so each example can stay a short fragment.
import type { JWSHeaderParameters } from 'jose';
import type { TwitchAuth } from 'twitch-spa-login';
import type { JWK } from 'jose';
import type { ApiClient as TwurpleApiClient } from '@twurple/api';
import type { Session } from 'twitch-spa-login';
import type { BindingSink } from '../dist/types/adapter-binding.js';
import type { AuthResponse } from '../dist/types/callback/response.js';
import type { ImportCompleteLogin } from '../dist/types/callback/lazy-path.js';
import type { ImportRefresher } from '../dist/types/session/refresh-path.js';
import type { LoginCompleter, LoginCompleterDeps } from '../dist/types/callback/complete-login.js';
import type { Emitter } from '../dist/types/internal/emitter.js';
import type { TwitchAuthEvents } from '../dist/types/session/events.js';
import type { RefreshDeps } from '../dist/types/device/refresh.js';
import type { RefreshHost } from '../dist/types/device/refresher.js';
import type { RefreshGrant } from '../dist/types/session/session.js';
import type { LoginStarterDeps } from '../dist/types/login/start-login.js';
import type { ValidationDeps } from '../dist/types/api/validation.js';
import type { Lifecycle } from '../dist/types/session/lifecycle.js';
import type { PopupLoginDeps } from '../dist/types/login/popup-login.js';
import type { RedirectDeps } from '../dist/types/callback/handle-redirect.js';
import type { SessionState } from '../dist/types/session/state.js';
import type { ResolvedConfig } from '../dist/types/config/options.js';
import type { PendingRequest, PendingStore } from '../dist/types/login/pending.js';
import type { KeyValueStore } from '../dist/types/session/storage.js';

declare global {
  // The reader's app.
  const auth: TwitchAuth;
  const clientId: string;
  const redirectUri: string;
  const accessToken: string;
  const idToken: string;
  const el: HTMLElement;
  const loginButton: HTMLButtonElement;
  function render(): void;
  function report(code: string): void;
  function showMessage(text: string): void;
  /** twurple's ApiClient (the twurple entry's example). */
  const ApiClient: typeof TwurpleApiClient;
  const pollsButton: HTMLButtonElement;
  function showPolls(): void;
  function offerUpgrade(message: string): void;
  /** The app's root component (React or Vue). */
  function App(): null;
  interface Window {
    /** A native host's bridge in a mobile webview. */
    readonly NativeBridge: { openAuthorize(url: string): void };
  }

  // Inside the SDK, for the examples of its internal helpers.
  const config: ResolvedConfig;
  const pending: PendingStore;
  const request: PendingRequest;
  /** A callback response whose state is known to be there (parseAuthResponse's example checks it). */
  const response: AuthResponse & { readonly state: string };
  const store: KeyValueStore;
  const url: string;
  const nonce: string;
  const storedIdToken: string;
  const raw: string;
  const data: Record<string, unknown>;
  const payload: Record<string, unknown>;
  const header: JWSHeaderParameters;
  function invalid(reason: string): Error;
  const session: Session;
  const token: string;
  const href: string;
  const jwk: JWK;
  const transient: KeyValueStore;
  const state: SessionState;
  const emitter: Emitter<TwitchAuthEvents>;
  const lifecycle: Lifecycle;
  const completerDeps: LoginCompleterDeps;
  const importCompleteLogin: ImportCompleteLogin;
  const importRefresher: ImportRefresher;
  const popupDeps: PopupLoginDeps;
  const redirectDeps: RedirectDeps;
  function loadCompleter(): Promise<LoginCompleter>;
  const button: HTMLButtonElement;
  function showError(error: unknown): void;
  const setSession: BindingSink['setSession'];
  const setLoading: BindingSink['setLoading'];
  const setError: BindingSink['setError'];
  /** The refresh code's wiring (its own examples). */
  const deps: RefreshDeps & LoginStarterDeps & ValidationDeps;
  const host: RefreshHost;
  const prefix: string;
  const grant: RefreshGrant;
  const mine: RefreshGrant;
}
