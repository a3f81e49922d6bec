// Which keys of a key set are kept, and how a stored key set is read back.
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { readStoredKeySet, toKeySet } from '../../../src/id-token/key-set';
import { type KeyValueStore, createKeyValueStore } from '../../../src/session/storage';
import { fakeModulusJwk } from '../../helpers/keys';

const JWKS_URL = 'https://id.twitch.tv/oauth2/keys';
const T0 = 1_700_000_000_000;

/** A 2048-bit RSA key with exponent bytes `e` (big-endian). */
const withExponent = (e: readonly number[]) => ({
  ...fakeModulusJwk('1', 2048),
  e: base64url.encode(new Uint8Array(e)),
});

const kept = (candidate: unknown) => toKeySet([candidate], T0).all.length === 1;

describe('toKeySet', () => {
  it('skips entries that are not objects, undefined included', () => {
    expect(
      toKeySet([undefined, null, 'RSA', 42, true, fakeModulusJwk('1', 2048)], T0).all,
    ).toHaveLength(1);
  });

  it('keeps an odd exponent from 3 up to 32 bits, leading zero bytes ignored', () => {
    expect(kept(withExponent([3])), 'e = 3').toBe(true);
    expect(kept(withExponent([1])), 'e = 1').toBe(false);
    expect(kept(withExponent([0x80, 0, 0, 1])), '32 bits').toBe(true);
    expect(kept(withExponent([1, 0, 0, 0, 1])), '33 bits').toBe(false);
    // 65537 behind four zero bytes is still 17 bits.
    expect(kept(withExponent([0, 0, 0, 0, 1, 0, 1])), '0000010001').toBe(true);
    expect(kept(withExponent([0, 0, 0, 0, 0]))).toBe(false);
    expect(kept(withExponent([]))).toBe(false);
  });

  it('measures the modulus without its leading zero bytes', () => {
    const padded = (bits: number, zeros: number) => {
      const jwk = fakeModulusJwk('1', bits);
      const n = base64url.decode(String(jwk.n));
      return { ...jwk, n: base64url.encode(new Uint8Array([...new Uint8Array(zeros), ...n])) };
    };
    expect(kept(padded(8192, 2))).toBe(true);
    expect(kept(padded(2048, 4))).toBe(true);
    expect(kept(padded(2040, 4))).toBe(false);
  });

  it('rebuilds the key from kty, n, e and kid only, with no kid member when it has none', () => {
    const { kid: _kid, ...noKid } = { ...fakeModulusJwk('1', 2048), d: 'private', x5c: ['cert'] };
    const [entry] = toKeySet([noKid], T0).all;
    expect(entry?.jwk).toStrictEqual({ kty: 'RSA', n: noKid.n, e: noKid.e });
    const [withKid] = toKeySet([{ ...noKid, kid: 'a' }], T0).all;
    expect(withKid?.jwk).toStrictEqual({ kty: 'RSA', n: noKid.n, e: noKid.e, kid: 'a' });
  });
});

describe('readStoredKeySet', () => {
  /** A memory store that records its writes. */
  function recordingStore(): KeyValueStore & { writes: string[] } {
    const store = createKeyValueStore('memory', '');
    const writes: string[] = [];
    return {
      ...store,
      writes,
      set: (key, value) => {
        writes.push(`set ${key}`);
        store.set(key, value);
      },
      remove: (key) => {
        writes.push(`remove ${key}`);
        store.remove(key);
      },
    };
  }

  it('reads nothing and writes nothing when no key set is stored', () => {
    const store = recordingStore();
    expect(readStoredKeySet(store, JWKS_URL, T0)).toBeUndefined();
    expect(store.writes).toEqual([]);
  });

  it('dates the stored set by when it was fetched, not by when it was read', () => {
    const store = recordingStore();
    const jwk = fakeModulusJwk('1', 2048);
    store.set(`jwks:${JWKS_URL}`, JSON.stringify({ v: 1, fetchedAt: T0, keys: [jwk] }));
    const set = readStoredKeySet(store, JWKS_URL, T0 + 60_000);
    expect(set?.fetchedAt).toBe(T0);
    expect(set?.all.map((e) => e.jwk.kid)).toEqual(['1']);
    expect(store.writes).toEqual([`set jwks:${JWKS_URL}`]);
  });
});
