import { TwitchAuthError } from './errors.js';
import type { KeyValueStore } from './storage.js';

/** A pending login lives at most this long (ms): ten minutes is ample for a consent screen. */
export const PENDING_TTL_MS = 600_000;

/** Abandoned logins (closed tab, double click) would otherwise pile up; keep only the newest. */
const MAX_PENDING = 20;
const PREFIX = 'pending:';
const INDEX_KEY = `${PREFIX}index`;
/** Far larger than any real request (80 scopes and a 2 KB returnTo), small enough to parse fast. */
const MAX_ENTRY_CHARS = 16_384;
/** `state` comes from the URL, so it is attacker-chosen: bound it before it becomes a key. */
const MAX_STATE_CHARS = 512;
/** A createdAt further ahead than this was not written by this clock (tampering): expired. */
const FUTURE_SKEW_MS = 60_000;

/**
 * What the SDK remembers between sending the user to Twitch and the callback, stored per `state`
 * (RFC 9700 §4.7.1: app data lives here, not inside `state`, so it cannot be tampered with in the
 * URL).
 */
export interface PendingRequest {
  readonly state: string;
  /** OIDC mode only. */
  readonly nonce?: string;
  readonly responseType: 'token' | 'token id_token';
  /** As requested, including `openid` in OIDC mode. */
  readonly scopes: readonly string[];
  /** A same-origin absolute URL, checked when the request was made (and again by the caller). */
  readonly returnTo?: string;
  readonly redirectUri: string;
  /** The expected `iss` (a mix-up defence that costs nothing, RFC 9700 §4.4.2). */
  readonly issuer: string;
  readonly mode: 'redirect' | 'popup';
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** Pending requests stored per state: single use, with a 10-minute life. */
export interface PendingStore {
  /** Stores a request; throws `storage_unavailable` when the write fails. */
  save(request: PendingRequest): void;
  /**
   * Removes and returns the request for `state` (single use). Throws `no_pending_request` when
   * none is stored for this state and no other is either; `state_mismatch` when others exist but
   * not this one (and never consumes those others); `pending_request_expired` when it is older
   * than the TTL (consumed anyway). Corrupt or tampered entries are discarded and treated as
   * absent.
   */
  take(state: string, now: number): PendingRequest;
  /** True when a request for this state is stored (used by popup hand-back). */
  has(state: string): boolean;
}

interface IndexEntry {
  readonly state: string;
  readonly createdAt: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** `index` would address the index itself; anything empty or huge cannot be one of ours. */
const isUsableState = (state: unknown): state is string =>
  isNonEmptyString(state) && state.length <= MAX_STATE_CHARS && state !== 'index';

const keyOf = (state: string): string => PREFIX + state;

/** True when a request created at `createdAt` is no longer usable at `now`. */
const isExpired = (createdAt: number, now: number): boolean =>
  now - createdAt >= PENDING_TTL_MS || createdAt - now > FUTURE_SKEW_MS;

/**
 * Rebuilds a request from stored JSON, field by field: storage is writable by anything on the
 * origin, so nothing read back is trusted for its shape, and unknown fields are not carried along.
 */
function parseRequest(raw: string | null, state: string): PendingRequest | null {
  if (raw === null || raw.length > MAX_ENTRY_CHARS) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(data) || data['state'] !== state) return null;
  const { nonce, responseType, scopes, returnTo, redirectUri, issuer, mode, createdAt } = data;
  if (responseType !== 'token' && responseType !== 'token id_token') return null;
  // A nonce belongs to OIDC mode and OIDC mode needs one (OIDC Core 3.2.2.1).
  if (responseType === 'token id_token' ? !isNonEmptyString(nonce) : nonce !== undefined) {
    return null;
  }
  if (!Array.isArray(scopes) || scopes.length > 256 || !scopes.every(isNonEmptyString)) return null;
  if (returnTo !== undefined && typeof returnTo !== 'string') return null;
  if (!isNonEmptyString(redirectUri) || !isNonEmptyString(issuer)) return null;
  if (mode !== 'redirect' && mode !== 'popup') return null;
  if (!isTime(createdAt)) return null;
  return Object.freeze({
    state,
    ...(typeof nonce === 'string' ? { nonce } : {}),
    responseType,
    scopes: Object.freeze([...(scopes as string[])]),
    ...(returnTo === undefined ? {} : { returnTo }),
    redirectUri,
    issuer,
    mode,
    createdAt,
  });
}

/**
 * Keeps pending requests in a {@link KeyValueStore} under `pending:<state>`, plus an index
 * (`pending:index`, the states with their creation times) so a callback can tell "no login was
 * started here" from "a different login is waiting", and so abandoned entries can be pruned.
 *
 * @example
 * ```ts
 * const pending = createPendingStore(createKeyValueStore('session', 'twitch-spa-login:'));
 * pending.save(request);
 * // later, on the callback page:
 * const request = pending.take(response.state, Date.now()); // throws state_mismatch, …
 * ```
 */
export function createPendingStore(store: KeyValueStore): PendingStore {
  const readIndex = (): IndexEntry[] => {
    const raw = store.get(INDEX_KEY);
    if (raw === null || raw.length > MAX_ENTRY_CHARS) return [];
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return [];
    }
    if (!Array.isArray(data)) return [];
    const entries: IndexEntry[] = [];
    for (const item of data) {
      if (isRecord(item) && isUsableState(item['state']) && isTime(item['createdAt'])) {
        entries.push({ state: item['state'], createdAt: item['createdAt'] });
      }
    }
    return entries;
  };

