import { type JWK, type JWSHeaderParameters, base64url } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultTimers } from '../../../src/internal/env';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { verifyIdToken } from '../../../src/id-token/verify';
import { type JwksCache, type JwksCacheOptions, createJwksCache } from '../../../src/id-token/jwks';
import { type KeyValueStore, createKeyValueStore } from '../../../src/session/storage';
import { type FakeFetch, createFakeFetch, json } from '../../helpers/fake-fetch';
import {
  type TestKey,
  atHash,
  fakeModulusJwk,
  generateTestKey,
  generateWeakRsaJwk,
  jwksJson,
  signIdToken,
} from '../../helpers/keys';

const JWKS_URL = 'https://id.twitch.tv/oauth2/keys';
const ISSUER = 'https://id.twitch.tv/oauth2';
const CLIENT = 'hof5gwx0su6owfnys0nyan9c87zr6t';
const NONCE = 'nonce-0123456789';
const ACCESS = '0123456789abcdefghijklmnopqrst';
const T0 = 1_700_000_000_000;
const MAX_AGE_MS = 600_000;
const COOLDOWN_MS = 30_000;

let k1: TestKey;
let k2: TestKey;
let attacker: TestKey;
let weak1024: JWK;

beforeAll(async () => {
  [k1, k2, attacker] = await Promise.all([
    generateTestKey('1'),
    generateTestKey('2'),
    generateTestKey('1'),
  ]);
  // jose will not generate RSA keys under 2048 bits, so this one comes from Web Crypto.
  weak1024 = await generateWeakRsaJwk('1', 1024);
});

interface Setup {
  readonly fake: FakeFetch;
  readonly cache: JwksCache;
  readonly store: KeyValueStore;
  now(): number;
  advance(ms: number): void;
}

function setup(overrides: Partial<JwksCacheOptions> = {}): Setup {
  const fake = createFakeFetch();
  let now = T0;
  const store = overrides.store ?? createKeyValueStore('memory', '');
  const cache = createJwksCache({
    url: JWKS_URL,
    fetch: () => fake.fetch,
    store,
    now: () => now,
    timeoutMs: 1000,
    timers: defaultTimers,
    ...overrides,
  });
  return { fake, cache, store, now: () => now, advance: (ms) => void (now += ms) };
}

function serve(fake: FakeFetch, keys: readonly unknown[], times = 1): void {
  fake.expect({ url: JWKS_URL, respond: json(jwksJson(...keys)), times });
}

/** Answers after `ms` of real time, so that concurrent callers really overlap the request. */
function serveSlowly(fake: FakeFetch, keys: readonly unknown[], ms = 20): void {
  fake.expect({
    url: JWKS_URL,
    respond: () =>
      new Promise<Response>((resolve) => setTimeout(() => resolve(json(jwksJson(...keys))), ms)),
  });
}

/** A valid ID token signed by `key`, issued at `nowMs`; `header` overrides `{ alg, typ, kid }`. */
async function idToken(
  key: TestKey,
  nowMs: number,
  header: Record<string, unknown> = {},
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const claims = {
    iss: ISSUER,
    sub: '141981764',
    aud: CLIENT,
    iat,
    exp: iat + 900,
    nonce: NONCE,
    at_hash: await atHash(ACCESS),
  };
  return signIdToken(key, claims, header);
}

/** Verifies a token from `key` through the cache; resolves to the error code or 'accepted'. */
async function verifyWith(
  s: Setup,
  key: TestKey,
  header: Record<string, unknown> = {},
): Promise<string> {
  return verifyToken(s, await idToken(key, s.now(), header));
}

async function verifyToken(s: Setup, jwt: string): Promise<string> {
  return codeOf(
    verifyIdToken(jwt, {
      clientId: CLIENT,
      issuer: ISSUER,
      nonce: NONCE,
      accessToken: ACCESS,
      clockSkewSeconds: 60,
      maxAgeSeconds: 600,
      now: s.now(),
      getKey: s.cache.getKey,
    }),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (!isTwitchAuthError(error)) throw error;
    return error.code;
  }
}

const jwksRequests = (fake: FakeFetch) => fake.requests.filter((r) => r.url === JWKS_URL).length;

