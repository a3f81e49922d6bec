import { TwitchAuthError } from './errors.js';
import { isFiniteNumber, isNonEmptyString, isPlainObject } from './guards.js';
import type { KeyValueStore } from './storage.js';

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
const KEY = 'pending';
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

/** Pending requests stored per state: single use, with a 10-minute life. */
export interface PendingStore {
  /**
   * Stores a request. Throws `invalid_options` when it is malformed (take() could not read it
   * back) and `storage_unavailable` when the write fails, leaving the earlier requests as they were.
   */
  save(request: PendingRequest): void;
  /**
   * Removes and returns the request for `state` (single use). Throws `no_pending_request` when
   * none is stored for this state and no other is either; `state_mismatch` when others exist but
   * not this one (and never consumes those others); `pending_request_expired` when it is older
   * than the TTL (consumed anyway). Corrupt or tampered entries are discarded and treated as
   * absent.
   */
  take(state: string, now: number): PendingRequest;
}


/** Anything empty or huge cannot be one of ours. */
const isUsableState = (state: unknown): state is string =>
  isNonEmptyString(state) && state.length <= MAX_STATE_CHARS;

/** True when a request created at `createdAt` is no longer usable at `now`. */
const isExpired = (createdAt: number, now: number): boolean =>
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
    scopes: Object.freeze([...(scopes as string[])]),
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
function parseStored(raw: string | null): Map<string, unknown> | null {
  if (raw === null || raw.length > MAX_STORED_CHARS) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isPlainObject(data)) return null;
  const entries = Object.entries(data);
  return entries.length > MAX_PENDING ? null : new Map(entries);
}

/** The well-formed requests of a stored map; corrupt entries are left out. */
function requestsOf(stored: ReadonlyMap<string, unknown>): PendingRequest[] {
  const requests: PendingRequest[] = [];
  for (const [state, data] of stored) {
    const request = isUsableState(state) ? parseRequest(data, state) : null;
    if (request !== null) requests.push(request);
  }
  return requests;
}

/**
 * Keeps pending requests in a {@link KeyValueStore} under the one key `pending`: a JSON object from
 * each state to its request. Holding them together lets a callback tell "no login was started
 * here" from "a different login is waiting", lets abandoned entries be pruned in passing, and
 * makes `take` one read and one write, so a request is consumed in one step.
 *
 * @example
 * ```ts
 * const pending = createPendingStore(createKeyValueStore('session', 'twitch-spa-login:'));
 * pending.save(request);
 * // later, on the callback page:
 * const taken = pending.take(response.state, Date.now()); // throws state_mismatch, …
 * ```
 */
export function createPendingStore(store: KeyValueStore): PendingStore {
  const read = (): Map<string, unknown> | null => parseStored(store.get(KEY));

  /** Replaces the stored map with `requests` (removing the key when none are left). */
  const write = (requests: readonly PendingRequest[]): void => {
    if (requests.length === 0) {
      store.remove(KEY);
      return;
    }
    // Object.fromEntries defines own properties, so even a `__proto__` state is serialised as a key.
    store.set(KEY, JSON.stringify(Object.fromEntries(requests.map((r) => [r.state, r]))));
  };

  return {
    save(request) {
      // Round-trip through JSON and the reader, and refuse to write what take() would later
      // discard: the login would otherwise fail only after the user has been to Twitch.
      const checked = isUsableState(request.state)
        ? parseRequest(JSON.parse(JSON.stringify(request)), request.state)
        : null;
      if (checked === null) {
        throw new TwitchAuthError('invalid_options', 'The pending login request is malformed.');
      }
      const stored = read();
      const live = (stored === null ? [] : requestsOf(stored)).filter(
        (other) => other.state !== checked.state && !isExpired(other.createdAt, checked.createdAt),
      );
      // Newest last by createdAt: a JSON object's key order cannot be relied on (integer-like keys
      // come first), and the new request is always kept.
      live.sort((a, b) => a.createdAt - b.createdAt);
      // One write: if it throws, the stored map is as it was (earlier logins stay usable and nothing
      // is half-stored), and storage_unavailable reaches the caller.
      write([...live.slice(-(MAX_PENDING - 1)), checked]);
    },

    take(state, now) {
      const raw = store.get(KEY);
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
          write(others);
        } catch {
          // A failed rewrite must not leave this state usable: losing the others is the lesser harm.
          store.remove(KEY);
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
    },
  };
}
