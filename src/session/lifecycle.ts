import type { Timers } from '../internal/env.js';
import type { Session } from './session.js';

export interface LifecycleDeps {
  readonly validateIntervalMs: number;
  readonly expiringNoticeSeconds: number;
  readonly now: () => number;
  readonly timers: Timers;
  /** Validates the current session (the client applies the result or ends the session). */
  readonly validate: () => Promise<void>;
  readonly onExpiring: (expiresAt: number, secondsLeft: number) => void;
  readonly onExpired: () => void;
  /** Subscribes to "the page may have been asleep" signals; returns an unsubscribe function. */
  readonly onWake: (callback: () => void) => () => void;
}

/** Keeps one session honest: periodic validation, the expiring notice, and the end at expiry. */
export interface Lifecycle {
  /** Starts (or restarts) the timers for a session; `validateNow` validates on the next tick. */
  start(session: Session, validateNow: boolean): void;
  /** The session changed (validated, expiry learned): reschedule without validating. */
  update(session: Session): void;
  /** Stops every timer; no timer runs while signed out. */
  stop(): void;
}

// setTimeout overflows above 2^31-1 ms (about 24.8 days); a longer wait is done in steps.
const MAX_DELAY = 2_147_483_647;

/**
 * The lifecycle keeps absolute due times and plain timeouts. Browsers throttle or freeze timers in
 * hidden pages, so every wake signal (visibilitychange, focus, online) re-checks what is overdue.
 */
export function createLifecycle(deps: LifecycleDeps): Lifecycle {
  let session: Session | null = null;
  let validateDue = Infinity;
  let validating = false;
  let notified = false; // the expiring notice, once per session
  let timer: unknown;
  let unsubscribeWake: (() => void) | undefined;

  const clear = (): void => {
    if (timer !== undefined) deps.timers.clearTimeout(timer);
    timer = undefined;
  };

  const noticeAt = (expiresAt: number): number => expiresAt - deps.expiringNoticeSeconds * 1000;

  const runValidation = (): void => {
    if (validating) return;
    validating = true;
    validateDue = Infinity;
    void deps
      .validate()
      .catch(() => undefined) // the client reports failures; a failure retries on the next tick
      .finally(() => {
        validating = false;
        // A session started meanwhile (a refreshed token) may have its own due time already.
        if (session !== null) {
          if (validateDue === Infinity) validateDue = deps.now() + deps.validateIntervalMs;
          schedule();
        }
      });
  };

  const check = (): void => {
    if (session === null) return;
    const now = deps.now();
    const { expiresAt } = session;
    if (expiresAt !== undefined && now >= expiresAt) {
      stop();
      deps.onExpired();
      return;
    }
    if (expiresAt !== undefined && !notified && now >= noticeAt(expiresAt)) {
      notified = true;
      // now < expiresAt here (the expiry was handled above), so this is never negative.
      deps.onExpiring(expiresAt, Math.floor((expiresAt - now) / 1000));
    }
    if (now >= validateDue) runValidation();
    schedule();
  };

  const schedule = (): void => {
    clear();
    if (session === null) return;
    const { expiresAt } = session;
    let next = validating ? Infinity : validateDue;
    if (expiresAt !== undefined) next = Math.min(next, notified ? expiresAt : noticeAt(expiresAt));
    if (next === Infinity) return;
    const delay = Math.min(MAX_DELAY, Math.max(0, next - deps.now()));
    timer = deps.timers.setTimeout(() => {
      timer = undefined;
      check();
    }, delay);
  };

  const stop = (): void => {
    clear();
    session = null;
    validateDue = Infinity;
    unsubscribeWake?.();
    unsubscribeWake = undefined;
  };

  return {
    start(next, validateNow) {
      const sameToken = session?.accessToken === next.accessToken;
      if (!sameToken) notified = false;
      session = next;
      unsubscribeWake ??= deps.onWake(check);
      if (validateNow) {
        // Due now, but run from a zero-delay timer: finishing a login never waits on it.
        validateDue = deps.now();
        schedule();
        return;
      }
      // The same token keeps its due time; one being validated gets it when the validation ends.
      if (!sameToken) validateDue = (next.validatedAt ?? next.createdAt) + deps.validateIntervalMs;
      check();
    },
    update(next) {
      if (session === null) return;
      if (session.accessToken !== next.accessToken) notified = false;
      session = next;
      check();
    },
    stop,
  };
}

/**
 * Wake signals of a browser page: the tab became visible, the window got focus, or the network
 * came back. Nothing is touched until called (SSR safety).
 */
export function browserWakeSignals(callback: () => void): () => void {
  // No document, no page (a server, a worker, Deno's `window` without one); a document has a window.
  if (typeof document === 'undefined') return () => undefined;
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') callback();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('focus', callback);
  window.addEventListener('online', callback);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('focus', callback);
    window.removeEventListener('online', callback);
  };
}