describe('C8 key set responses', () => {
  it('C8.1 HTTP 500/404, a network or CORS failure, and a server that never answers are jwks_unavailable', async () => {
    for (const status of [500, 404]) {
      const s = setup();
      s.fake.expect({ url: JWKS_URL, respond: json({ keys: [k1.jwk] }, status) });
      await expect(s.cache.getKey({ alg: 'RS256', kid: '1' })).rejects.toMatchObject({
        code: 'jwks_unavailable',
        status,
      });
      s.fake.assertDone();
    }
    for (const failure of [
      new TypeError('Failed to fetch'),
      new TypeError('NetworkError when attempting to fetch resource (CORS)'),
    ]) {
      const s = setup();
      s.fake.expect({ url: JWKS_URL, respond: failure });
      const error: unknown = await s.cache
        .getKey({ alg: 'RS256', kid: '1' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'jwks_unavailable', cause: failure });
      s.fake.assertDone();
    }
    // A fetch that never settles, with real timers: the timeout wins and aborts the request.
    const s = setup({ timeoutMs: 50 });
    s.fake.expect({ url: JWKS_URL, respond: () => new Promise<Response>(() => undefined) });
    const started = Date.now();
    expect(await verifyWith(s, k1)).toBe('jwks_unavailable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(s.fake.requests[0]?.signal.aborted).toBe(true);
    // Headers arrive but the body never ends: the same timeout covers it.
    const slowBody = setup({ timeoutMs: 50 });
    const stuck = {
      ok: true,
      status: 200,
      redirected: false,
      headers: new Headers(),
      text: () => new Promise<string>(() => undefined),
    };
    slowBody.fake.expect({ url: JWKS_URL, respond: () => stuck as unknown as Response });
    expect(await verifyWith(slowBody, k1)).toBe('jwks_unavailable');
  });

  it('C8.2 a body that is not JSON, has no keys, or keys not an array is jwks_unavailable; keys [] finds no key', async () => {
    const bodies = [
      new Response('<html>oops</html>', { status: 200 }),
      json({}),
      json({ keys: {} }),
      json(null),
      json([k1.jwk]),
    ];
    for (const body of bodies) {
      const s = setup();
      s.fake.expect({ url: JWKS_URL, respond: body });
      expect(await codeOf(s.cache.getKey({ alg: 'RS256', kid: '1' }))).toBe('jwks_unavailable');
      s.fake.assertDone();
    }
    const s = setup();
    serve(s.fake, [], 2); // the first fetch and one refetch for the missing kid
    expect(await verifyWith(s, k1)).toBe('signature_invalid');
    s.fake.assertDone();
  });

  it('C8.3 ignores junk keys beside a good one (RFC 7517 §5)', async () => {
    const s = setup();
    // Every junk entry claims kid "1": were any kept, the good key would be ambiguous.
    const junk = [
      { kty: 'XYZ', kid: '1' },
      { ...k2.jwk, kty: 'XYZ', kid: '1' },
      { ...k2.jwk, kty: 'oct', kid: '1' },
      { kty: 'RSA', kid: '1', e: 'AQAB' },
      { kty: 'RSA', kid: '1', n: k2.jwk.n },
      { kty: 'RSA', kid: '1', n: '***', e: 'AQAB' },
      { kty: 'RSA', kid: '1', n: 42, e: 'AQAB' },
      { kty: 'EC', kid: '1', crv: 'P-256', x: 'AA', y: 'AA' },
      { ...k2.jwk, kid: 1 },
      'junk',
      null,
      42,
      [k2.jwk],
    ];
    serve(s.fake, [...junk, k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.fake.assertDone();
    // A token without kid may use the only usable key: junk does not count as a second one.
    const noKid = setup();
    serve(noKid.fake, [...junk, { ...k2.jwk, kid: 'k'.repeat(257) }, k1.jwk]);
    expect(await verifyWith(noKid, k1, { kid: undefined })).toBe('accepted');
    noKid.fake.assertDone();
  });

  it('C8.4 a key for use enc, alg RS512 or key_ops without verify is not used', async () => {
    for (const change of [
      { use: 'enc' },
      { alg: 'RS512' },
      { key_ops: ['encrypt'] },
      { key_ops: 'verify' },
    ]) {
      const alone = setup();
      serve(alone.fake, [{ ...k1.jwk, ...change }], 2);
      expect(await verifyWith(alone, k1), JSON.stringify(change)).toBe('signature_invalid');
      alone.fake.assertDone();
      const beside = setup();
      serve(beside.fake, [{ ...k2.jwk, kid: '1', ...change }, k1.jwk]);
      expect(await verifyWith(beside, k1), JSON.stringify(change)).toBe('accepted');
    }
    // Absent use/alg/key_ops, or key_ops including verify, are fine.
    const { use: _use, alg: _alg, ...bare } = k1.jwk;
    for (const jwk of [bare, { ...k1.jwk, key_ops: ['verify'] }]) {
      const s = setup();
      serve(s.fake, [jwk]);
      expect(await verifyWith(s, k1)).toBe('accepted');
    }
  });

  it('C8.5 an oct key never serves an HS256 token: the algorithm gate comes first', async () => {
    const s = setup();
    const secret = new TextEncoder().encode('a shared secret of thirty-two bytes!');
    const octKey = { kty: 'oct', kid: '1', k: base64url.encode(secret), alg: 'HS256' };
    // Served if asked, but it must not be asked.
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(octKey)), times: Infinity });
    const hs256 = await signIdToken(
      { privateKey: secret, kid: '1' },
      { iss: ISSUER, sub: '1', aud: CLIENT, iat: T0 / 1000, exp: T0 / 1000 + 900, nonce: NONCE },
      { alg: 'HS256' },
    );
    const code = await codeOf(
      verifyIdToken(hs256, {
        clientId: CLIENT,
        issuer: ISSUER,
        nonce: NONCE,
        clockSkewSeconds: 60,
        maxAgeSeconds: 600,
        now: T0,
        getKey: s.cache.getKey,
      }),
    );
    expect(code).toBe('alg_not_allowed');
    expect(await codeOf(s.cache.getKey({ alg: 'HS256', kid: '1' }))).toBe('alg_not_allowed');
    expect(jwksRequests(s.fake)).toBe(0);
  });

  it('C8.6 ignores RSA keys under 2048 or over 8192 bits and exponents of 1 or even', async () => {
    const bad = [
      weak1024,
      fakeModulusJwk('1', 2047),
      fakeModulusJwk('1', 16_384),
      fakeModulusJwk('1', 8193),
      { ...k2.jwk, kid: '1', e: 'AQ' }, // e = 1
      { ...k2.jwk, kid: '1', e: 'AQA' }, // e = 256
    ];
    for (const jwk of bad) {
      // Beside the good key under the same kid: accepted only if the bad one was dropped.
      const s = setup();
      serve(s.fake, [jwk, k1.jwk]);
      expect(await verifyWith(s, k1), `${String(jwk.n).length} / ${String(jwk.e)}`).toBe(
        'accepted',
      );
      s.fake.assertDone();
    }
    const s = setup();
    serve(s.fake, [weak1024], 2);
    expect(await codeOf(s.cache.getKey({ alg: 'RS256', kid: '1' }))).toBe('signature_invalid');
    // A modulus of exactly 2048 or 8192 bits passes the size filter.
    const sizes = setup();
    serve(sizes.fake, [fakeModulusJwk('a', 2048), fakeModulusJwk('b', 8192)]);
    expect((await sizes.cache.getKey({ alg: 'RS256', kid: 'a' })).type).toBe('public');
    expect((await sizes.cache.getKey({ alg: 'RS256', kid: 'b' })).type).toBe('public');
  });

  it('C8.7 strips private members before import and never persists them', async () => {
    const s = setup();
    serve(s.fake, [k1.privateJwk]);
    expect(k1.privateJwk).toHaveProperty('d');
    const key = await s.cache.getKey({ alg: 'RS256', kid: '1' });
    expect(key).toMatchObject({ type: 'public', extractable: false, usages: ['verify'] });
    expect(key.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    expect(await verifyWith(s, k1)).toBe('accepted');
    const persisted = JSON.parse(s.store.get(`jwks:${JWKS_URL}`) ?? 'null') as {
      keys: Record<string, unknown>[];
    };
    expect(persisted.keys).toHaveLength(1);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'])
      expect(persisted.keys[0]).not.toHaveProperty(member);
  });

  it('C8.8 refuses to choose between two keys with the same kid (no refetch)', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk, { ...k2.jwk, kid: '1' }]);
    expect(await verifyWith(s, k1)).toBe('signature_invalid');
    s.fake.assertDone();
  });

  it('C8.9 accepts a token without kid against a one-key set', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1, { kid: undefined })).toBe('accepted');
    s.fake.assertDone();
  });

  it('a token with a kid matches only the key with that kid, never a kid-less one', async () => {
    const s = setup();
    const { kid: _kid, ...noKid } = k2.jwk;
    serve(s.fake, [noKid, k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.fake.assertDone();
  });

  it('C8.10 refuses a token without kid when two keys could match', async () => {
    const s = setup();
    const { kid: _a, ...noKid1 } = k1.jwk;
    const { kid: _b, ...noKid2 } = k2.jwk;
    serve(s.fake, [noKid1, noKid2]);
    expect(await verifyWith(s, k1, { kid: undefined })).toBe('signature_invalid');
    s.fake.assertDone();
  });

  it('C8.11 refuses a 5 MB key set, by its length or by its content-length', async () => {
    const big = setup();
    big.fake.expect({
      url: JWKS_URL,
      respond: json({ keys: [k1.jwk], padding: 'x'.repeat(5_000_000) }),
    });
    expect(await codeOf(big.cache.getKey({ alg: 'RS256', kid: '1' }))).toBe('jwks_unavailable');
    const declared = setup();
    declared.fake.expect({
      url: JWKS_URL,
      respond: json({ keys: [k1.jwk] }, 200, { 'content-length': '5000000' }),
    });
    expect(await codeOf(declared.cache.getKey({ alg: 'RS256', kid: '1' }))).toBe(
      'jwks_unavailable',
    );
    const justUnder = setup();
    justUnder.fake.expect({
      url: JWKS_URL,
      respond: json({ keys: [k1.jwk], padding: 'x'.repeat(400_000) }),
    });
    expect(await verifyWith(justUnder, k1)).toBe('accepted');
  });

  it('C8.12 refuses redirects and sends no credentials', async () => {
    const inits: (RequestInit | undefined)[] = [];
    const s = setup({
      fetch: () => (input, init) => {
        inits.push(init);
        return s.fake.fetch(input, init);
      },
    });
    // Like a browser: follow to the attacker's key set unless told redirect: 'error'.
    s.fake.expect({
      url: JWKS_URL,
      respond: (request) => {
        if (request.redirect === 'error') throw new TypeError('Failed to fetch: redirect');
        return json(jwksJson(attacker.jwk));
      },
    });
    expect(await verifyWith(s, attacker)).toBe('jwks_unavailable');
    const request = s.fake.requests[0];
    expect(request).toMatchObject({
      method: 'GET',
      url: JWKS_URL,
      redirect: 'error',
      credentials: 'omit',
    });
    // no-store: a refetch for a rotated key must reach Twitch, not the HTTP cache.
    expect(inits[0]).toMatchObject({ redirect: 'error', credentials: 'omit', cache: 'no-store' });
    expect(inits[0]?.signal).toBeInstanceOf(AbortSignal);
    // A fetch that followed anyway is caught by response.redirected.
    const followed = setup();
    followed.fake.expect({
      url: JWKS_URL,
      respond: () =>
        Object.defineProperty(json(jwksJson(attacker.jwk)), 'redirected', { value: true }),
    });
    expect(await verifyWith(followed, attacker)).toBe('jwks_unavailable');
  });
});

