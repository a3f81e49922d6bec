import { TwitchAuthError } from '../internal/errors.js';
import { isFiniteNumber, isNonEmptyString, isPlainObject } from '../internal/guards.js';
import type { KeyValueStore } from '../session/storage.js';

/** A pending login lives at most this long (ms): ten minutes is ample for a consent screen. */
export const PENDING_TTL_MS = 600_000;

/** Abandoned logins (closed tab, double click) would otherwise pile up; keep only the newest. */
const MAX_PENDING = 20;
/**
 * Every pending request lives under this one key: the callback can then tell "no login was
 * started here" (`no_pending_request`) from "another login is waiting" (`state_mismatch`), and
 * consuming one request is a single write. Keys of the earlier per-state layout are never read:
 * a login lives ten minutes, so there is nothing worth migrating.
 */
export const PENDING_KEY = 'pending';
/**
 * One entry as stored, its key included. Far larger than any real request (80 scopes and a 2 KB
 * returnTo), small enough to parse fast.
 */
const MAX_ENTRY_CHARS = 16_384;
/** A full map of the largest entries, and its braces: anything longer was not written by save(). */
const MAX_STORED_CHARS = MAX_PENDING * MAX_ENTRY_CHARS + 2;
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

/**
 * Saving pending requests, the eager half of the store: a login starts on any page. Taking one
 * back ({@link takePendingRequest} in pending-take.ts) happens only on a callback, so it loads with
 * the callback path.
 */
export interface PendingStore {
  /**
   * Stores a request. Throws `invalid_options` when it is malformed (take could not read it
   * back) and `storage_unavailable` when the write fails, leaving the earlier requests as they were.
   */
  save(request: PendingRequest): void;
}

/** Anything empty or huge cannot be one of ours. */
export const isUsableState = (state: unknown): state is string =>
  isNonEmptyString(state) && state.length <= MAX_STATE_CHARS;

/** True when a request created at `createdAt` is no longer usable at `now`. */
export const isExpired = (createdAt: number, now: number): boolean =>
  now - createdAt >= PENDING_TTL_MS || createdAt - now > FUTURE_SKEW_MS;

/**
 * Rebuilds the request stored under `state` from its parsed JSON, field by field: storage is
 * writable by anything on the origin, so nothing read back is trusted for its shape, only own
 * fields are read (a polluted prototype supplies nothing), and unknown fields are not carried along.
 */
function parseRequest(data: unknown, state: string): PendingRequest | null {
  if (!isPlainObject(data)) return null;
  const field = (name: string): unknown => (Object.hasOwn(data, name) ? data[name] : undefined);
  if (field('state') !== state) return null;
  const nonce = field('nonce');
  const responseType = field('responseType');
  const scopes = field('scopes');
  const returnTo = field('returnTo');
  const redirectUri = field('redirectUri');
  const issuer = field('issuer');
  const mode = field('mode');
  const createdAt = field('createdAt');
  if (responseType !== 'token' && responseType !== 'token id_token') return null;
  // A nonce belongs to OIDC mode and OIDC mode needs one (OIDC Core 3.2.2.1).
  if (responseType === 'token id_token' ? !isNonEmptyString(nonce) : nonce !== undefined) {
    return null;
  }
  if (!Array.isArray(scopes) || scopes.length > 256 || !scopes.every(isNonEmptyString)) return null;
  if (returnTo !== undefined && typeof returnTo !== 'string') return null;
  if (!isNonEmptyString(redirectUri) || !isNonEmptyString(issuer)) return null;
  if (mode !== 'redirect' && mode !== 'popup') return null;
  if (!isFiniteNumber(createdAt)) return null;
  const request: PendingRequest = Object.freeze({
    state,
    ...(typeof nonce === 'string' ? { nonce } : {}),
    responseType,
    scopes: Object.freeze([...scopes]),
    ...(returnTo === undefined ? {} : { returnTo }),
    redirectUri,
    issuer,
    mode,
    createdAt,
  });
  // Measured as save() writes it (`"state":{…},`), so a full map stays under MAX_STORED_CHARS.
  // Unknown fields were left behind above and only count towards that bound.
  const chars = JSON.stringify(state).length + JSON.stringify(request).length + 2;
  return chars <= MAX_ENTRY_CHARS ? request : null;
}

/**
 * The stored map, state → unchecked entry, or null when nothing readable is stored (including a
 * map too long or with more entries than save() ever writes). A Map, so a state named `__proto__`
 * or `constructor` is only ever a key (JSON.parse makes them own properties, and they are never
 * assigned onto a plain object).
 */
export function parseStored(raw: string | null): Map<string, unknown> | null {
  if (raw === null || raw.length > MAX_STORED_CHARS) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    // Not JSON: data stays undefined, which the check below refuses.
  }
  if (!isPlainObject(data)) return null;
  const entries = Object.entries(data);
  return entries.length > MAX_PENDING ? null : new Map(entries);
}

/** The well-formed requests of a stored map; corrupt entries are left out. */
export function requestsOf(stored: ReadonlyMap<string, unknown>): PendingRequest[] {
  const requests: PendingRequest[] = [];
  for (const [state, data] of stored) {
    const request = isUsableState(state) ? parseRequest(data, state) : null;
    if (request !== null) requests.push(request);
  }
  return requests;
}

/** Replaces the stored map with `requests` (removing the key when none are left). */
export function writeRequests(store: KeyValueStore, requests: readonly PendingRequest[]): void {
  if (requests.length === 0) {
    store.remove(PENDING_KEY);
    return;
  }
  // Object.fromEntries defines own properties, so even a `__proto__` state is serialised as a key.
  store.set(PENDING_KEY, JSON.stringify(Object.fromEntries(requests.map((r) => [r.state, r]))));
}

/**
 * Keeps pending requests in a {@link KeyValueStore} under the one key `pending`: a JSON object from
 * each state to its request. Holding them together lets a callback tell "no login was started
 * here" from "a different login is waiting", lets abandoned entries be pruned in passing, and
 * makes taking one a single read and write, so a request is consumed in one step.
 *
 * @example
 * ```ts
 * const pending = createPendingStore(createKeyValueStore('session', 'twitch-spa-login:'));
 * pending.save(request);
 * // later, on the callback page (the lazy path):
 * const taken = takePendingRequest(store, response.state, Date.now()); // throws state_mismatch, …
 * ```
 */
export function createPendingStore(store: KeyValueStore): PendingStore {
  return {
    save(request) {
      // Round-trip through JSON and the reader, and refuse to write what take would later
      // discard: the login would otherwise fail only after the user has been to Twitch.
      const checked = isUsableState(request.state)
        ? parseRequest(JSON.parse(JSON.stringify(request)), request.state)
        : null;
      if (checked === null) {
        throw new TwitchAuthError('invalid_options', 'The pending login request is malformed.');
      }
      const stored = parseStored(store.get(PENDING_KEY));
      const live = (stored === null ? [] : requestsOf(stored)).filter(
        (other) => other.state !== checked.state && !isExpired(other.createdAt, checked.createdAt),
      );
      // Newest last by createdAt: a JSON object's key order cannot be relied on (integer-like keys
      // come first), and the new request is always kept.
      live.sort((a, b) => a.createdAt - b.createdAt);
      // One write: if it throws, the stored map is as it was (earlier logins stay usable and nothing
      // is half-stored), and storage_unavailable reaches the caller.
      writeRequests(store, [...live.slice(-(MAX_PENDING - 1)), checked]);
    },
  };
}
