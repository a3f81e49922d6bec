// Refreshing a session that carries a refresh token: one token request however many callers (in
// this page and, with Web Locks, in every tab), rotation stored in one write, and no refresh token
// used twice even when localStorage lags between tabs (Chromium propagates it asynchronously).
import type { Session } from './session.js';
import { createSession } from './session.js';
import { type TokenSet, refreshTokens } from './token-endpoint.js';

/**
 * What is stored, as ONE record under the session's key: the session, its refresh token, and a
 * generation that grows by one with every rotation. The generation is how a tab recognises that
 * its view of storage is older than a rotation it has heard of.
 */
export interface RefreshRecord {
  readonly session: Session;
  readonly refreshToken: string;
  readonly generation: number;
}

/**
 * How a refresh ended.
 * - `refreshed`: `session` is the one to use now (new, or adopted from another tab).
 * - `gone`: Twitch refused the refresh token (rotated elsewhere and lost, revoked, 30 days
 *   unused): end the session once, with logout reason `refresh_failed`.
 * - `network`: no usable answer; keep the session, a later 401 tries again.
 * - `signed_out`: the session was ended (here or in another tab) meanwhile; do not resurrect it.
 */
export type RefreshResult =
  | { readonly status: 'refreshed'; readonly session: Session }
  | { readonly status: 'gone' }
  | { readonly status: 'network' }
  | { readonly status: 'signed_out' };

/** What tabs tell each other about refreshes. No token travels; storage holds it. */
export type RefreshSignal =
  { readonly type: 'rotated'; readonly generation: number } | { readonly type: 'signed_out' };

/** Runs `task` while holding the cross-tab refresh lock. */
export type RefreshLock = <T>(task: () => Promise<T>) => Promise<T>;

export const REFRESH_LIMITS = Object.freeze({
  /** How often a tab re-reads storage while it waits for a rotation it has heard of. */
  catchUpPollMs: 20,
  /** How long it waits before giving up (`network`: the dead refresh token stays unused). */
  catchUpMaxMs: 2_000,
  /** Before a `gone` ends the session, storage is read once more after this delay. */
  goneRecheckMs: 250,
  /**
   * After a rotation the lock is held this much longer, so the write and its announcement reach
   * the other tabs before one of them can take the lock: in Chromium another tab's view of
   * localStorage lags a write, and a tab reading the old record would spend a dead refresh token.
   */
  settleMs: 250,
});

