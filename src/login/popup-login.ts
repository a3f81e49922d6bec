// Popup login: everything up to window.open runs synchronously inside the caller's click; the
// popup's callback page hands the response back (redirect.ts), and this page verifies it.
import { type CallbackUrl, readCallbackUrl } from '../callback/url.js';
import type { Timers } from '../internal/env.js';
import { TwitchAuthError } from '../internal/errors.js';
import { type PopupHost, openPopup, waitForPopup } from './popup.js';
import type { Session } from '../session/session.js';

export interface PopupLoginDeps {
  readonly timeoutMs: number;
  readonly timers: Timers;
  /** Called once the popup is open: start loading the callback path while the user consents. */
  readonly prepare: () => void;
  /** Verifies the response and begins the session (the lazy path). */
  readonly complete: (callback: CallbackUrl) => Promise<Session | null>;
  /** The window that opens the popup: `window` unless a test passes a stand-in. */
  readonly host?: PopupHost | undefined;
}

/**
 * Opens `url` (an authorize URL whose state is `state`) in a popup and resolves with the session.
 *
 * @throws TwitchAuthError `popup_blocked` (synchronously, from the click), then `popup_closed`,
 *   `popup_timeout`, `invalid_callback` or any callback error.
 * @example
 * ```ts
 * button.onclick = () => loginWithPopup(url, request.state, popupDeps).then(render, showError);
 * ```
 */
export function loginWithPopup(url: string, state: string, deps: PopupLoginDeps): Promise<Session> {
  const popup = openPopup(url, deps.host);
  deps.prepare();
  return waitForPopup(popup, state, deps.timeoutMs, deps.timers).then(async (href) => {
    try {
      popup.close();
    } catch {
      // Closed already, or cut off by COOP.
    }
    const session = await deps.complete(readCallbackUrl(new URL(href)));
    if (session === null) {
      throw new TwitchAuthError('invalid_callback', 'The popup returned no login response.');
    }
    return session;
  });
}
