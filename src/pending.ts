import { TwitchAuthError } from './errors.js';
import type { KeyValueStore } from './storage.js';

/** A pending login lives at most this long (ms). */
export const PENDING_TTL_MS = 600_000;
const MAX_PENDING = 20;
const INDEX_KEY = 'pending:index';

/** What the SDK remembers between sending the user to Twitch and the callback. */
export interface PendingRequest {
  readonly state: string;
  /** OIDC mode only. */
  readonly nonce?: string;
  readonly responseType: 'token' | 'token id_token';
  readonly scopes: readonly string[];
  /** A same-origin URL, already checked. */
  readonly returnTo?: string;
  readonly redirectUri: string;
  /** The expected `iss` (a mix-up defence that costs nothing). */
  readonly issuer: string;
  readonly mode: 'redirect' | 'popup';
  readonly createdAt: number;
}

/** Pending requests stored per state: single use, with a 10-minute life. */
export interface PendingStore {
  /** Stores a request; throws `storage_unavailable` when the write fails. */
  save(request: PendingRequest): void;
  /**
   * Removes and returns the request for `state`. Throws `no_pending_request` when none is stored
   * at all, `state_mismatch` when others are but not this one (they stay untouched), and
   * `pending_request_expired` when it is too old (consumed anyway).
   */
  take(state: string, now: number): PendingRequest;
  has(state: string): boolean;
}

interface IndexEntry {
  readonly state: string;
  readonly createdAt: number;
}

const isString = (value: unknown): value is string => typeof value === 'string';

function parseRequest(raw: string | null, state: string): PendingRequest | null {
  if (raw === null || raw.length > 8192) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const valid =
    d['state'] === state &&
    (d['nonce'] === undefined || (isString(d['nonce']) && d['nonce'] !== '')) &&
    (d['responseType'] === 'token' || d['responseType'] === 'token id_token') &&
    (d['responseType'] === 'token' || isString(d['nonce'])) &&
    Array.isArray(d['scopes']) &&
    d['scopes'].every(isString) &&
    (d['returnTo'] === undefined || isString(d['returnTo'])) &&
    isString(d['redirectUri']) &&
    isString(d['issuer']) &&
    (d['mode'] === 'redirect' || d['mode'] === 'popup') &&
    typeof d['createdAt'] === 'number' &&
    Number.isFinite(d['createdAt']);
  return valid ? (Object.freeze(d) as unknown as PendingRequest) : null;
}

/**
 * Keeps pending requests in a {@link KeyValueStore} under `pending:<state>`, with an index so a
 * callback can tell "no login started here" from "a different login".
 */
export function createPendingStore(store: KeyValueStore): PendingStore {
  const readIndex = (): IndexEntry[] => {
    try {
      const data: unknown = JSON.parse(store.get(INDEX_KEY) ?? '[]');
      if (!Array.isArray(data)) return [];
      return data.filter(
        (e): e is IndexEntry =>
          typeof e === 'object' && e !== null && isString(e.state) && typeof e.createdAt === 'number',
      );
    } catch {
      return [];
    }
  };
  const writeIndex = (entries: IndexEntry[]): void => {
    if (entries.length === 0) store.remove(INDEX_KEY);
    else store.set(INDEX_KEY, JSON.stringify(entries));
  };
  const key = (state: string): string => `pending:${state}`;

  return {
    save(request) {
      const index = readIndex();
      const live = index.filter((e) => request.createdAt - e.createdAt < PENDING_TTL_MS);
      const kept = live.slice(-(MAX_PENDING - 1));
      for (const dropped of index) {
        if (!kept.includes(dropped)) store.remove(key(dropped.state));
      }
      store.set(key(request.state), JSON.stringify(request));
      try {
        writeIndex([...kept, { state: request.state, createdAt: request.createdAt }]);
      } catch (error) {
        store.remove(key(request.state));
        throw error;
      }
    },
    take(state, now) {
      const index = readIndex();
      const request = parseRequest(store.get(key(state)), state);
      if (request === null) {
        store.remove(key(state));
        const others = index.some((e) => e.state !== state && now - e.createdAt < PENDING_TTL_MS);
        throw others
          ? new TwitchAuthError('state_mismatch', 'The response state matches no login started in this tab.')
          : new TwitchAuthError('no_pending_request', 'No login was started in this tab (or it was already completed).');
      }
      // Single use: gone before anything else looks at the response.
      store.remove(key(state));
      try {
        writeIndex(index.filter((e) => e.state !== state));
      } catch {
        // The entry itself is gone; a stale index line only affects which error a later stray gets.
      }
      if (now - request.createdAt >= PENDING_TTL_MS || request.createdAt > now + 60_000) {
        throw new TwitchAuthError('pending_request_expired', 'The login was started more than 10 minutes ago; please sign in again.');
      }
      return request;
    },
    has(state) {
      return parseRequest(store.get(key(state)), state) !== null;
    },
  };
}
