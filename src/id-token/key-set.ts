// A key set as the SDK holds it: only the RSA keys fit for RS256, rebuilt from their public
// members, and the record that persists it in storage between page loads.
import type { JWK } from 'jose';
import * as base64url from 'jose/base64url';
import { isAcceptableKid } from './jws.js';
import { KEY_SET_VERSION, keySetStoreKey, storedKeySetAge } from './key-set-prefetch.js';
import type { KeyValueStore } from '../session/storage.js';

/** A usable key: public members only, imported on first use. */
export interface KeyEntry {
  readonly jwk: JWK;
  key: Promise<CryptoKey> | undefined;
}

export interface KeySet {
  readonly fetchedAt: number;
  readonly all: readonly KeyEntry[];
}

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

/** The value's bit length, from its big-endian bytes (leading zero bytes ignored). */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i += 1;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0));
}

/** The bytes of a base64url member; empty for anything else (jose throws on non-strings). */
function decodeMember(value: unknown): Uint8Array {
  try {
    return base64url.decode(value as string);
  } catch {
    return new Uint8Array();
  }
}

/**
 * The public JWK to verify RS256 with, or undefined for a key to ignore (RFC 7517 §5: skip keys
 * with an unknown `kty`, missing members or out-of-range values rather than fail the set). The
 * result is rebuilt from `kty`, `n`, `e` and `kid`, so private members (`d`, `p`, `q`, `dp`,
 * `dq`, `qi`, `oth`) never reach `importKey`.
 */
function usableJwk(candidate: unknown): JWK | undefined {
  if (typeof candidate !== 'object' || candidate === null) return undefined; // arrays fail on kty
  const k = candidate as Record<string, unknown>;
  if (k['kty'] !== 'RSA') return undefined;
  if (k['use'] !== undefined && k['use'] !== 'sig') return undefined;
  if (k['alg'] !== undefined && k['alg'] !== 'RS256') return undefined;
  const ops = k['key_ops'];
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return undefined;
  const kid = k['kid'];
  if (!isAcceptableKid(kid)) return undefined;
  // RFC 7518 §3.3: at least 2048 bits; the upper bound keeps a hostile set from costing much.
  const bits = bitLength(decodeMember(k['n']));
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return undefined;
  // A public exponent is odd and at least 3 (e = 1 makes every "signature" verify).
  const e = decodeMember(k['e']);
  const eBits = bitLength(e);
  if (eBits < 2 || eBits > 32 || ((e[e.length - 1] ?? 0) & 1) === 0) return undefined;
  const jwk: JWK = { kty: 'RSA', n: k['n'] as string, e: k['e'] as string };
  if (kid !== undefined) jwk.kid = kid;
  return jwk;
}

/** The usable keys of a key set's `keys` array, fetched at `fetchedAt`. */
export function toKeySet(keys: readonly unknown[], fetchedAt: number): KeySet {
  const all: KeyEntry[] = [];
  for (const candidate of keys) {
    const jwk = usableJwk(candidate);
    if (jwk !== undefined) all.push({ jwk, key: undefined });
  }
  return { fetchedAt, all };
}

/**
 * The keys that could verify a token with this `kid` (all usable keys for a token without one).
 * A plain comparison, so a `kid` of `__proto__` or `constructor` is just another string.
 */
export function candidates(set: KeySet, kid: string | undefined): readonly KeyEntry[] {
  return kid === undefined ? set.all : set.all.filter((entry) => entry.jwk.kid === kid);
}

/**
 * The key set stored for `url`, or undefined when there is none; a corrupt entry, or one dated in
 * the future, is removed and never trusted.
 *
 * @example
 * ```ts
 * const persisted = readStoredKeySet(transient, config.endpoints.jwks, Date.now());
 * ```
 */
export function readStoredKeySet(
  store: KeyValueStore,
  url: string,
  now: number,
): KeySet | undefined {
  const raw = store.get(keySetStoreKey(url));
  if (raw === null) return undefined;
  const age = storedKeySetAge(store, url, now);
  try {
    const { keys } = JSON.parse(raw) as { keys?: unknown };
    if (age !== undefined && Array.isArray(keys)) return toKeySet(keys, now - age);
  } catch {
    // Not JSON: discarded below.
  }
  store.remove(keySetStoreKey(url));
  return undefined;
}

/**
 * Stores a key set for `url` (its usable keys only). A failed write is ignored: it only costs a
 * request after a reload.
 *
 * @example
 * ```ts
 * writeStoredKeySet(transient, config.endpoints.jwks, toKeySet(data['keys'] as unknown[], Date.now()));
 * ```
 */
export function writeStoredKeySet(store: KeyValueStore, url: string, set: KeySet): void {
  const entry = { v: KEY_SET_VERSION, fetchedAt: set.fetchedAt, keys: set.all.map((e) => e.jwk) };
  try {
    store.set(keySetStoreKey(url), JSON.stringify(entry));
  } catch {
    // Not persisting only costs a request after a reload.
  }
}
