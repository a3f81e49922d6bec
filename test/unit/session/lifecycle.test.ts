import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type LifecycleDeps,
  browserWakeSignals,
  createLifecycle,
} from '../../../src/session/lifecycle';
import { createSession } from '../../../src/session/session';

const HOUR = 3_600_000;
let now: number;

beforeEach(() => {
  vi.useFakeTimers();
  now = 1_700_000_000_000;
});
afterEach(() => vi.useRealTimers());

function setup(overrides: Partial<LifecycleDeps> = {}) {
  let wake: () => void = () => undefined;
  const calls = { validate: 0, expiring: [] as number[], expired: 0, unsubscribed: 0 };
  const deps: LifecycleDeps = {
    validateIntervalMs: HOUR,
    expiringNoticeSeconds: 300,
    now: () => now,
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    validate: async () => {
      calls.validate += 1;
    },
    onExpiring: (_at, secondsLeft) => calls.expiring.push(secondsLeft),
    onExpired: () => {
      calls.expired += 1;
    },
    onWake: (callback) => {
      wake = callback;
      return () => {
        calls.unsubscribed += 1;
      };
    },
    ...overrides,
  };
  return { lifecycle: createLifecycle(deps), calls, wake: () => wake() };
}

const session = (extra: { expiresAt?: number; validatedAt?: number } = {}) =>
  createSession({ accessToken: 't', tokenType: 'bearer', scopes: [], createdAt: now, ...extra });

async function advance(ms: number): Promise<void> {
  now += ms;
  await vi.advanceTimersByTimeAsync(ms);
}

/** A validation that runs until `finish()`, counting how many ran at once. */
function slowValidation() {
  const state = {
    running: 0,
    most: 0,
    finish: () => undefined as void,
    validate: (): Promise<void> => {
      state.running += 1;
      state.most = Math.max(state.most, state.running);
      return new Promise<void>((resolve) => {
        state.finish = () => {
          state.running -= 1;
          resolve();
        };
      });
    },
  };
  return state;
}

