import { type JWK, type JWSHeaderParameters, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../src/errors';
import { type JwksCacheOptions, createJwksCache } from '../../src/jwks';
import { type KeyValueStore, createKeyValueStore, createMemoryStorage } from '../../src/storage';
import { createFakeFetch, json } from '../helpers/fake-fetch';

const URL_ = 'https://id.twitch.tv/oauth2/keys';
const T0 = 1_700_000_000_000;
let k1: JWK;
let k2: JWK;
let small: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  const make = async (kid: string, modulusLength = 2048) => {
    // jose refuses to make keys under 2048 bits, so the small one comes from Web Crypto itself.
    const pair =
      modulusLength >= 2048
        ? await generateKeyPair('RS256', { extractable: true })
        : await crypto.subtle.generateKey(
            { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
            true,
            ['sign', 'verify'],
          );
    return { pub: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' }, priv: await exportJWK(pair.privateKey) };
  };
  const a = await make('k1');
  k1 = a.pub;
  privateJwk = { ...a.priv, kid: 'k1' };
  k2 = (await make('k2')).pub;
  small = (await make('small', 1024)).pub;
});

function setup(overrides: Partial<JwksCacheOptions> & { store?: KeyValueStore } = {}) {
  const fake = createFakeFetch();
  let now = T0;
  const store = overrides.store ?? createKeyValueStore(createMemoryStorage(), '');
  const cache = createJwksCache({ url: URL_, fetch: () => fake.fetch, store, now: () => now, timeoutMs: 200, ...overrides });
  return { fake, cache, store, tick: (ms: number) => (now += ms) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
  }
}

const header = (kid?: string): JWSHeaderParameters => (kid === undefined ? { alg: 'RS256' } : { alg: 'RS256', kid });

describe('C8 key set responses', () => {
  it.each([[500], [404]])('C8.1 status %i is jwks_unavailable', async (status) => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({}, status) });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('jwks_unavailable');
  });
  it('C8.1 a network error is jwks_unavailable', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: new TypeError('Failed to fetch') });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('jwks_unavailable');
  });
  it('C8.1 a server that never answers is jwks_unavailable within the timeout, not a hang', async () => {
    const { fake, cache } = setup({ timeoutMs: 50 });
    fake.expect({ url: URL_, respond: () => new Promise<Response>(() => undefined) });
    const started = Date.now();
    expect(await codeOf(cache.getKey(header('k1')))).toBe('jwks_unavailable');
    expect(Date.now() - started).toBeLessThan(1000);
  });
  it.each([['not JSON', new Response('<html>', { status: 200 })], ['no keys', json({})], ['keys not an array', json({ keys: {} })]])(
    'C8.2 %s is jwks_unavailable',
    async (_name, response) => {
      const { fake, cache } = setup();
      fake.expect({ url: URL_, respond: response });
      expect(await codeOf(cache.getKey(header('k1')))).toBe('jwks_unavailable');
    },
  );
  it('C8.2 an empty keys array finds no key', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [] }) });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('signature_invalid');
  });
  it('C8.3 ignores junk keys beside a good one', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [{ kty: 'XYZ', kid: 'k1' }, { kty: 'RSA', kid: 'k1' }, 'junk', null, k1] }) });
    expect(await cache.getKey(header('k1'))).toHaveProperty('type', 'public');
  });
  it.each([[{ use: 'enc' }], [{ alg: 'RS512' }], [{ key_ops: ['encrypt'] }]])('C8.4 a key with %j is not used', async (change) => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [{ ...k1, ...change }] }) });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('signature_invalid');
  });
  it('C8.5 an oct key never serves an HS256 token (the algorithm gate comes first)', async () => {
    const { cache } = setup();
    expect(await codeOf(cache.getKey({ alg: 'HS256', kid: 'k1' }))).toBe('alg_not_allowed');
  });
  it('C8.6 ignores RSA keys under 2048 bits', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [small] }) });
    expect(await codeOf(cache.getKey(header('small')))).toBe('signature_invalid');
  });
  it('C8.7 strips private members before import', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [privateJwk] }) });
    const key = await cache.getKey(header('k1'));
    expect(key.type).toBe('public');
  });
  it('C8.8 refuses to choose between two keys with one kid', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1, { ...k2, kid: 'k1' }] }) });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('signature_invalid');
  });
  it('C8.10 refuses a token without kid when several keys could match', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1, k2] }), times: 2 });
    expect(await codeOf(cache.getKey(header()))).toBe('signature_invalid');
  });
  it('C8.11 refuses a 5 MB key set', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1], padding: 'x'.repeat(5_000_000) }) });
    expect(await codeOf(cache.getKey(header('k1')))).toBe('jwks_unavailable');
  });
  it('C8.12 asks fetch to refuse redirects and send no credentials', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    await cache.getKey(header('k1'));
    expect(fake.requests[0]?.redirect).toBe('error');
    expect(fake.requests[0]?.credentials).toBe('omit');
  });
});

