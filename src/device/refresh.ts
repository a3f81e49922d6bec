// THE REFRESH INVARIANT: a refresh token is sent at most once, by any tab, ever. Twitch answers a
// spent refresh token by killing the user's whole connection to the app (twitchdev/issues#903):
// every token, on every device. Why it holds, in this module alone:
//
// 1. One gate. Every send of a refresh token (the refresh grant here; its revocation at logout, a
//    same-user upgrade or a discard, through `spend`) passes `spendUnderLock`, and nothing else in
//    the SDK sends one.
// 2. Mark, settle, send. Under the cross-tab lock the gate reads the spent ledger, refuses a token
//    marked spent, marks it, and waits `settleMs` BEFORE the send: the mark is visible to every tab
//    before the token leaves this one, even if this page dies right after (Chromium propagates
//    localStorage between processes asynchronously; the settle is the bound it assumes).
// 3. One ledger for the origin. The ledger is in localStorage, which every tab shares, also when the
//    session lives in sessionStorage (a duplicated tab copies sessionStorage, never the ledger).
// 4. One holder. The lock is Web Locks where the browser has them, else a claim in the same storage
//    with Fischer's timing (locks.ts), under the same propagation bound as (2).
// 5. No way back. A mark is never removed: whatever follows the send (200, refusal, lost answer,
//    a crash between send and store) that token is not sent again. A tab that cannot learn the
//    new tokens (a lost answer; a rotation stored in another tab's sessionStorage) ends its session
//    (`logout`, once) instead of keeping a dead one: every send is announced (`spent`) before it
//    leaves, so such a tab ends without waiting for a 401.
//
// Signals between tabs carry the lineage (one per device login) they are about, so two users'
// sessions in two tabs never disturb each other. No token travels in a signal.
import type { Timers } from '../internal/env.js';
import {
  type RefreshGrant,
  type Session,
  type StoredRecord,
  createSession,
} from '../session/session.js';
import type { RefreshLock } from './locks.js';
import type { SpentLedger } from './spent-ledger.js';
import { type TokenOutcome, type TokenSet, refreshTokens } from './token-endpoint.js';

/** Why a session must end on this device; `message` is Twitch's words, when it said any. */
export type EndCause =
  | { readonly why: 'spent_elsewhere' }
  | { readonly why: 'refused'; readonly status: number }
  | { readonly why: 'confidential_client'; readonly status: number; readonly message: string }
  | { readonly why: 'lost'; readonly status?: number; readonly cause?: unknown }
  | { readonly why: 'storage'; readonly cause: unknown };

/**
 * How a refresh (or a look at storage) ended.
 * - `refreshed`: `record` is the one to use now (rotated here, or by another tab sharing storage).
 * - `ended`: this session cannot go on here (see {@link EndCause}): end it, once.
 * - `signed_out`: storage holds no session any more (a logout here or in another tab).
 * - `replaced`: storage holds another login now; this grant is not ours to refresh.
 * - `unchanged`: nothing to do (a look at storage found this tab up to date).
 */
export type RefreshResult =
  | { readonly kind: 'refreshed'; readonly record: StoredRecord }
  | { readonly kind: 'ended'; readonly cause: EndCause }
  | { readonly kind: 'signed_out' }
  | { readonly kind: 'replaced' }
  | { readonly kind: 'unchanged' };

/** What tabs tell each other: a login's token was rotated, or spent for good (a logout). */
export type RefreshSignal =
  | { readonly type: 'rotated'; readonly lineage: string; readonly generation: number }
  | { readonly type: 'spent'; readonly lineage: string };

export const REFRESH_LIMITS = Object.freeze({
  /** Between marking a token spent and sending it; after a rotation, before the lock is freed. */
  settleMs: 250,
  /** How often a tab re-reads storage while it waits for a rotation it has heard of. */
  catchUpPollMs: 20,
  /** How long it waits for storage to show that rotation before deciding without it. */
  catchUpMaxMs: 2_000,
});