describe('C9 key rotation and refetch storms', () => {
  it('C9.1 refetches once for an unknown kid and accepts the rotated key', async () => {
    const s = setup();
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk)) });
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk, k2.jwk)) });
    expect(await verifyWith(s, k1)).toBe('accepted');
    expect(await verifyWith(s, k2)).toBe('accepted');
    expect(await verifyWith(s, k2)).toBe('accepted');
    s.fake.assertDone();
  });

  it('C9.2 an unknown kid still missing after one refetch is signature_invalid and is remembered', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk], 2);
    expect(await verifyWith(s, k2)).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    // Past the cooldown, the same unknown kid still makes no request...
    s.advance(COOLDOWN_MS + 1);
    expect(await verifyWith(s, k2)).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
    // ...while a kid not seen before may refetch once.
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k2, { kid: 'three' })).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(3);
    s.fake.assertDone();
    // The memory lasts one max age: then the set is refreshed and the kid may refetch once more.
    s.advance(MAX_AGE_MS);
    serve(s.fake, [k1.jwk], 2);
    expect(await verifyWith(s, k2)).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(5);
    s.fake.assertDone();
  });

  it('C9.3 50 concurrent verifications share one request, cold or for an unknown kid', async () => {
    const s = setup();
    const tokens1 = await Promise.all(Array.from({ length: 50 }, () => idToken(k1, s.now())));
    const tokens2 = await Promise.all(Array.from({ length: 50 }, () => idToken(k2, s.now())));
    serveSlowly(s.fake, [k1.jwk]);
    const cold = await Promise.all(tokens1.map((t) => verifyToken(s, t)));
    expect(new Set(cold)).toEqual(new Set(['accepted']));
    expect(jwksRequests(s.fake)).toBe(1);
    serveSlowly(s.fake, [k1.jwk, k2.jwk]);
    const rotated = await Promise.all(tokens2.map((t) => verifyToken(s, t)));
    expect(new Set(rotated)).toEqual(new Set(['accepted']));
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
  });

  it('C9.4 100 forged tokens with random kids inside the cooldown make at most one request', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    const forge = () => idToken(attacker, s.now(), { kid: crypto.randomUUID() });
    const batch = await Promise.all(Array.from({ length: 50 }, forge));
    serveSlowly(s.fake, [k1.jwk]);
    const concurrent = await Promise.all(batch.map((t) => verifyToken(s, t)));
    const sequential: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      s.advance(100);
      sequential.push(await verifyToken(s, await forge()));
    }
    expect(new Set([...concurrent, ...sequential])).toEqual(new Set(['signature_invalid']));
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
    // The next window allows one more.
    s.advance(COOLDOWN_MS);
    serve(s.fake, [k1.jwk]);
    expect(await verifyToken(s, await forge())).toBe('signature_invalid');
    expect(await verifyToken(s, await forge())).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(3);
    s.fake.assertDone();
  });

  it('C9.5 a failed refetch keeps the cached set', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    // An unknown kid's refetch fails: that token cannot be checked, the old key still works.
    s.fake.expect({ url: JWKS_URL, respond: new TypeError('Failed to fetch') });
    expect(await verifyWith(s, k2)).toBe('jwks_unavailable');
    expect(await verifyWith(s, k1)).toBe('accepted');
    // The set is past its max age and the refresh answers 503: the stale set still verifies.
    s.advance(MAX_AGE_MS);
    s.fake.expect({ url: JWKS_URL, respond: json({}, 503) });
    expect(await verifyWith(s, k1)).toBe('accepted');
    expect(jwksRequests(s.fake)).toBe(3);
    s.fake.assertDone();
  });

  it('C9.6 refreshes a set once it reaches its max age', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.advance(MAX_AGE_MS - 1);
    expect(await verifyWith(s, k1)).toBe('accepted');
    expect(jwksRequests(s.fake)).toBe(1);
    s.advance(1);
    serve(s.fake, [k2.jwk]);
    expect(await verifyWith(s, k2)).toBe('accepted');
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
    // A clock set back past the fetch time does not keep the set fresh for ever.
    s.advance(-3_600_000);
    serve(s.fake, [k2.jwk]);
    expect(await verifyWith(s, k2)).toBe('accepted');
    expect(jwksRequests(s.fake)).toBe(3);
    s.fake.assertDone();
  });
});