describe('C9 key rotation and refetch storms', () => {
  it('C9.1 refetches once for an unknown kid and accepts the rotated key', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    fake.expect({ url: URL_, respond: json({ keys: [k1, k2] }) });
    await cache.getKey(header('k1'));
    expect((await cache.getKey(header('k2'))).type).toBe('public');
    fake.assertDone();
  });
  it('C9.2 still missing after one refetch: signature_invalid, exactly one refetch', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }), times: 2 });
    expect(await codeOf(cache.getKey(header('k9')))).toBe('signature_invalid');
    expect(fake.requests).toHaveLength(2);
  });
  it('C9.3 50 concurrent lookups of an unknown kid make one request', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    await cache.getKey(header('k1'));
    fake.expect({ url: URL_, respond: json({ keys: [k1, k2] }) });
    const keys = await Promise.all(Array.from({ length: 50 }, () => cache.getKey(header('k2'))));
    expect(keys.every((k) => k.type === 'public')).toBe(true);
    expect(fake.requests).toHaveLength(2);
  });
  it('C9.4 100 forged random kids inside the cooldown make at most one request', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }), times: Infinity });
    await cache.getKey(header('k1'));
    const codes = await Promise.all(Array.from({ length: 100 }, (_, i) => codeOf(cache.getKey(header(`forged-${i}`)))));
    expect(new Set(codes)).toEqual(new Set(['signature_invalid']));
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });
  it('C9.5 a failed refetch keeps the cached set', async () => {
    const { fake, cache } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    fake.expect({ url: URL_, respond: json({}, 500) });
    await cache.getKey(header('k1'));
    expect(await codeOf(cache.getKey(header('k2')))).toBe('signature_invalid');
    expect((await cache.getKey(header('k1'))).type).toBe('public');
  });
  it('C9.6 refreshes a set older than its max age', async () => {
    const { fake, cache, tick } = setup();
    fake.expect({ url: URL_, respond: json({ keys: [k1] }), times: 2 });
    await cache.getKey(header('k1'));
    tick(600_001);
    await cache.getKey(header('k1'));
    fake.assertDone();
  });
  it('makes no request after a reload within the max age (persisted set)', async () => {
    const first = setup();
    first.fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    await first.cache.getKey(header('k1'));
    const reloaded = setup({ store: first.store });
    expect((await reloaded.cache.getKey(header('k1'))).type).toBe('public');
    expect(reloaded.fake.requests).toHaveLength(0);
  });
  it('discards a corrupt persisted set', async () => {
    const store = createKeyValueStore(createMemoryStorage(), '');
    store.set(`jwks:${URL_}`, '{"fetchedAt":"soon","keys":');
    const { fake, cache } = setup({ store });
    fake.expect({ url: URL_, respond: json({ keys: [k1] }) });
    expect((await cache.getKey(header('k1'))).type).toBe('public');
  });
});
