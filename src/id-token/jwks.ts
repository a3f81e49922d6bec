import type { JWSHeaderParameters } from 'jose';
import type { Timers } from '../internal/env.js';
import { TwitchAuthError, toTwitchAuthError } from '../internal/errors.js';
import { checkKeyHeader } from './jws.js';
import {
  type KeyEntry,
  type KeySet,
  candidates,
  readStoredKeySet,
  toKeySet,
  writeStoredKeySet,
} from './key-set.js';
import { KEY_SET_INIT, KEY_SET_MAX_AGE_MS } from './key-set-prefetch.js';
import type { KeyValueStore } from '../session/storage.js';

export interface JwksCacheOptions {
  /** `endpoints.jwks`. */
  readonly url: string;
  /** Looked up at call time (SSR safety, injection). */
  readonly fetch: () => typeof fetch;
  /** Persists the key set so a reload within its max age makes no request. */
  readonly store: KeyValueStore;
  /** The current time in ms. */
  readonly now: () => number;
  /** A key set that has not fully arrived by then is `jwks_unavailable`. */
  readonly timeoutMs: number;
  /** For the request timeout. */
  readonly timers: Timers;
  /** How long a key set is used before it is fetched again. Default 600 000 (10 minutes). */
  readonly maxAgeMs?: number;
  /** Minimum time between refetches for an unknown `kid`. Default 30 000. */
  readonly cooldownMs?: number;
}

/** Resolves verification keys for ID token headers. */
export interface JwksCache {
  /**
   * Key lookup for jose's `compactVerify`/`jwtVerify`: resolves the key for this protected
   * header, fetching or refetching (at most once per cooldown) as needed.
   *
   * @throws TwitchAuthError `alg_not_allowed` (not RS256, checked before any request),
   *   `id_token_invalid` (a `kid` that is not a short string), `jwks_unavailable` (no key set
   *   could be fetched), `signature_invalid` (no single usable key fits, even after one refetch).
   */
  readonly getKey: (header: JWSHeaderParameters) => Promise<CryptoKey>;
  /**
   * Starts loading the key set now (a login is on its way), using `response` (a request already
   * sent by the eager prefetch) when a download is needed. Failures are left for `getKey` to meet.
   */
  warm(response?: Promise<Response>): void;
}

const MAX_BYTES = 512 * 1024;
/** How many unknown `kid`s are remembered. */
const MAX_UNKNOWN_KIDS = 256;
/** Import parameters come from this allow-list, never from the token or the key. */
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** `signature_invalid`: no single usable key fits (none, several, or one Web Crypto refuses). */
function noKey(cause?: unknown): TwitchAuthError {
  return new TwitchAuthError(
    'signature_invalid',
    'No single key in the key set fits the ID token.',
    {
      cause,
    },
  );
}

function unavailable(message: string, options: { cause?: unknown; status?: number } = {}) {
  return new TwitchAuthError('jwks_unavailable', message, options);
}

