// The page parts the refresh code takes (test/unit): a Web Locks stand-in, the shared storage
// every tab of a test browser sees, and an online switch. Nothing global is touched.
import type { RefreshPage } from '../../src/device/refresh-page';
import { type StorageLike, createKeyValueStore } from '../../src/session/storage';
import { CLIENT_ID } from './twitch';

/** Web Locks for tabs of one test browser: one holder per name, in request order. */
export function createTestLocks(): LockManager {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request: ((name: string, task: () => Promise<unknown>) => {
      const run = (tails.get(name) ?? Promise.resolve()).then(task, task);
      tails.set(
        name,
        run.then(
          () => undefined,
          () => undefined,
        ),
      );
      return run;
    }) as LockManager['request'],
    query: () => Promise.resolve({ held: [], pending: [] }),
  };
}

/** One tab's refresh page in a browser whose localStorage is `shared`. */
export function testRefreshPage(
  shared: StorageLike,
  overrides: Partial<RefreshPage> = {},
): Partial<RefreshPage> {
  return {
    locks: createTestLocks(),
    Channel: null,
    shared: createKeyValueStore(shared, `twitch-spa-login:${CLIENT_ID}:`),
    online: () => Promise.resolve(),
    tab: 'tab-1',
    ...overrides,
  };
}
