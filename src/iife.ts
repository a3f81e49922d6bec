// The core script tag: Vite wraps this module's exports in `var TwitchLogin = (...)`. It carries
// the ESM entry's exports but for the scope list and its descriptions (TWITCH_SCOPES,
// TWITCH_SCOPE_NAMES, isTwitchScope: ESM only, so a static page does not download them; the
// TwitchScope type is the ESM build's check anyway), and no device code: a device page adds
// twitch-spa-login.device.iife.js, which puts startDeviceLogin and the refresh code on TwitchLogin.
import { createClient } from './client.js';
import type { TwitchAuthOptions } from './config/options.js';
import type * as RefresherModule from './device/refresher.js';
import { TwitchAuthError } from './internal/errors.js';
import type { TwitchAuth } from './twitch-auth.js';

export {
  ERROR_CODES,
  TWITCH_ENDPOINTS,
  TwitchAuthError,
  createMemoryStorage,
  isTwitchAuthError,
} from './index.js';

/**
 * Where the device add-on script leaves the refresh code: on `window.TwitchLogin`, under a
 * registered symbol, because the two scripts share nothing else (two bundles, one page).
 */
const REFRESHER = Symbol.for('twitch-spa-login.refresher');

/** The refresh code from the device add-on, or why there is none. */
function addOnRefresher(): Promise<typeof RefresherModule> {
  const core = (globalThis as { TwitchLogin?: Record<symbol, typeof RefresherModule | undefined> })
    .TwitchLogin;
  const refresher = core?.[REFRESHER];
  return refresher === undefined
    ? Promise.reject(
        new TwitchAuthError(
          'environment_unsupported',
          'This page restores a device session, whose token only the device add-on can refresh: ' +
            'load twitch-spa-login.device.iife.js after twitch-spa-login.iife.js.',
        ),
      )
    : Promise.resolve(refresher);
}

/**
 * `createTwitchAuth` of the script tag: the callback path inside this bundle, the refresh code
 * from the device add-on script.
 *
 * @example
 * ```ts
 * const auth = createTwitchAuth({ clientId, redirectUri }); // window.TwitchLogin.createTwitchAuth
 * ```
 */
export function createTwitchAuth(options: TwitchAuthOptions): TwitchAuth {
  return createClient(options, {
    completeLogin: () => import('./callback/complete-login.js'),
    refresher: addOnRefresher,
  });
}
