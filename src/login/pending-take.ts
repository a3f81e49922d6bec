// Taking a pending request back: only a callback does, so this loads with the callback path while
// saving (pending.ts) stays on every page.
import { TwitchAuthError } from '../internal/errors.js';
import {
  PENDING_KEY,
  type PendingRequest,
  isExpired,
  isUsableState,
  parseStored,
  requestsOf,
  writeRequests,
} from './pending.js';
import type { KeyValueStore } from '../session/storage.js';

/**
 * Removes and returns the request stored for `state` (single use). Corrupt or tampered entries are
 * discarded and treated as absent.
 *
 * @throws TwitchAuthError `no_pending_request` when none is stored for this state and no other is
 *   either; `state_mismatch` when others exist but not this one (and never consumes those
 *   others); `pending_request_expired` when it is older than the TTL (consumed anyway).
 * @example
 * ```ts
 * const request = takePendingRequest(transient, response.state, Date.now());
 * ```
 */
export function takePendingRequest(
  store: KeyValueStore,
  state: string,
  now: number,
): PendingRequest {
  const raw = store.get(PENDING_KEY);
  const stored = parseStored(raw);
  const requests = stored === null ? [] : requestsOf(stored);
  const usable = isUsableState(state);
  const request = usable ? (requests.find((r) => r.state === state) ?? null) : null;
  const others = requests.filter((r) => r.state !== state && !isExpired(r.createdAt, now));
  // Single use: this state's entry (even a corrupt one) is gone before anything looks at the
  // response. A state that is not stored writes nothing, so it never consumes the others; an
  // unreadable map is nobody's login and goes too. The rewrite also drops expired and corrupt
  // others, which no callback could use.
  if (raw !== null && (stored === null || (usable && stored.has(state)))) {
    try {
      writeRequests(store, others);
    } catch {
      // A failed rewrite must not leave this state usable: losing the others is the lesser harm.
      store.remove(PENDING_KEY);
    }
  }
  if (request === null) {
    throw others.length > 0
      ? new TwitchAuthError(
          'state_mismatch',
          'The login response matches no login started in this browser tab.',
        )
      : new TwitchAuthError(
          'no_pending_request',
          'No login was started in this browser tab, or it was already completed.',
        );
  }
  if (isExpired(request.createdAt, now)) {
    throw new TwitchAuthError(
      'pending_request_expired',
      'The login was started more than 10 minutes ago; please sign in again.',
    );
  }
  return request;
}
