import { type JWK, type JWSHeaderParameters, base64url } from 'jose';
import { TwitchAuthError, toTwitchAuthError } from './errors.js';
import type { KeyValueStore } from './storage.js';

export interface JwksCacheOptions {
  /** `endpoints.jwks`. */
  readonly url: string;
  /** Looked up at call time (SSR safety, injection). */
  readonly fetch: () => typeof fetch;
  /** Persists the key set so a reload within its max age makes no request. */
  readonly store: KeyValueStore;
  readonly now: () => number;
  readonly timeoutMs: number;
  /** Default 600 000 (10 minutes). */
  readonly maxAgeMs?: number;
  /** Minimum time between refetches for an unknown `kid`. Default 30 000. */
  readonly cooldownMs?: number;
}

/** Resolves verification keys for ID token headers. */
export interface JwksCache {
  /** The key for this protected header, fetching or refetching (once per cooldown) as needed. */
  getKey(header: JWSHeaderParameters): Promise<CryptoKey>;
}

interface KeyEntry {
  readonly kid: string | undefined;
  readonly jwk: JWK;
  key?: Promise<CryptoKey>;
}

interface KeySet {
  readonly entries: readonly KeyEntry[];
  readonly fetchedAt: number;
}

const MAX_BYTES = 512 * 1024;
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

function unavailable(message: string, options: { cause?: unknown; status?: number } = {}) {
  return new TwitchAuthError('jwks_unavailable', message, options);
}

/**
 * Keeps only keys fit to verify RS256 (RFC 7517 §5: ignore the rest rather than fail the set),
 * rebuilt from their public members so private members never reach `importKey`.
 */
function usableKeys(keys: readonly unknown[]): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const candidate of keys) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const k = candidate as Record<string, unknown>;
    if (k['kty'] !== 'RSA' || typeof k['n'] !== 'string' || typeof k['e'] !== 'string') continue;
    if (k['use'] !== undefined && k['use'] !== 'sig') continue;
    if (k['alg'] !== undefined && k['alg'] !== 'RS256') continue;
    const ops = k['key_ops'];
    if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) continue;
    const kid = k['kid'];
    if (kid !== undefined && (typeof kid !== 'string' || kid.length > 256)) continue;
    let bits: number;
    try {
      const n = base64url.decode(k['n']);
      bits = (n.length - (n[0] === 0 ? 1 : 0)) * 8;
    } catch {
      continue;
    }
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) continue;
    entries.push({ kid, jwk: { kty: 'RSA', n: k['n'], e: k['e'] } });
  }
  return entries;
}

function toKeySet(keys: readonly unknown[], fetchedAt: number): KeySet {
  return { entries: usableKeys(keys), fetchedAt };
}

type Selection = KeyEntry | 'none' | 'ambiguous';

function select(set: KeySet, kid: string | undefined): Selection {
  const matches = kid === undefined ? set.entries : set.entries.filter((e) => e.kid === kid);
  if (matches.length === 0) return 'none';
  // Two keys for one kid, or several keys and no kid: refuse rather than guess (RFC 7517 §4.5).
  if (matches.length > 1) return 'ambiguous';
  return matches[0] ?? 'none';
}

