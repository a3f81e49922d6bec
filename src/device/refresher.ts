// What a refresh means for a client's session: a 401, a refused validation, the expiry, another
// tab's signal, a logout. The core loads this module on demand (a dynamic import) the first time
// its stored session carries a refresh token, so a page that restores a device session refreshes
// it whatever it imports, and a page that never sees one never downloads it. The invariant that a
// refresh token is sent at most once lives in refresh.ts; this module only applies its outcomes.
import type { Timers } from '../internal/env.js';
import type { TwitchAuthError } from '../internal/errors.js';
import type { Lifecycle } from '../session/lifecycle.js';
import type { RefreshGrant, Session } from '../session/session.js';
import type { SessionState } from '../session/state.js';
import { type ValidateResult, revokeToken } from '../api/oauth-calls.js';
import { createStorageLock, queued, webLock } from './locks.js';
import { type RefreshResult, type RefreshSignal, createRefreshCoordinator } from './refresh.js';
import { endError } from './refresh-errors.js';
import { type RefreshPage, pageOf } from './refresh-page.js';
import { createSpentLedger } from './spent-ledger.js';

/** What the client hands the refresh code. */
export interface RefreshHost {
  readonly clientId: string;
  readonly endpoints: { readonly token: string; readonly revoke: string };
  /** The client's storage key prefix (`twitch-spa-login:<clientId>:`). */
  readonly prefix: string;
  readonly state: SessionState;
  readonly lifecycle: Lifecycle;
  fetch(): typeof fetch;
  now(): number;
  readonly timers: Timers;
  /** Emits a background failure as an `error` event. */
  report(error: unknown, fallbackMessage: string): void;
  /** `auth.validate()`. */
  validate(): Promise<ValidateResult>;
  /** Test seams: what is given here replaces the page's own. */
  readonly page?: Partial<RefreshPage>;
}

