import { pageChannel } from '../internal/env.js';

/** What one tab tells the others. No token travels: the others read the shared storage. */
export type TabMessage = { readonly type: 'login' } | { readonly type: 'logout' };

export interface TabSync {
  post(message: TabMessage): void;
  close(): void;
}

function isTabMessage(value: unknown): value is TabMessage {
  const type = (value as { type?: unknown } | null | undefined)?.type;
  return type === 'login' || type === 'logout';
}

/**
 * Keeps tabs of one origin in step: a BroadcastChannel message where there is one, and the
 * `storage` event of the shared localStorage as well. Both, because a channel message can arrive
 * before the other tab sees the storage write it announces (Chromium propagates localStorage
 * between processes asynchronously); the storage event fires only once the write is visible. The
 * receiver treats repeats as no-ops. Neither delivers a tab's own messages back to it, and a tab
 * never re-posts what it received, so there are no echo loops.
 *
 * Browser only (the client creates it at start-up, in a page).
 *
 * @param channelName - unique per client id
 * @param storageKey - the full localStorage key of the session
 * @param storage - the localStorage holding it; undefined (no storage): the channel alone
 * @param Channel - the BroadcastChannel constructor, or null for the `storage` event alone
 */
export function createTabSync(
  channelName: string,
  storageKey: string,
  storage: Storage | undefined,
  onMessage: (message: TabMessage) => void,
  Channel: typeof BroadcastChannel | null = pageChannel(),
): TabSync {
  let channel: BroadcastChannel | undefined;
  if (Channel !== null) {
    channel = new Channel(channelName);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isTabMessage(event.data)) onMessage({ type: event.data.type });
    };
  }
  // Without a storage this hears nothing: a real event's storageArea is a Storage or null.
  const onStorage = (event: StorageEvent): void => {
    if (event.storageArea !== storage || (event.key !== storageKey && event.key !== null)) return;
    onMessage({ type: event.newValue === null ? 'logout' : 'login' });
  };
  window.addEventListener('storage', onStorage);
  return {
    // Without a channel, the storage write itself is the message.
    post: (message) => channel?.postMessage(message),
    close: () => {
      channel?.close();
      window.removeEventListener('storage', onStorage);
    },
  };
}