describe('persisted key set', () => {
  it('a reload within the max age makes no request (a new cache over the same store)', async () => {
    const first = setup();
    serve(first.fake, [k1.jwk]);
    expect(await verifyWith(first, k1)).toBe('accepted');
    const reloaded = setup({ store: first.store });
    expect(await verifyWith(reloaded, k1)).toBe('accepted');
    expect(reloaded.fake.requests).toHaveLength(0);
    reloaded.fake.assertDone();
    // After the max age, the reloaded page fetches again.
    reloaded.advance(MAX_AGE_MS);
    serve(reloaded.fake, [k1.jwk]);
    expect(await verifyWith(reloaded, k1)).toBe('accepted');
    reloaded.fake.assertDone();
  });

  it('discards corrupt persisted entries and fetches instead', async () => {
    const corrupt = [
      '{"fetchedAt":',
      'null',
      '"keys"',
      '{"__proto__":{"polluted":true}}',
      JSON.stringify({ v: 1, fetchedAt: 'soon', keys: [k1.jwk] }),
      JSON.stringify({ v: 1, fetchedAt: T0, keys: { 0: k1.jwk } }),
      JSON.stringify({ v: 99, fetchedAt: T0, keys: [k1.jwk] }),
    ];
    for (const value of corrupt) {
      const store = createKeyValueStore('memory', '');
      store.set(`jwks:${JWKS_URL}`, value);
      const s = setup({ store });
      // The network is down too: the entry must be gone, not kept as a fallback.
      s.fake.expect({ url: JWKS_URL, respond: json({}, 503) });
      expect(await verifyWith(s, k1), value).toBe('jwks_unavailable');
      expect(store.get(`jwks:${JWKS_URL}`), value).toBeNull();
      serve(s.fake, [k1.jwk]);
      expect(await verifyWith(s, k1), value).toBe('accepted');
      s.fake.assertDone();
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('does not trust a persisted entry dated in the future, not even as a fallback', async () => {
    const store = createKeyValueStore('memory', '');
    store.set(
      `jwks:${JWKS_URL}`,
      JSON.stringify({ v: 1, fetchedAt: T0 + 3_600_000, keys: [attacker.jwk] }),
    );
    const s = setup({ store });
    s.fake.expect({ url: JWKS_URL, respond: new TypeError('Failed to fetch') });
    expect(await verifyWith(s, attacker)).toBe('jwks_unavailable');
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.fake.assertDone();
  });

  it('getKey itself refuses a kid that is not a short string, before any request', async () => {
    const s = setup();
    for (const kid of [7, { toString: () => '1' }, 'k'.repeat(257)]) {
      const header = { alg: 'RS256', kid } as unknown as JWSHeaderParameters;
      expect(await codeOf(s.cache.getKey(header)), String(kid).slice(0, 10)).toBe(
        'id_token_invalid',
      );
    }
    s.fake.assertDone();
  });

  it('a key Web Crypto will not import is signature_invalid with the cause kept, not a raw DOMException', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    const failure = new DOMException('The JWK "n" member contained a leading zero.', 'DataError');
    const spy = vi.spyOn(crypto.subtle, 'importKey').mockRejectedValueOnce(failure);
    try {
      const error: unknown = await s.cache
        .getKey({ alg: 'RS256', kid: '1' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'signature_invalid', cause: failure });
      expect(spy).toHaveBeenCalledWith(
        'jwk',
        { kty: 'RSA', n: k1.jwk.n, e: k1.jwk.e, kid: '1' },
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      );
    } finally {
      spy.mockRestore();
    }
    s.fake.assertDone();
  });

  it('looks the fetch function up at call time, never at creation', async () => {
    let calls = 0;
    const fake = createFakeFetch();
    serve(fake, [k1.jwk]);
    const cache = createJwksCache({
      url: JWKS_URL,
      fetch: () => {
        calls += 1;
        return fake.fetch;
      },
      store: createKeyValueStore('memory', ''),
      now: () => T0,
      timeoutMs: 1000,
      timers: defaultTimers,
    });
    expect(calls).toBe(0);
    await cache.getKey({ alg: 'RS256', kid: '1' });
    expect(calls).toBe(1);
    fake.assertDone();
  });
});

describe('what a key set failure says', () => {
  it('says why the key set is unavailable', async () => {
    const never = () => new Promise<Response>(() => undefined);
    const cases: [Response | Error | (() => Promise<Response>), RegExp][] = [
      [json(jwksJson(k1.jwk), 500), /answered 500/],
      [json(jwksJson(k1.jwk), 200, { 'content-length': '5000000' }), /too large/],
      [json({ keys: [k1.jwk], padding: 'x'.repeat(600_000) }), /too large/],
      [json(null), /no "keys" array/],
      [json({}), /no "keys" array/],
      [new TypeError('Failed to fetch'), /could not be fetched/],
      [never, /did not arrive in time/],
    ];
    for (const [respond, message] of cases) {
      const s = setup({ timeoutMs: 20 });
      s.fake.expect({ url: JWKS_URL, respond });
      const error: unknown = await s.cache
        .getKey({ alg: 'RS256', kid: '1' })
        .catch((e: unknown) => e);
      expect(error, String(message)).toMatchObject({
        code: 'jwks_unavailable',
        message: expect.stringMatching(message),
      });
      s.fake.assertDone();
    }
  });

  it('says that no single key fits', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk, { ...k2.jwk, kid: '1' }]);
    await expect(s.cache.getKey({ alg: 'RS256', kid: '1' })).rejects.toMatchObject({
      code: 'signature_invalid',
      message: expect.stringMatching(/No single key/),
    });
  });
});