describe('lifecycle', () => {
  it('validates at start-up and then every interval', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session(), true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.validate).toBe(1);
    await advance(HOUR - 1);
    expect(calls.validate).toBe(1);
    await advance(1);
    expect(calls.validate).toBe(2);
    await advance(HOUR);
    expect(calls.validate).toBe(3);
  });

  it('without validateNow, waits an interval from the last validation', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ validatedAt: now - HOUR / 2 }), false);
    await advance(HOUR / 2 - 1);
    expect(calls.validate).toBe(0);
    await advance(1);
    expect(calls.validate).toBe(1);
  });

  it('runs no timer when stopped and stop() clears them all', async () => {
    const { lifecycle, calls } = setup();
    expect(vi.getTimerCount()).toBe(0);
    lifecycle.start(session({ expiresAt: now + 2 * HOUR }), true);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    lifecycle.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(calls.unsubscribed).toBe(1);
    await advance(3 * HOUR);
    expect(calls.validate).toBe(1);
    expect(calls.expired).toBe(0);
  });

  it('catches up on an overdue validation when the page wakes (throttled timers)', async () => {
    const { lifecycle, calls, wake } = setup();
    lifecycle.start(session(), true);
    await vi.advanceTimersByTimeAsync(0);
    now += 2 * HOUR; // the tab slept: the clock moved, the timers did not fire
    wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.validate).toBe(2);
  });

  it('retries a failed validation on the next interval', async () => {
    let attempts = 0;
    const { lifecycle } = setup({
      validate: async () => {
        attempts += 1;
        throw new Error('offline');
      },
    });
    lifecycle.start(session(), true);
    await vi.advanceTimersByTimeAsync(0);
    await advance(HOUR);
    expect(attempts).toBe(2);
  });

  it('never runs two validations at once', async () => {
    const slow = slowValidation();
    const { lifecycle, wake } = setup({ validate: slow.validate });
    lifecycle.start(session(), true);
    now += 2 * HOUR;
    wake();
    wake();
    slow.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(slow.most).toBe(1);
  });

  it('warns once, expiringNoticeSeconds before expiry, then ends the session at expiry', async () => {
    const { lifecycle, calls } = setup({ validateIntervalMs: 10 * HOUR });
    lifecycle.start(session({ expiresAt: now + 600_000, validatedAt: now }), false);
    await advance(299_999);
    expect(calls.expiring).toEqual([]);
    await advance(1);
    expect(calls.expiring).toEqual([300]);
    await advance(299_999);
    expect(calls.expired).toBe(0);
    await advance(1);
    expect(calls.expiring).toEqual([300]);
    expect(calls.expired).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('warns at once when less than the notice is left', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ expiresAt: now + 10_000, validatedAt: now }), false);
    expect(calls.expiring).toEqual([10]);
  });

  it('ends a session whose expiry passed while the page slept, on wake', async () => {
    const { lifecycle, calls, wake } = setup();
    lifecycle.start(session({ expiresAt: now + 600_000, validatedAt: now }), false);
    now += 700_000;
    wake();
    expect(calls.expired).toBe(1);
  });

  it('waits for a 60-day expiry in steps that never overflow setTimeout', async () => {
    const delays: number[] = [];
    const { lifecycle } = setup({
      validateIntervalMs: 100 * 24 * HOUR,
      timers: {
        setTimeout: (fn, ms) => (delays.push(ms), setTimeout(fn, ms)),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      },
    });
    lifecycle.start(session({ expiresAt: now + 60 * 24 * HOUR, validatedAt: now }), false);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('update() with a learned expiry reschedules without validating', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ validatedAt: now }), false);
    lifecycle.update(session({ validatedAt: now, expiresAt: now + 1000 }));
    expect(calls.validate).toBe(0);
    expect(calls.expiring).toEqual([1]);
    await advance(1000);
    expect(calls.expired).toBe(1);
  });

  it('validates a new token on the next tick, never inside start()', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session(), true);
    expect(calls.validate).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.validate).toBe(1);
  });

  it('restarting with the same token keeps the validation already due', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ validatedAt: now }), false);
    await advance(HOUR / 2);
    lifecycle.start(session({ validatedAt: now - HOUR / 2 }), false);
    await advance(HOUR / 2);
    expect(calls.validate).toBe(1);
  });

  it('a new token is due an interval after its own validation', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ validatedAt: now }), false);
    await advance(HOUR / 2);
    lifecycle.start(
      createSession({ accessToken: 'new', tokenType: 'bearer', scopes: [], createdAt: now }),
      false,
    );
    await advance(HOUR / 2);
    expect(calls.validate).toBe(0);
    await advance(HOUR / 2);
    expect(calls.validate).toBe(1);
  });

  it('the next validation is due an interval after the last one finished', async () => {
    let finish: () => void = () => undefined;
    let count = 0;
    const { lifecycle } = setup({
      validate: () => {
        count += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    lifecycle.start(session(), true);
    await vi.advanceTimersByTimeAsync(0);
    await advance(10 * 60_000); // Twitch is slow to answer
    finish();
    await vi.advanceTimersByTimeAsync(0);
    await advance(HOUR - 1);
    expect(count).toBe(1);
    await advance(1);
    expect(count).toBe(2);
  });

  it('subscribes to wake signals once, however often it restarts', () => {
    let subscriptions = 0;
    const { lifecycle } = setup({
      onWake: () => {
        subscriptions += 1;
        return () => undefined;
      },
    });
    lifecycle.start(session(), false);
    lifecycle.start(session(), true);
    lifecycle.update(session({ validatedAt: now }));
    expect(subscriptions).toBe(1);
    lifecycle.stop();
    lifecycle.start(session(), false);
    expect(subscriptions).toBe(2);
  });

  it('warns again for a new token, not again for the same one', () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ expiresAt: now + 10_500, validatedAt: now }), false);
    expect(calls.expiring).toEqual([10]);
    lifecycle.start(session({ expiresAt: now + 10_500, validatedAt: now }), false);
    lifecycle.update(session({ expiresAt: now + 9_000, validatedAt: now }));
    expect(calls.expiring).toEqual([10]);
    const next = createSession({
      accessToken: 'next',
      tokenType: 'bearer',
      scopes: [],
      createdAt: now,
      expiresAt: now + 20_000,
    });
    lifecycle.update(next);
    expect(calls.expiring).toEqual([10, 20]);
    lifecycle.start({ ...next, accessToken: 'third' }, false);
    expect(calls.expiring).toEqual([10, 20, 20]);
  });

  it('stops when an expiring listener ends the session: no validation, no timer', async () => {
    const made = setup({ onExpiring: () => made.lifecycle.stop() });
    made.lifecycle.start(session({ expiresAt: now + 10_000, validatedAt: now - 2 * HOUR }), false);
    await vi.advanceTimersByTimeAsync(0);
    expect(made.calls.validate).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('update() after stop() starts nothing', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session(), false);
    lifecycle.stop();
    lifecycle.update(session({ expiresAt: now + 1_000 }));
    expect(vi.getTimerCount()).toBe(0);
    await advance(HOUR);
    expect(calls).toMatchObject({ validate: 0, expired: 0, expiring: [] });
  });

  it('reports 0 seconds left, never a negative number, when the notice comes late', () => {
    const { lifecycle, calls } = setup({ expiringNoticeSeconds: 300 });
    lifecycle.start(session({ expiresAt: now + 400, validatedAt: now }), false);
    expect(calls.expiring).toEqual([0]);
  });
});

