// The refresh code's cross-tab lock: Web Locks by name, an in-page queue, and the storage claim
// (Fischer's timing) where there are no Web Locks.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStorageLock, queued, webLock } from '../../../src/device/locks.js';
import { CLAIM_LIMITS } from '../../../src/device/locks.js';
import { REFRESH_LIMITS } from '../../../src/device/refresh.js';
import { createMemoryStorage } from '../../../src/index.js';
import { defaultTimers } from '../../../src/internal/env.js';
import { createKeyValueStore } from '../../../src/session/storage.js';
import type { StorageLike } from '../../../src/session/storage.js';

const claimer = (storage: StorageLike, tab: string) =>
  createStorageLock(createKeyValueStore(storage, 'p:'), tab, defaultTimers, () => Date.now());

/**
 * localStorage as tabs in separate processes see it: a tab sees its own writes at once and the
 * others' `lagMs` later; every write is ordered (time, then tab), and every view converges on the
 * last one, as Chromium's single backing store does.
 */
function laggyStorage(lagMs: number): (tab: string) => StorageLike {
  const writes: { key: string; value: string | null; at: number; tab: string }[] = [];
  const later = (a: (typeof writes)[number], b: (typeof writes)[number]): boolean =>
    a.at > b.at || (a.at === b.at && a.tab > b.tab);
  return (tab) => {
    const read = (key: string): string | null => {
      let last: (typeof writes)[number] | undefined;
      for (const w of writes) {
        const visible = w.tab === tab || w.at + lagMs <= Date.now();
        if (w.key === key && visible && (last === undefined || later(w, last))) last = w;
      }
      return last?.value ?? null;
    };
    const write = (key: string, value: string | null): void =>
      void writes.push({ key, value, at: Date.now(), tab });
    return {
      getItem: read,
      setItem: write,
      removeItem: (key) => write(key, null),
    };
  };
}

describe('webLock', () => {
  it('requests the named lock and resolves what the task resolves', async () => {
    const names: string[] = [];
    const locks = {
      request: (name: string, task: () => Promise<unknown>) => {
        names.push(name);
        return task();
      },
    } as unknown as LockManager;
    await expect(webLock(locks, 'the-name')(() => Promise.resolve(7))).resolves.toBe(7);
    expect(names).toEqual(['the-name']);
  });
});

