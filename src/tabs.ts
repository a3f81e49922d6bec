/** What one tab tells the others. No token travels: the others read the shared storage. */
export type TabMessage = { readonly type: 'login' } | { readonly type: 'logout' };

export interface TabSync {
  post(message: TabMessage): void;
  close(): void;
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'login' || type === 'logout';
}

/**
 * Keeps tabs of one origin in step: a BroadcastChannel where there is one, else the `storage`
 * event of the shared localStorage. Neither delivers a tab's own messages back to it, and a tab
 * never re-posts what it received, so there are no echo loops.
 *
 * @param channelName - unique per client id
 * @param storageKey - the full localStorage key of the session, for the fallback
 * @param Channel - the BroadcastChannel constructor, or null for the `storage` event
 */
export function createTabSync(
  channelName: string,
  storageKey: string,
  storage: Storage | undefined,
  onMessage: (message: TabMessage) => void,
  Channel: typeof BroadcastChannel | null = globalThis.BroadcastChannel ?? null,
): TabSync {
  if (typeof Channel === 'function') {
    const channel = new Channel(channelName);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isTabMessage(event.data)) onMessage({ type: event.data.type });
    };
    return {
      post: (message) => channel.postMessage(message),
      close: () => channel.close(),
    };
  }
  if (typeof window === 'undefined' || storage === undefined) {
    return { post: () => undefined, close: () => undefined };
  }
  const onStorage = (event: StorageEvent): void => {
    if (event.storageArea !== storage || (event.key !== storageKey && event.key !== null)) return;
    onMessage({ type: event.newValue === null ? 'logout' : 'login' });
  };
  window.addEventListener('storage', onStorage);
  return {
    // The storage write itself is the message.
    post: () => undefined,
    close: () => window.removeEventListener('storage', onStorage),
  };
}