describe('key set size limit', () => {
  it('accepts a key set of exactly 512 KiB, declared or counted', async () => {
    const declared = setup();
    declared.fake.expect({
      url: JWKS_URL,
      respond: json(jwksJson(k1.jwk), 200, { 'content-length': String(512 * 1024) }),
    });
    expect(await verifyWith(declared, k1)).toBe('accepted');
    const counted = setup();
    const empty = JSON.stringify({ keys: [k1.jwk], padding: '' });
    const body = JSON.stringify({ keys: [k1.jwk], padding: 'x'.repeat(512 * 1024 - empty.length) });
    expect(body).toHaveLength(512 * 1024);
    counted.fake.expect({ url: JWKS_URL, respond: new Response(body, { status: 200 }) });
    expect(await verifyWith(counted, k1)).toBe('accepted');
  });
});

describe('which key set is used', () => {
  /** A store that keeps nothing (a full or refusing storage). */
  const forgetful: KeyValueStore = {
    get: () => null,
    set: () => undefined,
    remove: () => undefined,
    webStorage: () => undefined,
  };

  it('uses the fresh key set in memory when storage kept nothing', async () => {
    const s = setup({ store: forgetful });
    serve(s.fake, [k1.jwk]);
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.advance(60_000);
    expect(await verifyWith(s, k1)).toBe('accepted');
    expect(jwksRequests(s.fake)).toBe(1);
    s.fake.assertDone();
  });

  it('falls back to a stale stored set after a reload when the network is down', async () => {
    const store = createKeyValueStore('memory', '');
    const fetchedAt = T0 - MAX_AGE_MS - 60_000;
    store.set(`jwks:${JWKS_URL}`, JSON.stringify({ v: 1, fetchedAt, keys: [k1.jwk] }));
    const s = setup({ store });
    s.fake.expect({ url: JWKS_URL, respond: new TypeError('Failed to fetch') });
    expect(await verifyWith(s, k1)).toBe('accepted');
    s.fake.assertDone();
  });

  it('does not fall back to a stale set with no usable key: the outage is reported', async () => {
    const s = setup();
    serve(s.fake, [], 2); // the first fetch and one refetch for the missing kid
    expect(await codeOf(s.cache.getKey({ alg: 'RS256', kid: '1' }))).toBe('signature_invalid');
    s.advance(MAX_AGE_MS);
    s.fake.expect({ url: JWKS_URL, respond: json({}, 503) });
    await expect(s.cache.getKey({ alg: 'RS256', kid: '1' })).rejects.toMatchObject({
      code: 'jwks_unavailable',
      status: 503,
    });
    s.fake.assertDone();
  });

  it('warm() starts the request at once, and uses a response already under way', async () => {
    const s = setup();
    serve(s.fake, [k1.jwk]);
    s.cache.warm();
    expect(s.fake.requests).toHaveLength(1);
    expect((await s.cache.getKey({ alg: 'RS256', kid: '1' })).type).toBe('public');
    expect(s.fake.requests).toHaveLength(1);
    // The prefetched response serves the set: the cache itself sends nothing.
    const prefetched = setup();
    prefetched.cache.warm(Promise.resolve(json(jwksJson(k1.jwk))));
    expect((await prefetched.cache.getKey({ alg: 'RS256', kid: '1' })).type).toBe('public');
    expect(prefetched.fake.requests).toHaveLength(0);
  });
});

