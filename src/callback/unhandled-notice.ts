import { TwitchAuthError } from '../internal/errors.js';
import type { Timers } from '../internal/env.js';

/** True while the page's address bar holds a token: a callback nobody handled. */
const tokenInAddressBar = (): boolean =>
  typeof location !== 'undefined' && /[#&](access|id)_token=/.test(location.hash);

/**
 * Forgetting `handleRedirect()` leaves the token in the address bar. The returned check, called
 * whenever the client is used, reports `callback_not_handled` once: two seconds after the first
 * use that saw a token, and only if it is still there, so an app that starts the client just
 * before handling the callback is not told off.
 *
 * @example
 * ```ts
 * const notice = createCallbackNotice(defaultTimers, (error) => console.error(error));
 * notice(); // on every read of the session
 * ```
 */
export function createCallbackNotice(
  timers: Timers,
  report: (error: unknown, fallbackMessage: string) => void,
): () => void {
  let noticed = false;
  return () => {
    if (noticed || !tokenInAddressBar()) return;
    noticed = true;
    timers.setTimeout(() => {
      if (!tokenInAddressBar()) return;
      report(
        new TwitchAuthError(
          'callback_not_handled',
          'Call auth.handleRedirect(): a token is in the URL.',
        ),
        '',
      );
    }, 2000);
  };
}