describe('lifecycle, while a validation is in flight', () => {
  it('a restart with the same token and a newer validatedAt keeps the due time it had', async () => {
    const { lifecycle, calls } = setup();
    lifecycle.start(session({ validatedAt: now }), false);
    await advance(HOUR / 2);
    lifecycle.start(session({ validatedAt: now }), false);
    await advance(HOUR / 2);
    expect(calls.validate).toBe(1);
  });

  it('a restart with the same token while it is validated: the next is due an interval after', async () => {
    const slow = slowValidation();
    let count = 0;
    const { lifecycle } = setup({
      validate: () => {
        count += 1;
        return slow.validate();
      },
    });
    const stale = session({ validatedAt: now - 2 * HOUR }); // a stored session, long overdue
    lifecycle.start(stale, false);
    expect(slow.running).toBe(1);
    lifecycle.start(stale, false); // e.g. another tab's copy of the same session
    slow.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(count).toBe(1); // not a second validation at once
    await advance(HOUR - 1);
    expect(count).toBe(1);
    await advance(1);
    expect(count).toBe(2);
  });

  it('never starts a second validation for a new token while one runs, and runs no timer', async () => {
    const slow = slowValidation();
    const { lifecycle, wake } = setup({ validate: slow.validate });
    lifecycle.start(session(), true);
    await vi.advanceTimersByTimeAsync(0);
    expect(slow.running).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    lifecycle.start(
      createSession({ accessToken: 'next', tokenType: 'bearer', scopes: [], createdAt: now }),
      true,
    );
    await vi.advanceTimersByTimeAsync(0);
    wake();
    expect(slow.most).toBe(1);
    slow.finish();
    await vi.advanceTimersByTimeAsync(0);
  });
});

describe('wake signals of a page', () => {
  it('wake on visible, focus and online, not on hidden, until unsubscribed', () => {
    vi.useRealTimers();
    let wakes = 0;
    const unsubscribe = browserWakeSignals(() => (wakes += 1));
    const visibility = (state: string): void => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    visibility('hidden');
    expect(wakes).toBe(0);
    visibility('visible');
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    expect(wakes).toBe(3);
    unsubscribe();
    visibility('visible');
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    expect(wakes).toBe(3);
    // happy-dom has no way to hide a page: the own property above stood in; back to its getter.
    delete (document as unknown as { visibilityState?: unknown }).visibilityState;
  });
});