/** Everything the coordinator needs, injected. */
export interface RefreshDeps {
  readonly clientId: string;
  /** `endpoints.token`. */
  readonly tokenUrl: string;
  fetch(): typeof fetch;
  now(): number;
  readonly timers: {
    setTimeout(run: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
  /** {@link webLock} where the browser has Web Locks, else {@link createLocalLock}. */
  readonly lock: RefreshLock;
  /** The stored record as this tab sees it now (fresh read, no cache), or null when none. */
  read(): RefreshRecord | null;
  /** Replaces the record in ONE storage write. May throw `storage_unavailable`. */
  write(record: RefreshRecord): void;
  /** Posts to the other tabs (BroadcastChannel); a tab never hears its own posts. */
  announce(signal: RefreshSignal): void;
  /** Tokens no session will use (a sign-out won the race): revoke them, best effort. */
  discard?(tokens: TokenSet): void;
}

export interface RefreshCoordinator {
  /**
   * Refreshes after `failedAccessToken` was refused (401, or validation said invalid). Concurrent
   * calls share one flight. Never rejects.
   */
  refresh(failedAccessToken: string): Promise<RefreshResult>;
  /** Feed it what other tabs announce, and this tab's own sign-outs. */
  heard(signal: RefreshSignal): void;
}

/**
 * The lock of Web Locks (`navigator.locks`): exclusive across every tab and worker of the origin.
 *
 * @example
 * ```ts
 * const lock = navigator.locks ? webLock(navigator.locks, 'twitch-spa-login:refresh:' + clientId) : createLocalLock();
 * ```
 */
export function webLock(locks: LockManager, name: string): RefreshLock {
  return (task) => locks.request(name, task) as Promise<Awaited<ReturnType<typeof task>>>;
}

/**
 * An in-page lock, the fallback without Web Locks: tabs may then refresh at the same time, and the
 * loser's `gone` is caught by the re-read before the session is ended.
 *
 * @example
 * ```ts
 * const lock = createLocalLock();
 * await lock(async () => 'one at a time');
 * ```
 */
export function createLocalLock(): RefreshLock {
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

/** The session after a rotation: the same user and lineage, the new token and its lifetime. */
function rotatedSession(previous: Session, tokens: TokenSet, now: number): Session {
  return createSession({
    ...previous,
    accessToken: tokens.accessToken,
    scopes: tokens.scopes,
    expiresAt: now + tokens.expiresIn * 1000,
    // Validation vouched for the old token, not this one.
    validatedAt: undefined,
  } as unknown as Session);
}

/**
 * Creates the refresh coordinator of one client in one page.
 *
 * @example
 * ```ts
 * const deps = undefined as unknown as RefreshDeps; // yours
 * const coordinator = createRefreshCoordinator(deps);
 * const result = await coordinator.refresh(accessToken);
 * if (result.status === 'gone') showMessage('Please sign in again');
 * ```
 */
export function createRefreshCoordinator(deps: RefreshDeps): RefreshCoordinator {
  let flight: Promise<RefreshResult> | undefined;
  /** The newest generation this tab has heard of or seen. */
  let newest = -1;
  /** Bumped by every sign-out: a flight that started before one must not write. */
  let signOuts = 0;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => void deps.timers.setTimeout(resolve, ms));

  /** Reads storage until it shows the newest generation heard of, or the wait runs out. */
  const readCaughtUp = async (): Promise<RefreshRecord | null> => {
    const deadline = deps.now() + REFRESH_LIMITS.catchUpMaxMs;
    for (;;) {
      const record = deps.read();
      if (record === null || record.generation >= newest || deps.now() >= deadline) return record;
      await sleep(REFRESH_LIMITS.catchUpPollMs);
    }
  };

  const refreshed = (record: RefreshRecord): RefreshResult => {
    newest = Math.max(newest, record.generation);
    return Object.freeze({ status: 'refreshed', session: record.session });
  };
  const SIGNED_OUT: RefreshResult = Object.freeze({ status: 'signed_out' });
  const GONE: RefreshResult = Object.freeze({ status: 'gone' });
  const NETWORK: RefreshResult = Object.freeze({ status: 'network' });

  const run = async (failed: string): Promise<RefreshResult> => {
    const epoch = signOuts;
    const record = await readCaughtUp();
    if (signOuts !== epoch || record === null) return SIGNED_OUT;
    // Storage still shows a record older than a rotation we heard of: its refresh token is dead.
    if (record.generation < newest) return NETWORK;
    // Another tab (or an earlier flight) already rotated: adopt its session, spend nothing.
    if (record.session.accessToken !== failed) return refreshed(record);

    const outcome = await refreshTokens(
      deps.fetch(),
      deps.tokenUrl,
      deps.clientId,
      record.refreshToken,
    );
    if (outcome.kind === 'tokens') {
      if (signOuts !== epoch || deps.read() === null) {
        deps.discard?.(outcome.tokens);
        return SIGNED_OUT;
      }
      const next: RefreshRecord = Object.freeze({
        session: rotatedSession(record.session, outcome.tokens, deps.now()),
        refreshToken: outcome.tokens.refreshToken,
        generation: record.generation + 1,
      });
      deps.write(next);
      // Announced while still holding the lock, so the next tab in line knows to wait for it.
      deps.announce({ type: 'rotated', generation: next.generation });
      await sleep(REFRESH_LIMITS.settleMs);
      return refreshed(next);
    }
    const refused =
      outcome.kind === 'invalid_refresh_token' ||
      (outcome.kind === 'http_error' && (outcome.status === 400 || outcome.status === 401));
    if (!refused) return NETWORK;
    // Maybe another tab rotated while we asked (no Web Locks, or storage lag we could not see):
    // look once more before ending a session that is alive elsewhere.
    await sleep(REFRESH_LIMITS.goneRecheckMs);
    if (signOuts !== epoch) return SIGNED_OUT;
    const again = deps.read();
    if (again === null) return SIGNED_OUT;
    if (again.generation > record.generation || again.refreshToken !== record.refreshToken) {
      return refreshed(again);
    }
    return GONE;
  };

  return {
    refresh(failedAccessToken) {
      if (flight !== undefined) return flight;
      const current: Promise<RefreshResult> = deps
        .lock(() => run(failedAccessToken))
        .catch(() => NETWORK)
        .finally(() => {
          if (flight === current) flight = undefined;
        });
      flight = current;
      return current;
    },
    heard(signal) {
      if (signal.type === 'signed_out') {
        signOuts += 1;
        // The next session's records count from its own generation.
        newest = -1;
      } else newest = Math.max(newest, signal.generation);
    },
  };
}
