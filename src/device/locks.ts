// The cross-tab lock of the refresh code: Web Locks where the browser has them, else a timed claim
// in the shared storage. Both are chained behind an in-page queue, so one page never races itself.
import type { Timers } from '../internal/env.js';
import type { KeyValueStore } from '../session/storage.js';

/** Runs `task` while holding the lock. */
export type RefreshLock = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * The lock of Web Locks (`navigator.locks`): exclusive across every tab and worker of the origin,
 * released by the browser when the page holding it dies.
 *
 * @example
 * ```ts
 * const lock = webLock(navigator.locks, 'twitch-spa-login:my-client-id:refresh');
 * ```
 */
export function webLock(locks: LockManager, name: string): RefreshLock {
  return (task) => locks.request(name, task) as Promise<Awaited<ReturnType<typeof task>>>;
}

/**
 * An in-page queue: tasks run one at a time, also after one fails.
 *
 */
function createLocalLock(): RefreshLock {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

/** Bounds of the storage claim. */
export const CLAIM_LIMITS = Object.freeze({
  /**
   * Longer than TWICE the time a localStorage write takes to reach the other tabs (the bound the
   * refresh code's settle period assumes, 250 ms; Chromium propagates writes between processes
   * asynchronously). Twice: a tab that read "free" just before our claim reached it writes its
   * own claim then, and that claim needs the bound again to reach us before we look.
   */
  confirmMs: 600,
  /** A claim older than this belongs to a tab that died holding it. */
  leaseMs: 60_000,
  /** How often a waiting tab looks again. */
  pollMs: 50,
});

interface Claim {
  readonly by: string;
  readonly until: number;
}

/**
 * The fallback without Web Locks: Fischer's mutual exclusion over the shared storage. A tab writes
 * its claim, waits longer than a write takes to propagate, and proceeds only if the claim is still
 * its own (the last writer wins everywhere once writes have propagated).
 *
 * @param tab - this page's random id
 * @example
 * ```ts
 * const lock = createStorageLock(createKeyValueStore('local', prefix), crypto.randomUUID(), defaultTimers, Date.now);
 * ```
 */
export function createStorageLock(
  store: KeyValueStore,
  tab: string,
  timers: Timers,
  now: () => number,
): RefreshLock {
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => void timers.setTimeout(resolve, ms));
  const read = (): Claim | null => {
    try {
      const claim = JSON.parse(store.get('claim') ?? 'null') as Partial<Claim> | null;
      return typeof claim?.by === 'string' && typeof claim.until === 'number'
        ? (claim as Claim)
        : null;
    } catch {
      return null;
    }
  };
  const held = (claim: Claim | null): boolean => claim !== null && claim.until > now();
  const acquire = async (): Promise<void> => {
    for (;;) {
      while (held(read())) await sleep(CLAIM_LIMITS.pollMs);
      store.set('claim', JSON.stringify({ by: tab, until: now() + CLAIM_LIMITS.leaseMs }));
      await sleep(CLAIM_LIMITS.confirmMs);
      if (read()?.by === tab) return;
    }
  };
  return async (task) => {
    await acquire();
    try {
      return await task();
    } finally {
      if (read()?.by === tab) store.remove('claim');
    }
  };
}

/**
 * `cross` behind an in-page queue: two flights of one page never both hold a claim made in the
 * page's name.
 *
 * @example
 * ```ts
 * const lock = queued(webLock(navigator.locks, 'twitch-spa-login:my-client-id:refresh'));
 * ```
 */
export function queued(cross: RefreshLock): RefreshLock {
  const local = createLocalLock();
  return (task) => local(() => cross(task));
}
