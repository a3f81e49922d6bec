// What the refresh code takes from the page (Web Locks, the message channel, the storage every tab
// shares, whether the browser is online), looked up when the refresh code loads; tests pass stand-ins.
import { pageChannel } from '../internal/env.js';
import { randomToken } from '../internal/random.js';
import { type KeyValueStore, createKeyValueStore } from '../session/storage.js';

/** What the refresh code takes from the page; tests pass stand-ins. */
export interface RefreshPage {
  /** Web Locks, or null where the browser has none. */
  readonly locks: LockManager | null;
  /** The BroadcastChannel constructor, or null. */
  readonly Channel: typeof BroadcastChannel | null;
  /** The storage every tab of the origin shares (localStorage), under the client's prefix. */
  readonly shared: KeyValueStore;
  /** Resolves once the browser does not say it is offline (`navigator.onLine`). */
  online(): Promise<void>;
  /** A random id for this page (the storage claim's owner). */
  readonly tab: string;
}

/** Where {@link pageOf} looks: `globalThis` (the window) unless a test passes a stand-in. */
export interface PageScope {
  /** Absent outside a browser; `locks` is absent or null in some engines (and happy-dom). */
  readonly navigator?: { readonly onLine: boolean; readonly locks?: LockManager | null };
  readonly BroadcastChannel?: typeof BroadcastChannel;
  addEventListener(type: 'online', listener: () => void, options: AddEventListenerOptions): void;
}

/** The page's own {@link RefreshPage}, with `seams` in place of its parts. */
export function pageOf(
  prefix: string,
  seams: Partial<RefreshPage> = {},
  scope: PageScope = globalThis,
): RefreshPage {
  const online = (): Promise<void> =>
    scope.navigator?.onLine !== false
      ? Promise.resolve()
      : new Promise((resolve) => {
          scope.addEventListener('online', () => resolve(), { once: true });
        });
  return {
    locks: scope.navigator?.locks ?? null,
    Channel: pageChannel(scope),
    shared: createKeyValueStore('local', prefix),
    online,
    tab: randomToken(),
    ...seams,
  };
}
