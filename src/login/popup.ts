import { TwitchAuthError } from '../internal/errors.js';
import { type Timers, pageChannel } from '../internal/env.js';

/** States of popup logins carry this prefix, so the callback page knows to hand the response back. */
export const POPUP_STATE_PREFIX = 'popup.';

const MESSAGE_SOURCE = 'twitch-spa-login';

interface PopupMessage {
  readonly source: typeof MESSAGE_SOURCE;
  readonly state: string;
  readonly href: string;
}

const channelName = (state: string): string => `${MESSAGE_SOURCE}:popup:${state}`;

function isPopupMessage(value: unknown, state: string): value is PopupMessage {
  const m = value as Partial<Record<keyof PopupMessage, unknown>> | null | undefined;
  return m?.source === MESSAGE_SOURCE && m.state === state && typeof m.href === 'string';
}

/** The parts of the opening window a popup login uses; `window` unless a test passes a stand-in. */
export type PopupHost = Pick<Window, 'open' | 'screenX' | 'screenY' | 'outerWidth' | 'outerHeight'>;

/**
 * Opens the login popup, centred over this window. Must run synchronously inside the user's click,
 * or blockers refuse it. Throws `popup_blocked` when the browser returns no window.
 */
export function openPopup(url: string, host: PopupHost = window): Window {
  const width = 500;
  const height = 720;
  const left = Math.max(0, host.screenX + (host.outerWidth - width) / 2);
  const top = Math.max(0, host.screenY + (host.outerHeight - height) / 2);
  const popup = host.open(
    url,
    'twitch-spa-login',
    `popup=yes,width=${width},height=${height},left=${Math.round(left)},top=${Math.round(top)}`,
  );
  if (popup === null) {
    throw new TwitchAuthError(
      'popup_blocked',
      'The browser blocked the login popup; call login({ popup: true }) directly in a click handler.',
    );
  }
  return popup;
}

/**
 * Waits for the callback page in the popup to hand the response back. Accepts a message only from
 * this page's own origin, from the popup window itself, for this state; a BroadcastChannel keyed
 * by the state is the fallback when the authorize page cut `window.opener` (COOP).
 *
 * Rejects with `popup_closed` when the user closes the popup, `popup_timeout` after `timeoutMs`.
 * `Channel` is the BroadcastChannel constructor, or null for the message bus alone.
 */
export function waitForPopup(
  popup: Window,
  state: string,
  timeoutMs: number,
  timers: Timers,
  Channel: typeof BroadcastChannel | null = pageChannel(),
): Promise<string> {
  return new Promise((resolve, reject) => {
    const origin = window.location.origin;
    const channel = Channel === null ? undefined : new Channel(channelName(state));
    let poll: unknown;
    const cleanup = (): void => {
      window.removeEventListener('message', onMessage);
      channel?.close();
      timers.clearTimeout(poll);
      timers.clearTimeout(deadline);
    };
    const receive = (data: unknown): void => {
      if (!isPopupMessage(data, state)) return;
      cleanup();
      resolve(data.href);
    };
    const onMessage = (event: MessageEvent<unknown>): void => {
      if (event.origin === origin && event.source === popup) receive(event.data);
    };
    window.addEventListener('message', onMessage);
    if (channel !== undefined) channel.onmessage = (event) => receive(event.data);
    const deadline = timers.setTimeout(() => {
      cleanup();
      reject(new TwitchAuthError('popup_timeout', 'The login popup did not finish in time.'));
    }, timeoutMs);
    const checkClosed = (): void => {
      let closed: boolean;
      try {
        closed = popup.closed;
      } catch {
        closed = false;
      }
      if (closed) {
        // Give a message already on its way a moment to arrive.
        poll = timers.setTimeout(() => {
          cleanup();
          reject(
            new TwitchAuthError(
              'popup_closed',
              'The login popup was closed before the login finished.',
            ),
          );
        }, 300);
        return;
      }
      poll = timers.setTimeout(checkClosed, 500);
    };
    poll = timers.setTimeout(checkClosed, 500);
  });
}

/** The parts of the popup's own window the hand-back uses; `window` unless a test passes a stand-in. */
export type PopupSelf = Pick<Window, 'opener' | 'location' | 'close'>;

/**
 * In the popup's callback page: hands the response to the page that opened the popup and closes
 * the popup a moment later (so the message leaves first). Posts only to this page's own origin,
 * never to `*`. Returns false, and stays open, when there is nobody to hand to.
 */
export function handBack(
  href: string,
  state: string,
  timers: Timers,
  self: PopupSelf = window,
  Channel: typeof BroadcastChannel | null = pageChannel(),
): boolean {
  const message: PopupMessage = { source: MESSAGE_SOURCE, state, href };
  let delivered = false;
  const opener = self.opener as Window | null;
  if (opener !== null && opener !== self) {
    try {
      opener.postMessage(message, self.location.origin);
      delivered = true;
    } catch {
      // The opener may be gone or cut off; the channel below still reaches it.
    }
  }
  if (Channel !== null) {
    const channel = new Channel(channelName(state));
    channel.postMessage(message);
    channel.close();
    delivered = true;
  }
  if (delivered) timers.setTimeout(() => self.close(), 50);
  return delivered;
}