  const writeIndex = (entries: readonly IndexEntry[]): void => {
    if (entries.length === 0) store.remove(INDEX_KEY);
    else store.set(INDEX_KEY, JSON.stringify(entries));
  };

  /** The stored, well-formed request for `state`, or null (nothing read is trusted blindly). */
  const read = (state: string): PendingRequest | null =>
    isUsableState(state) ? parseRequest(store.get(keyOf(state)), state) : null;

  return {
    save(request) {
      const serialised = JSON.stringify(request);
      // Refuse to write what take() would later discard: the login would fail only after Twitch.
      if (!isUsableState(request.state) || parseRequest(serialised, request.state) === null) {
        throw new TwitchAuthError('invalid_options', 'The pending login request is malformed.');
      }
      const index = readIndex();
      const live: IndexEntry[] = [];
      for (const entry of index) {
        if (entry.state === request.state) continue; // overwritten below
        if (isExpired(entry.createdAt, request.createdAt)) store.remove(keyOf(entry.state));
        else live.push(entry);
      }
      const kept = live.slice(-(MAX_PENDING - 1));
      const dropped = live.slice(0, live.length - kept.length);
      store.set(keyOf(request.state), serialised);
      try {
        writeIndex([...kept, { state: request.state, createdAt: request.createdAt }]);
      } catch (error) {
        // Without its index line the entry would be invisible to pruning: do not half-store it.
        store.remove(keyOf(request.state));
        throw error;
      }
      // Only now, so a failed write leaves the earlier logins usable.
      for (const entry of dropped) store.remove(keyOf(entry.state));
    },

    take(state, now) {
      const index = readIndex();
      const usable = isUsableState(state);
      const raw = usable ? store.get(keyOf(state)) : null;
      const request = usable ? parseRequest(raw, state) : null;
      // Single use: the entry (even a corrupt one) is gone before anything looks at the response.
      if (raw !== null) store.remove(keyOf(state));
      if (usable && index.some((entry) => entry.state === state)) {
        try {
          writeIndex(index.filter((entry) => entry.state !== state));
        } catch {
          // The entry itself is gone; a stale index line only costs a storage read later.
        }
      }
      if (request === null) {
        // Read the others rather than trusting the index: it may be stale or edited.
        const others = index.some((entry) => {
          if (entry.state === state) return false;
          const other = read(entry.state);
          return other !== null && !isExpired(other.createdAt, now);
        });
        throw others
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
    },

    has(state) {
      return read(state) !== null;
    },
  };
}