/**
 * A key set cache for one JWKS URL, as `getKey` for jose: memory plus a persisted copy with a
 * max age (a reload within it makes no request), single-flight fetches with a timeout and a size
 * cap, and at most one refetch per cooldown for an unknown `kid`. Unknown `kid`s are remembered,
 * so forged tokens with random `kid`s cannot drive a request storm; a failed refetch keeps the
 * last good set. Only RSA keys fit for RS256 (2048–8192 bits) are used.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({
 *   url: 'https://id.twitch.tv/oauth2/keys',
 *   fetch: () => globalThis.fetch,
 *   store: createKeyValueStore('session', 'twitch-spa-login:'),
 *   now: Date.now,
 *   timeoutMs: 5000,
 *   timers: defaultTimers,
 * });
 * const { payload } = await compactVerify(idToken, jwks.getKey, { algorithms: ['RS256'] });
 * ```
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const maxAgeMs = options.maxAgeMs ?? KEY_SET_MAX_AGE_MS;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const { timeoutMs } = options;
  let set: KeySet | undefined;
  let inflight: Promise<KeySet> | undefined;
  let lastRefetch = -Infinity;
  /** kid → when a refetch confirmed that the key set lacks it. */
  const unknownKids = new Map<string, number>();

  const isFresh = (candidate: KeySet): boolean => {
    const now = options.now();
    return candidate.fetchedAt <= now && now - candidate.fetchedAt < maxAgeMs;
  };

  const download = async (prefetched?: Promise<Response>): Promise<KeySet> => {
    const controller = new AbortController();
    let timer: unknown;
    // Raced against the fetch and the body, so even a fetch that ignores the signal cannot hang us.
    // Always raced before the first await, so its rejection is never unhandled.
    const timeout = new Promise<never>((_, reject) => {
      timer = options.timers.setTimeout(() => {
        reject(unavailable('The key set did not arrive in time.'));
        controller.abort();
      }, timeoutMs);
    });
    try {
      const response = await Promise.race([
        prefetched ?? options.fetch()(options.url, { ...KEY_SET_INIT, signal: controller.signal }),
        timeout,
      ]);
      const { status } = response;
      // `redirect: 'error'` already refuses redirects; `redirected` catches a fetch that ignored it.
      if (!response.ok || response.redirected) {
        throw unavailable(`The key set answered ${status}.`, { status });
      }
      const tooLarge = () => unavailable('The key set is too large.');
      if (Number(response.headers.get('content-length')) > MAX_BYTES) throw tooLarge();
      const text = await Promise.race([response.text(), timeout]);
      if (text.length > MAX_BYTES) throw tooLarge();
      // JSON.parse errors become jwks_unavailable below, with the SyntaxError as cause.
      const data = JSON.parse(text) as { keys?: unknown } | null;
      const keys = data?.keys;
      if (!Array.isArray(keys)) throw unavailable('The key set has no "keys" array.');
      const next = toKeySet(keys, options.now());
      writeStoredKeySet(options.store, options.url, next);
      return next;
    } catch (error) {
      throw toTwitchAuthError(error, 'jwks_unavailable', 'The key set could not be fetched.');
    } finally {
      options.timers.clearTimeout(timer);
    }
  };

  /** One request at a time: concurrent callers share it. */
  const refresh = (prefetched?: Promise<Response>): Promise<KeySet> => {
    inflight ??= download(prefetched)
      .then((next) => (set = next))
      .finally(() => (inflight = undefined));
    return inflight;
  };

  /** A fresh set from memory, storage or the network; a stale set if the network fails. */
  const load = async (prefetched?: Promise<Response>): Promise<KeySet> => {
    if (set !== undefined && isFresh(set)) return set;
    const persisted = readStoredKeySet(options.store, options.url, options.now());
    if (persisted !== undefined && isFresh(persisted)) return (set = persisted);
    const fallback = set ?? persisted;
    try {
      return await refresh(prefetched);
    } catch (error) {
      // Stale keys are still keys Twitch published; they beat failing every login during an outage.
      if (fallback !== undefined && fallback.all.length > 0) return fallback;
      throw error;
    }
  };

  const isKnownUnknown = (kid: string): boolean => {
    const seen = unknownKids.get(kid);
    return seen !== undefined && options.now() - seen < maxAgeMs;
  };

  const rememberUnknown = (kid: string): void => {
    // Bounded: past the limit start over; the cooldown still caps requests meanwhile.
    if (unknownKids.size >= MAX_UNKNOWN_KIDS) unknownKids.clear();
    unknownKids.set(kid, options.now());
  };

  /**
   * At most one refetch per cooldown, shared by concurrent callers. If it fails, this lookup is
   * `jwks_unavailable` (the key may exist), while `set` keeps the last good keys for other kids.
   */
  const refetchFor = async (kid: string | undefined, keys: KeySet): Promise<KeySet> => {
    if (inflight !== undefined) return inflight;
    if (kid !== undefined && isKnownUnknown(kid)) return keys;
    if (options.now() - lastRefetch < cooldownMs) return keys;
    lastRefetch = options.now();
    return refresh();
  };

  const importEntry = (entry: KeyEntry): Promise<CryptoKey> => {
    // A failed import is cached too: the same key would fail the same way again.
    entry.key ??= crypto.subtle
      .importKey('jwk', entry.jwk, RS256, false, ['verify'])
      .catch((cause: unknown) => {
        throw noKey(cause);
      });
    return entry.key;
  };

  return {
    async getKey(header) {
      // Before any lookup or request: an HS256 token never meets a key (RFC 8725 §2.1).
      const kid = checkKeyHeader(header);
      let keys = await load();
      let matches = candidates(keys, kid);
      if (matches.length === 0) {
        keys = await refetchFor(kid, keys);
        matches = candidates(keys, kid);
        if (matches.length === 0 && kid !== undefined) rememberUnknown(kid);
      }
      const [only] = matches;
      // None, or two keys for one kid, or several keys and no kid: refuse rather than guess
      // (RFC 7517 §4.5).
      if (only === undefined || matches.length > 1) {
        throw noKey();
      }
      return importEntry(only);
    },
    warm(response) {
      load(response).catch(() => undefined);
    },
  };
}