/**
 * A key set cache for one JWKS URL: memory plus persisted copy with a max age, single-flight
 * fetches with a timeout and size cap, and at most one refetch per cooldown for unknown `kid`s
 * (forged random `kid`s cannot drive a request storm). A failed refetch keeps the last good set.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({ url, fetch: () => fetch, store, now: Date.now, timeoutMs: 5000 });
 * await jwtVerify(idToken, jwks.getKey, { algorithms: ['RS256'] });
 * ```
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const storeKey = `jwks:${options.url}`;
  let set: KeySet | undefined;
  let inflight: Promise<KeySet> | undefined;
  let lastRefetch = -Infinity;

  // Not a type guard on purpose: a stale set is still a KeySet, kept as a fallback below.
  const fresh = (candidate: KeySet | undefined): boolean =>
    candidate !== undefined &&
    options.now() - candidate.fetchedAt < maxAgeMs &&
    candidate.fetchedAt <= options.now();

  const readPersisted = (): KeySet | undefined => {
    try {
      const data = JSON.parse(options.store.get(storeKey) ?? 'null') as unknown;
      if (typeof data !== 'object' || data === null) return undefined;
      const { fetchedAt, keys } = data as { fetchedAt?: unknown; keys?: unknown };
      if (typeof fetchedAt !== 'number' || !Array.isArray(keys)) return undefined;
      return toKeySet(keys, fetchedAt);
    } catch {
      return undefined;
    }
  };

  const download = async (): Promise<KeySet> => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(unavailable(`The key set did not arrive within ${options.timeoutMs} ms.`));
      }, options.timeoutMs);
    });
    try {
      const response = await Promise.race([
        options.fetch()(options.url, {
          credentials: 'omit',
          redirect: 'error',
          signal: controller.signal,
          headers: { accept: 'application/json' },
        }),
        timeout,
      ]);
      if (!response.ok) throw unavailable(`The key set answered ${response.status}.`, { status: response.status });
      if (Number(response.headers.get('content-length') ?? 0) > MAX_BYTES) {
        throw unavailable('The key set is too large.');
      }
      const text = await Promise.race([response.text(), timeout]);
      if (text.length > MAX_BYTES) throw unavailable('The key set is too large.');
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw unavailable('The key set is not JSON.', { cause });
      }
      const keys = (data as { keys?: unknown } | null)?.keys;
      if (!Array.isArray(keys)) throw unavailable('The key set has no "keys" array.');
      const fetchedAt = options.now();
      const next = toKeySet(keys, fetchedAt);
      try {
        options.store.set(storeKey, JSON.stringify({ fetchedAt, keys: next.entries.map((e) => ({ ...e.jwk, kid: e.kid })) }));
      } catch {
        // Not persisting only costs a request after a reload.
      }
      return next;
    } catch (error) {
      throw toTwitchAuthError(error, 'jwks_unavailable', 'Could not fetch the key set.');
    } finally {
      clearTimeout(timer);
    }
  };

  /** One request at a time; concurrent callers share it. */
  const refresh = (): Promise<KeySet> => {
    inflight ??= download()
      .then((next) => (set = next))
      .finally(() => (inflight = undefined));
    return inflight;
  };

  const current = async (): Promise<KeySet> => {
    if (set !== undefined && fresh(set)) return set;
    if (inflight !== undefined) return inflight;
    const persisted = readPersisted();
    if (persisted !== undefined && fresh(persisted)) return (set = persisted);
    try {
      return await refresh();
    } catch (error) {
      const stale = set ?? persisted;
      if (stale !== undefined && stale.entries.length > 0) return stale; // stale beats nothing
      throw error;
    }
  };

  return {
    async getKey(header) {
      if (header.alg !== 'RS256') {
        throw new TwitchAuthError('alg_not_allowed', 'Only RS256 ID tokens are accepted.');
      }
      const kid = header.kid;
      let keys = await current();
      let found = select(keys, kid);
      if (found === 'none') {
        if (inflight !== undefined) {
          keys = await inflight.catch(() => keys);
        } else if (options.now() - lastRefetch >= cooldownMs) {
          lastRefetch = options.now();
          keys = await refresh().catch(() => keys); // keep the last good set
        }
        found = select(keys, kid);
      }
      if (found === 'none' || found === 'ambiguous') {
        throw new TwitchAuthError(
          'signature_invalid',
          found === 'none'
            ? 'No key in Twitch’s key set matches the ID token.'
            : 'Twitch’s key set has several keys that could match the ID token.',
        );
      }
      // The algorithm comes from our allow-list, never from the token or the key.
      found.key ??= crypto.subtle.importKey('jwk', found.jwk, RS256, false, ['verify']);
      return found.key;
    },
  };
}
