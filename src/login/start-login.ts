// Starting a login: a fresh request (state, nonce, the scopes granted so far) kept for the callback,
// and the authorize URL that carries it.
import type { ResolvedConfig } from '../config/options.js';
import { requireBrowser } from '../internal/env.js';
import { TwitchAuthError } from '../internal/errors.js';
import type { KeyValueStore } from '../session/storage.js';
import { type AuthorizeOptions, buildAuthorizeUrl, createPendingRequest } from './authorize.js';
import type { PendingStore } from './pending.js';
import { POPUP_STATE_PREFIX } from './popup.js';

export interface LoginStarterDeps {
  readonly config: ResolvedConfig;
  readonly pending: PendingStore;
  /** Where pending requests live (this tab's sessionStorage). */
  readonly transient: KeyValueStore;
  /** The scopes the current session holds: a new login asks for them again. */
  readonly granted: () => readonly string[];
  readonly now: () => number;
}

/**
 * Makes the function that starts a login and returns its authorize URL; `method` names the call
 * in error messages.
 *
 * @example
 * ```ts
 * const startLogin = createLoginStarter(deps);
 * location.assign(startLogin({ scopes: ['chat:read'] }, 'redirect'));
 * ```
 */
export function createLoginStarter(
  deps: LoginStarterDeps,
): (opts: AuthorizeOptions, mode: 'redirect' | 'popup', method?: string) => string {
  const { config } = deps;
  return (opts, mode, method = 'login()') => {
    requireBrowser(method);
    const base = createPendingRequest(
      config,
      { ...opts, mode },
      { now: deps.now(), origin: location.origin, granted: deps.granted() },
    );
    const request = mode === 'popup' ? { ...base, state: POPUP_STATE_PREFIX + base.state } : base;
    if (
      mode === 'redirect' &&
      config.storage !== 'memory' &&
      deps.transient.webStorage() === undefined
    ) {
      throw new TwitchAuthError(
        'storage_unavailable',
        'sessionStorage is unavailable, so a redirect login cannot survive the page change; use login({ popup: true }).',
      );
    }
    deps.pending.save(request);
    return buildAuthorizeUrl(config, request, opts);
  };
}