/** Everything the coordinator needs, injected. */
export interface RefreshDeps {
  readonly clientId: string;
  /** `endpoints.token`. */
  readonly tokenUrl: string;
  fetch(): typeof fetch;
  now(): number;
  readonly timers: Timers;
  /** Cross-tab, and queued within the page. */
  readonly lock: RefreshLock;
  readonly ledger: SpentLedger;
  /** This tab's record (the session state's). */
  current(): StoredRecord | null;
  /** The record storage holds now, read afresh. */
  stored(): StoredRecord | null;
  /** Stores a rotation in one write and makes it current. Throws `storage_unavailable`. */
  rotate(record: StoredRecord): void;
  /** Posts to the other tabs; a tab never hears its own posts. */
  announce(signal: RefreshSignal): void;
  /** Resolves once the browser does not say it is offline. */
  online(): Promise<void>;
  /** Tokens no session will use (the session ended or was replaced during the send). */
  discard(tokens: TokenSet): void;
}

export interface RefreshCoordinator {
  /** Refreshes after `failedAccessToken` was refused or ran out. One flight per page and token. */
  refresh(failedAccessToken: string): Promise<RefreshResult>;
  /**
   * Compares this tab's grant with storage and the ledger (at start, and when another tab spoke
   * of this lineage): adopts a rotation stored where this tab can read it, ends a spent session.
   */
  reconcile(heard?: RefreshSignal): Promise<RefreshResult>;
  /** Sends `grant`'s token once through `send` (its revocation), unless it is spent already. */
  spend(grant: RefreshGrant, send: (token: string) => Promise<unknown>): Promise<void>;
}

const freeze = <T extends object>(value: T): T => Object.freeze(value);
const refreshed = (record: StoredRecord): RefreshResult => freeze({ kind: 'refreshed', record });
const ended = (cause: EndCause): RefreshResult => freeze({ kind: 'ended', cause });

/** The record after a rotation: the same user and lineage, the new tokens, the next generation. */
function rotated(previous: StoredRecord, tokens: TokenSet, now: number): StoredRecord {
  const grant = previous.refresh as RefreshGrant;
  const session = createSession({
    ...previous.session,
    accessToken: tokens.accessToken,
    scopes: tokens.scopes,
    // Without `expires_in` the expiry is learned from /oauth2/validate, which follows at once.
    expiresAt: tokens.expiresIn === undefined ? undefined : now + tokens.expiresIn * 1000,
    // Validation vouched for the old token, not this one.
    validatedAt: undefined,
  } as unknown as Session);
  return freeze({
    session,
    refresh: freeze({
      token: tokens.refreshToken,
      lineage: grant.lineage,
      generation: grant.generation + 1,
    }),
  });
}

/** What a refusal or a lost answer means, once the token is spent whatever it was. */
function endCause(outcome: Exclude<TokenOutcome, { kind: 'tokens' }>): EndCause {
  switch (outcome.kind) {
    case 'missing_client_secret':
      return { why: 'confidential_client', status: outcome.status, message: outcome.message };
    case 'network_error':
      return { why: 'lost', cause: outcome.cause };
    default:
      // A dead refresh token (`invalid_refresh_token`, a 400 or 401), or any other 400 or 401.
      return 'status' in outcome && (outcome.status === 400 || outcome.status === 401)
        ? { why: 'refused', status: outcome.status }
        : { why: 'lost', ...('status' in outcome ? { status: outcome.status } : {}) };
  }
}

/**
 * Creates the refresh coordinator of one client in one page.
 *
 * @example
 * ```ts
 * const coordinator = createRefreshCoordinator(deps); // deps: the client's state, ledger, lock
 * const result = await coordinator.refresh(session.accessToken);
 * if (result.kind === 'ended') showMessage('Please sign in again');
 * ```
 */