describe('queued', () => {
  it('runs tasks one at a time, in order, also after one fails', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const lock = queued((task) => task());
    const task =
      (n: number, fail = false) =>
      async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(n);
        running -= 1;
        if (fail) throw new Error(`task ${n}`);
        return n;
      };
    const results = await Promise.allSettled([lock(task(1)), lock(task(2, true)), lock(task(3))]);
    expect(most).toBe(1);
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('the storage claim (no Web Locks)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs `claimers` over one storage, each starting after its delay; the most ever inside. */
  async function contend(
    delays: readonly number[],
    lagMs = 0,
  ): Promise<{ most: number; ran: number }> {
    const views = laggyStorage(lagMs);
    let inside = 0;
    let most = 0;
    let ran = 0;
    const runs = delays.map(async (delay, i) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      await claimer(
        views(`tab-${i}`),
        `tab-${i}`,
      )(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // a refresh takes a while
        inside -= 1;
        ran += 1;
      });
    });
    await vi.advanceTimersByTimeAsync(10 * CLAIM_LIMITS.leaseMs);
    await Promise.all(runs);
    expect(views('anyone').getItem('p:claim')).toBeNull();
    return { most, ran };
  }

  it('never lets two claimers that start together both run the task', async () => {
    expect(await contend([0, 0])).toEqual({ most: 1, ran: 2 });
  });

  // The propagation bound every part of the refresh code assumes: the settle period.
  const LAG = REFRESH_LIMITS.settleMs;

  it('never lets two claimers run together when writes reach other tabs late', async () => {
    // Both see no claim, both write theirs; only the confirmation keeps one of them out.
    expect(await contend([0, 0], LAG)).toEqual({ most: 1, ran: 2 });
    // The second reads "free" just before the first's claim reaches it: its own claim reaches
    // the first tab up to twice the bound after the first wrote.
    expect(await contend([LAG - 1, 0], LAG)).toEqual({ most: 1, ran: 2 });
    expect(await contend([0, 40, 90], LAG)).toEqual({ most: 1, ran: 3 });
  });

  it('never lets claimers with any start times overlap (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 800 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 0, max: LAG }),
        async (delays, lagMs) => {
          expect(await contend(delays, lagMs)).toEqual({ most: 1, ran: delays.length });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('waits for a live claim, and takes a dead one once its lease has run out', async () => {
    const storage = createMemoryStorage();
    storage.setItem(
      'p:claim',
      JSON.stringify({ by: 'dead-tab', until: Date.now() + CLAIM_LIMITS.leaseMs }),
    );
    let ran = false;
    const run = claimer(
      storage,
      'me',
    )(async () => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.leaseMs - 1_000);
    expect(ran).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    await run;
    expect(ran).toBe(true);
  });

  it('takes a claim as dead from the moment its lease ends', async () => {
    const storage = createMemoryStorage();
    const until = Date.now() + 4 * CLAIM_LIMITS.pollMs;
    storage.setItem('p:claim', JSON.stringify({ by: 'dead-tab', until }));
    const run = claimer(storage, 'me')(async () => undefined);
    await vi.advanceTimersByTimeAsync(until - Date.now() - 1);
    expect(JSON.parse(storage.getItem('p:claim') ?? 'null')).toMatchObject({ by: 'dead-tab' });
    await vi.advanceTimersByTimeAsync(1);
    expect(JSON.parse(storage.getItem('p:claim') ?? 'null')).toMatchObject({ by: 'me' });
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs);
    await run;
  });

  it.each([
    ['not JSON', () => '{"by":'],
    ['without a holder', () => JSON.stringify({ until: Date.now() + CLAIM_LIMITS.leaseMs })],
    [
      'whose lease end is not a number',
      () => JSON.stringify({ by: 'other', until: String(Date.now() + CLAIM_LIMITS.leaseMs) }),
    ],
  ])('reads a malformed claim (%s) as none: it does not wait for it', async (_name, claim) => {
    const storage = createMemoryStorage();
    storage.setItem('p:claim', claim());
    let ran = false;
    const run = claimer(storage, 'me')(async () => void (ran = true));
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs);
    expect(ran).toBe(true);
    await run;
    expect(storage.getItem('p:claim')).toBeNull();
  });

  it('claims again when its claim vanished while it confirmed (storage cleared)', async () => {
    const storage = createMemoryStorage();
    let ranAt = -1;
    const started = Date.now();
    const run = claimer(storage, 'me')(async () => void (ranAt = Date.now()));
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs / 2);
    storage.removeItem('p:claim');
    await vi.advanceTimersByTimeAsync(2 * CLAIM_LIMITS.confirmMs);
    await run;
    expect(ranAt - started).toBe(2 * CLAIM_LIMITS.confirmMs);
  });

  it("resolves the task's value when its claim vanished during the task", async () => {
    const storage = createMemoryStorage();
    const run = claimer(
      storage,
      'me',
    )(async () => {
      storage.removeItem('p:claim');
      return 7;
    });
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs);
    await expect(run).resolves.toBe(7);
  });

  it('removes its claim after the task, also when the task fails', async () => {
    const storage = createMemoryStorage();
    const lock = claimer(storage, 'me');
    let seen: string | null = null;
    const ok = lock(async () => {
      seen = storage.getItem('p:claim');
    });
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs + 10);
    await ok;
    expect(JSON.parse(seen ?? 'null')).toMatchObject({ by: 'me' });
    expect(storage.getItem('p:claim')).toBeNull();
    const failing = lock(() => Promise.reject(new Error('boom')));
    const settled = expect(failing).rejects.toThrow('boom');
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs + 10);
    await settled;
    expect(storage.getItem('p:claim')).toBeNull();
  });

  it("does not remove another tab's claim", async () => {
    const storage = createMemoryStorage();
    const run = claimer(
      storage,
      'me',
    )(async () => {
      // A tab that (wrongly) took over, e.g. after the lease ran out.
      storage.setItem('p:claim', JSON.stringify({ by: 'other', until: Date.now() + 1_000 }));
    });
    await vi.advanceTimersByTimeAsync(CLAIM_LIMITS.confirmMs + 10);
    await run;
    expect(JSON.parse(storage.getItem('p:claim') ?? 'null')).toMatchObject({ by: 'other' });
  });
});