describe('unknown kids', () => {
  const lookup = (s: Setup, kid?: string) =>
    codeOf(s.cache.getKey(kid === undefined ? { alg: 'RS256' } : { alg: 'RS256', kid }));

  /** A cache whose set (`keys`) lacks kid "u0": a first fetch and one refetch, at T0. */
  async function afterFirstUnknown(keys: readonly unknown[]): Promise<Setup> {
    const s = setup();
    serve(s.fake, keys, 2);
    expect(await lookup(s, 'u0')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    return s;
  }

  it('remembers several unknown kids at once', async () => {
    const s = await afterFirstUnknown([k1.jwk]);
    expect(await lookup(s, 'u1')).toBe('signature_invalid'); // in the cooldown: no request
    s.advance(COOLDOWN_MS + 1);
    // "u0" is still known to be missing: no refetch for it.
    expect(await lookup(s, 'u0')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
  });

  it('forgets them all once 256 are remembered, so the memory stays bounded', async () => {
    const s = await afterFirstUnknown([k1.jwk]);
    for (let i = 1; i < 255; i += 1) await lookup(s, `u${i}`);
    s.advance(COOLDOWN_MS + 1);
    // 255 remembered: "u0" is still known.
    expect(await lookup(s, 'u0')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    // The 256th refetches (a new kid past the cooldown); the 257th starts the memory over.
    serve(s.fake, [k1.jwk]);
    expect(await lookup(s, 'u255')).toBe('signature_invalid');
    expect(await lookup(s, 'u256')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(3);
    s.advance(COOLDOWN_MS + 1);
    serve(s.fake, [k1.jwk]);
    expect(await lookup(s, 'u0')).toBe('signature_invalid'); // forgotten: may refetch again
    expect(jwksRequests(s.fake)).toBe(4);
    s.fake.assertDone();
  });

  it('a token without kid takes no place among them', async () => {
    const s = await afterFirstUnknown([]);
    for (let i = 1; i < 255; i += 1) await lookup(s, `u${i}`);
    expect(await lookup(s)).toBe('signature_invalid'); // no kid, and no key at all
    expect(await lookup(s, 'u255')).toBe('signature_invalid'); // the 256th kid
    s.advance(COOLDOWN_MS + 1);
    expect(await lookup(s, 'u0')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    s.fake.assertDone();
  });

  it('does not remember a kid that the refetch found', async () => {
    const s = setup();
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk)) });
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk, k2.jwk)) });
    expect(await lookup(s, '1')).toBe('accepted');
    expect(await lookup(s, '2')).toBe('accepted'); // rotated in
    s.advance(COOLDOWN_MS + 1);
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk)) });
    expect(await lookup(s, '3')).toBe('signature_invalid'); // this refetch lacks "2" again
    s.advance(COOLDOWN_MS + 1);
    s.fake.expect({ url: JWKS_URL, respond: json(jwksJson(k1.jwk, k2.jwk)) });
    expect(await lookup(s, '2')).toBe('accepted'); // refetched, not refused from memory
    expect(jwksRequests(s.fake)).toBe(4);
    s.fake.assertDone();
  });

  it('refetches again exactly one cooldown after the last refetch', async () => {
    const s = await afterFirstUnknown([k1.jwk]);
    s.advance(COOLDOWN_MS - 1);
    expect(await lookup(s, 'a')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(2);
    s.advance(1);
    serve(s.fake, [k1.jwk]);
    expect(await lookup(s, 'b')).toBe('signature_invalid');
    expect(jwksRequests(s.fake)).toBe(3);
    s.fake.assertDone();
  });
});