export function createRefreshCoordinator(deps: RefreshDeps): RefreshCoordinator {
  /** The flight under way per failed access token: a 401 for another token (a login that came
   * meanwhile) is not answered with the outcome of a refresh of an older session. */
  const flights = new Map<string, Promise<RefreshResult>>();
  const SIGNED_OUT: RefreshResult = freeze({ kind: 'signed_out' });
  const REPLACED: RefreshResult = freeze({ kind: 'replaced' });
  const UNCHANGED: RefreshResult = freeze({ kind: 'unchanged' });
  /** The newest generation heard of, per lineage: storage may not show it yet. */
  const heard = new Map<string, number>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => void deps.timers.setTimeout(resolve, ms));

  /** Reads storage until it shows the newest rotation heard of for `lineage`, or time runs out. */
  const readCaughtUp = async (lineage: string): Promise<StoredRecord | null> => {
    const deadline = deps.now() + REFRESH_LIMITS.catchUpMaxMs;
    for (;;) {
      const record = deps.stored();
      const seen = record?.refresh?.lineage === lineage ? record.refresh.generation : -1;
      if (seen >= (heard.get(lineage) ?? -1) || deps.now() >= deadline) return record;
      await sleep(REFRESH_LIMITS.catchUpPollMs);
    }
  };

  /** The gate of the invariant (header, 1–2). Call with the lock held. */
  const spendUnderLock = async (grant: RefreshGrant): Promise<EndCause | null> => {
    if (deps.ledger.isSpent(grant)) return { why: 'spent_elsewhere' };
    try {
      deps.ledger.markSpent(grant);
    } catch (cause) {
      return { why: 'storage', cause };
    }
    await sleep(REFRESH_LIMITS.settleMs);
    return null;
  };

  /** What this tab should do with storage as it is now, for the grant it holds. */
  const compare = (mine: RefreshGrant, disk: StoredRecord | null): RefreshResult | null => {
    if (disk === null) return SIGNED_OUT;
    if (disk.refresh?.lineage !== mine.lineage) return REPLACED;
    if (disk.refresh.generation > mine.generation) return refreshed(disk);
    return null;
  };

  const run = async (failed: string): Promise<RefreshResult> => {
    const mine = deps.current()?.refresh;
    if (mine === undefined) return REPLACED;
    const disk = await readCaughtUp(mine.lineage);
    const settled = compare(mine, disk);
    if (settled !== null) return settled;
    const record = disk as StoredRecord & { refresh: RefreshGrant };
    // Storage shows this grant, but its token is not the one that failed: use what is stored.
    if (record.session.accessToken !== failed) return refreshed(record);
    const refused = await spendUnderLock(record.refresh);
    if (refused !== null) return ended(refused);
    // Before the send: a tab still holding this token (a duplicated sessionStorage) ends at once,
    // whatever follows (a lost answer, this page dying), instead of keeping a revoked access token.
    deps.announce({ type: 'spent', lineage: mine.lineage });
    const outcome = await refreshTokens(
      deps.fetch(),
      deps.tokenUrl,
      deps.clientId,
      record.refresh.token,
    );
    if (outcome.kind !== 'tokens') return ended(endCause(outcome));
    const next = rotated(record, outcome.tokens, deps.now());
    const now = deps.stored();
    if (now?.refresh?.lineage !== mine.lineage || now.refresh.generation !== mine.generation) {
      // Signed out or replaced while the request was out: the new tokens belong to no session.
      deps.ledger.markSpent(next.refresh as RefreshGrant);
      deps.discard(outcome.tokens);
      return now === null ? SIGNED_OUT : REPLACED;
    }
    try {
      deps.rotate(next);
    } catch (cause) {
      deps.discard(outcome.tokens);
      return ended({ why: 'storage', cause });
    }
    deps.announce({ type: 'rotated', lineage: mine.lineage, generation: mine.generation + 1 });
    // Still holding the lock: the write reaches the other tabs before one of them can take it.
    await sleep(REFRESH_LIMITS.settleMs);
    return refreshed(next);
  };

  return {
    refresh(failedAccessToken) {
      const flight = flights.get(failedAccessToken);
      if (flight !== undefined) return flight;
      const current: Promise<RefreshResult> = deps
        .online()
        .then(() => deps.lock(() => run(failedAccessToken)))
        .finally(() => flights.delete(failedAccessToken));
      flights.set(failedAccessToken, current);
      return current;
    },
    reconcile(signal) {
      if (signal?.type === 'rotated')
        heard.set(signal.lineage, Math.max(signal.generation, heard.get(signal.lineage) ?? -1));
      return deps.lock(async () => {
        const mine = deps.current()?.refresh;
        if (mine === undefined || (signal !== undefined && signal.lineage !== mine.lineage))
          return UNCHANGED;
        const settled = compare(mine, await readCaughtUp(mine.lineage));
        if (settled !== null) return settled;
        return deps.ledger.isSpent(mine) ? ended({ why: 'spent_elsewhere' }) : UNCHANGED;
      });
    },
    spend: (grant, send) =>
      deps.lock(async () => {
        if ((await spendUnderLock(grant)) !== null) return;
        deps.announce({ type: 'spent', lineage: grant.lineage });
        await send(grant.token);
      }),
  };
}