/** The refresh side of a client whose session carries a refresh token. */
export interface Refresher {
  /** Hears other tabs from now on, and ends a session whose token another tab spent. */
  start(): void;
  /**
   * `auth.fetch` got a 401 for `failed`: refresh (one flight for every caller) and resolve the
   * response of the request sent again with the new token, or undefined to return the 401.
   */
  unauthorized(
    failed: string,
    resend: (accessToken: string) => Promise<Response>,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Promise<Response | undefined>;
  /** Validation said 401: refresh once and resolve the new token's validation. */
  invalidToken(session: Session, error: TwitchAuthError): Promise<ValidateResult>;
  /** The expiring notice is due: refresh ahead of the expiry instead. */
  expiring(): void;
  /** The token ran out: refresh instead of ending the session. */
  expired(): void;
  /** Refresh now: the refreshed session, or null when the refresh ended it. */
  refresh(): Promise<Session | null>;
  /** A grant no session will use (logout, a login that replaced it): spend it on a revocation. */
  retire(grant: RefreshGrant): Promise<void>;
  /** `auth.destroy()`: stop every timer and close the channel; `start` opens them anew. */
  destroy(): void;
}

function isSignal(value: unknown): value is RefreshSignal {
  const v = value as { type?: unknown; lineage?: unknown; generation?: unknown } | null;
  return (
    typeof v?.lineage === 'string' &&
    (v.type === 'spent' || (v.type === 'rotated' && typeof v.generation === 'number'))
  );
}

/** A body fetch can send again: none, or one that is not a one-shot stream. */
function replayable(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  const body = init?.body;
  if (body !== undefined && body !== null) {
    return !(typeof ReadableStream === 'function' && body instanceof ReadableStream);
  }
  return !(typeof Request === 'function' && input instanceof Request && input.body !== null);
}

/**
 * Creates the refresh side of one client.
 *
 * @example
 * ```ts
 * const refresher = createRefresher(host); // the client builds the host
 * refresher.start();
 * const session = await refresher.refresh();
 * ```
 */
export function createRefresher(host: RefreshHost): Refresher {
  const { state } = host;
  const page = pageOf(host.prefix, host.page);
  const revoke = (token: string): Promise<void> =>
    revokeToken(host.fetch(), host.endpoints.revoke, host.clientId, token);
  const name = `twitch-spa-login:${host.clientId}:refresh`;
  let channel: BroadcastChannel | undefined;
  let anticipation: unknown;
  const validatedAfterRefresh = new WeakSet<Session>();

  const coordinator = createRefreshCoordinator({
    clientId: host.clientId,
    tokenUrl: host.endpoints.token,
    fetch: () => host.fetch(),
    now: () => host.now(),
    timers: host.timers,
    lock: queued(
      page.locks === null
        ? createStorageLock(page.shared, page.tab, host.timers, () => host.now())
        : webLock(page.locks, name),
    ),
    ledger: createSpentLedger(page.shared, () => host.now()),
    current: () => state.record(),
    stored: () => state.stored(),
    rotate: (record) => state.rotate(record),
    // After destroy() a flight or a revocation still in progress is still heard: the other tabs
    // must learn of a token it spent (a duplicated tab holding it ends instead of keeping it).
    announce(signal) {
      const out = channel ?? (page.Channel === null ? undefined : new page.Channel(name));
      out?.postMessage(signal);
      if (out !== channel) out?.close();
    },
    online: () => page.online(),
    // Best effort: these tokens reached no storage, so nothing else could send them.
    discard: (tokens) => {
      for (const token of [tokens.accessToken, tokens.refreshToken])
        void revoke(token).catch(() => undefined);
    },
  });

  /** Makes a result true for the session; resolves the session to use, or null when it ended. */
  const apply = (result: RefreshResult, quiet: boolean): Session | null => {
    switch (result.kind) {
      case 'refreshed': {
        const next = result.record.session;
        state.adopt(next); // a no-op when the rotation was this tab's own
        if (!quiet) host.lifecycle.start(next, true);
        return next;
      }
      case 'ended':
        state.end('refresh_failed', { error: endError(result.cause) });
        return null;
      case 'signed_out':
        state.end('other_tab', { local: true });
        return null;
      case 'replaced':
        return null; // another login is current now: nothing of this one to retry with
      default:
        return state.current();
    }
  };

  const recover = async (failed: string, quiet = false): Promise<Session | null> =>
    apply(await coordinator.refresh(failed), quiet);

  // A lock that refuses (Web Locks in an opaque origin) is reported, not left unhandled.
  const reconcile = (signal?: RefreshSignal): void =>
    void coordinator
      .reconcile(signal)
      .then((result) => apply(result, false))
      .catch((error: unknown) => host.report(error, 'Refreshing failed.'));

  const recoverOrReport = (): void => {
    const session = state.current();
    if (session !== null)
      void recover(session.accessToken).catch((error: unknown) =>
        host.report(error, 'Refreshing failed.'),
      );
  };

  return {
    start() {
      if (channel === undefined && page.Channel !== null) {
        channel = new page.Channel(name);
        channel.onmessage = (event: MessageEvent<unknown>) => {
          if (isSignal(event.data)) reconcile(event.data);
        };
      }
      reconcile();
    },
    async unauthorized(failed, resend, input, init) {
      let next: Session | null;
      try {
        next = await recover(failed);
      } catch (error) {
        host.report(error, 'Refreshing failed.');
        return undefined;
      }
      return next !== null && next.accessToken !== failed && replayable(input, init)
        ? resend(next.accessToken)
        : undefined;
    },
    async invalidToken(session, error) {
      // A token that a refresh just produced and Twitch still refuses: no second refresh.
      if (validatedAfterRefresh.has(session)) {
        state.end('token_invalid', { error });
        throw error;
      }
      const next = await recover(session.accessToken, true);
      if (next === null) throw error;
      validatedAfterRefresh.add(next);
      return host.validate();
    },
    expiring() {
      // Half the time left, at most 30 s early: a short-lived token is not refreshed in a loop.
      const session = state.current();
      if (session === null) return;
      const left = Math.max(0, (session.expiresAt ?? 0) - host.now());
      host.timers.clearTimeout(anticipation);
      anticipation = host.timers.setTimeout(
        () => {
          anticipation = undefined;
          if (state.isCurrent(session.accessToken)) recoverOrReport();
        },
        left - Math.min(30_000, left / 2),
      );
    },
    expired: recoverOrReport,
    refresh: async () => {
      const session = state.current();
      return session === null ? null : recover(session.accessToken);
    },
    retire: (grant) =>
      coordinator.spend(grant, revoke).catch((error: unknown) => {
        host.report(error, 'Revoking the refresh token failed.');
      }),
    destroy() {
      host.timers.clearTimeout(anticipation);
      anticipation = undefined;
      channel?.close();
      channel = undefined;
    },
  };
}
