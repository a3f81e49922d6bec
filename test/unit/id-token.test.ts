import { type JWK, SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTwitchAuthError } from '../../src/errors';
import { type VerifyIdTokenOptions, verifyIdToken } from '../../src/id-token';
import { createJwksCache } from '../../src/jwks';
import { createKeyValueStore, createMemoryStorage } from '../../src/storage';
import { json } from '../helpers/fake-fetch';
import { atHash } from '../helpers/twitch';

const ISSUER = 'https://id.twitch.tv/oauth2';
const CLIENT = 'cid';
const NOW = 1_700_000_000_000;
const NOW_S = NOW / 1000;
const ACCESS = 'accesstokenaccesstokenaccessto';
const NONCE = 'nonce-123';

let privateKey: CryptoKey;
let jwk: JWK;
let publicPem: string;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  publicPem = JSON.stringify(jwk);
});

async function claims(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {
    iss: ISSUER, sub: '42', aud: CLIENT, iat: NOW_S, exp: NOW_S + 900, nonce: NONCE, at_hash: await atHash(ACCESS),
    ...overrides,
  };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  return all;
}

async function token(overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(await claims(overrides)).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(privateKey);
}

function keysFor(keys: unknown[]): VerifyIdTokenOptions['getKey'] {
  return createJwksCache({
    url: 'https://id.twitch.tv/oauth2/keys',
    fetch: () => async () => json({ keys }),
    store: createKeyValueStore(createMemoryStorage(), ''),
    now: () => NOW,
    timeoutMs: 1000,
  }).getKey;
}

async function verify(idToken: string, options: Partial<VerifyIdTokenOptions> = {}) {
  return verifyIdToken(idToken, {
    clientId: CLIENT, issuer: ISSUER, nonce: NONCE, accessToken: ACCESS, clockSkewSeconds: 60,
    maxAgeSeconds: 600, now: NOW, getKey: keysFor([jwk]), ...options,
  });
}

async function codeOf(idToken: string | Promise<string>, options: Partial<VerifyIdTokenOptions> = {}) {
  try {
    await verify(await idToken, options);
  } catch (error) {
    expect(String((error as Error).message)).not.toContain(ACCESS);
    return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
  }
  return 'accepted';
}

const segment = (value: unknown): string => base64url.encode(JSON.stringify(value));

describe('accepting cases', () => {
  it('accepts a valid Twitch-shaped ID token and returns its claims', async () => {
    expect(await verify(await token({ preferred_username: 'TwitchDev' }))).toMatchObject({ sub: '42', preferred_username: 'TwitchDev' });
  });
  it('C7.3 accepts aud as a one-element array', async () => {
    expect(await codeOf(token({ aud: [CLIENT] }))).toBe('accepted');
  });
  it('C8.9 accepts a token without kid against a one-key set', async () => {
    const noKid = await new SignJWT(await claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(await codeOf(noKid)).toBe('accepted');
  });
  it('C7.9 accepts exp between now and now minus the leeway', async () => {
    expect(await codeOf(token({ exp: NOW_S - 30 }))).toBe('accepted');
  });
  it('does not need at_hash when no access token came with the ID token', async () => {
    expect(await codeOf(token({ at_hash: undefined }), { accessToken: undefined } as never)).toBe('accepted');
  });
});

describe('C5 JWT structure', () => {
  it.each(['a.b', 'a.b.c.d', 'a.b.c.d.e'])('C5.1 refuses %s segments', async (value) => {
    expect(await codeOf(value)).toBe('id_token_invalid');
  });
  it('C5.2 refuses an empty header or payload segment', async () => {
    const [h, p, s] = (await token()).split('.');
    expect(await codeOf(`.${p}.${s}`)).toBe('id_token_invalid');
    expect(await codeOf(`${h}..${s}`)).toBe('id_token_invalid');
  });
  it('C5.3 refuses non-base64url characters and padding', async () => {
    const [h, p, s] = (await token()).split('.');
    expect(await codeOf(`${h}+.${p}.${s}`)).toBe('id_token_invalid');
    expect(await codeOf(`${h}.${p}=.${s}`)).toBe('id_token_invalid');
    expect(await codeOf(`${h}.${p}.${s}/`)).toBe('id_token_invalid');
  });
  it.each([['not json', base64url.encode('not json')], ['array', segment([1])], ['null', segment(null)], ['string', segment('x')]])(
    'C5.4 refuses a header that is %s',
    async (_name, header) => {
      const [, p, s] = (await token()).split('.');
      expect(await codeOf(`${header}.${p}.${s}`)).toMatch(/id_token_invalid|alg_not_allowed/);
    },
  );
  it('C5.6 refuses a payload that is not UTF-8 JSON (the signature covers it too)', async () => {
    const [h, , s] = (await token()).split('.');
    expect(await codeOf(`${h}.${base64url.encode(new Uint8Array([0xff, 0xfe, 0x7b]))}.${s}`)).toMatch(/id_token_invalid|signature_invalid/);
  });
  it('C5.7 refuses a 200 KB token quickly', async () => {
    expect(await codeOf(await token({ padding: 'x'.repeat(200_000) }))).toBe('id_token_invalid');
  });
  it('C5.8 refuses an empty signature with RS256', async () => {
    const [h, p] = (await token()).split('.');
    expect(await codeOf(`${h}.${p}.`)).toBe('signature_invalid');
  });
});

describe('C6 header, algorithm and key confusion', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('C6.1 refuses alg %s', async (alg) => {
    const [, p] = (await token()).split('.');
    expect(await codeOf(`${segment({ alg, kid: 'k1' })}.${p}.`)).toBe('alg_not_allowed');
  });
  it('C6.2 refuses HS256 signed with the RSA public key as the secret, before any key lookup', async () => {
    let lookups = 0;
    const hs = await new SignJWT(await claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(publicPem));
    expect(await codeOf(hs, { getKey: async () => { lookups += 1; throw new Error('no'); } })).toBe('alg_not_allowed');
    expect(lookups).toBe(0);
  });
  it.each(['RS384', 'PS256', 'ES256'])('C6.3 / C6.9 refuses %s', async (alg) => {
    const [, p, s] = (await token()).split('.');
    expect(await codeOf(`${segment({ alg, kid: 'k1' })}.${p}.${s}`)).toBe('alg_not_allowed');
  });
  it.each(['jwk', 'jku', 'x5u', 'x5c'])('C6.4 refuses a %s header and fetches nothing', async (name) => {
    let lookups = 0;
    const value = name === 'jwk' ? jwk : name === 'x5c' ? ['MIIB'] : 'https://evil.example/keys';
    expect(await codeOf(token({}, { [name]: value }), { getKey: async () => { lookups += 1; throw new Error('no'); } })).toBe('id_token_invalid');
    expect(lookups).toBe(0);
  });
  it.each([[{ crit: ['exp'] }], [{ crit: ['b64'], b64: false }], [{ crit: ['whatever'] }]])('C6.5 refuses crit %j', async (header) => {
    const [, p, s] = (await token()).split('.');
    expect(await codeOf(`${segment({ alg: 'RS256', kid: 'k1', ...header })}.${p}.${s}`)).toBe('id_token_invalid');
  });
  it.each([['__proto__'], ['constructor'], ['../../x']])('C6.6 a kid of %s finds no key', async (kid) => {
    expect(await codeOf(token({}, { kid }))).toBe('signature_invalid');
  });
  it('C6.6 refuses a 10 KB kid and a non-string kid', async () => {
    expect(await codeOf(token({}, { kid: 'k'.repeat(10_000) }))).toBe('id_token_invalid');
    const [, p, s] = (await token()).split('.');
    expect(await codeOf(`${segment({ alg: 'RS256', kid: 7 })}.${p}.${s}`)).toBe('id_token_invalid');
  });
  it('C6.7 refuses a signature with its bytes XORed or shuffled', async () => {
    const [h, p, s = ''] = (await token()).split('.');
    const xored = base64url.encode(base64url.decode(s).map((b) => b ^ 0x5a));
    expect(await codeOf(`${h}.${p}.${xored}`)).toBe('signature_invalid');
    expect(await codeOf(`${h}.${p}.${s.split('').reverse().join('')}`)).toBe('signature_invalid');
  });
  it('C6.8 refuses an edited payload under the old signature', async () => {
    const [h, , s] = (await token()).split('.');
    expect(await codeOf(`${h}.${segment(await claims({ sub: '1' }))}.${s}`)).toBe('signature_invalid');
  });
  it.each(['at+jwt', 'logout+jwt'])('C6.10 refuses typ %s', async (typ) => {
    expect(await codeOf(token({}, { typ }))).toBe('id_token_invalid');
  });
});

describe('C7 claims', () => {
  it.each([[`${ISSUER}1`], ['https://example.org/'], [`${ISSUER}/`], [ISSUER.toUpperCase()]])('C7.1 refuses iss %s', async (iss) => {
    expect(await codeOf(token({ iss }))).toBe('issuer_mismatch');
  });
  it('C7.1 refuses a missing iss', async () => {
    expect(await codeOf(token({ iss: undefined }))).toBe('issuer_mismatch');
  });
  it.each([[`${CLIENT}1`], ['https://example.com/'], [undefined], [[]]])('C7.2 refuses aud %j', async (aud) => {
    expect(await codeOf(token({ aud }))).toBe('audience_mismatch');
  });
  it('C7.4 refuses an extra audience', async () => {
    expect(await codeOf(token({ aud: [CLIENT, 'other'] }))).toBe('audience_mismatch');
  });
  it('C7.5 refuses an azp other than the client id, accepts an equal one', async () => {
    expect(await codeOf(token({ azp: 'other' }))).toBe('audience_mismatch');
    expect(await codeOf(token({ azp: CLIENT }))).toBe('accepted');
  });
  it.each([[undefined], [''], [42]])('C7.6 refuses sub %j', async (sub) => {
    expect(await codeOf(token({ sub }))).toBe('id_token_invalid');
  });
  it.each([[`${NONCE}1`], ['012345678'], [undefined], [NONCE.toUpperCase()]])('C7.7 refuses nonce %j', async (nonce) => {
    expect(await codeOf(token({ nonce }))).toBe('nonce_mismatch');
  });
  it('C7.8 refuses expired tokens and says the clock may be wrong', async () => {
    expect(await codeOf(token({ exp: NOW_S - 360 }))).toBe('token_expired');
    expect(await codeOf(token({ exp: NOW_S - 61 }))).toBe('token_expired');
    try {
      await verify(await token({ exp: NOW_S - 360 }));
    } catch (error) {
      expect(error).toMatchObject({ clockSkewSuspected: true });
    }
  });
  it.each([[undefined], ['9999999999'], [1e308], [-1]])('C7.8 refuses exp %j without overflow', async (exp) => {
    expect(await codeOf(token({ exp }))).toMatch(/id_token_invalid|token_expired/);
  });
  it.each([[undefined], [NOW_S - 7 * 86400], [NOW_S + 3600], ['1700000000']])('C7.10 refuses iat %j', async (iat) => {
    expect(await codeOf(token({ iat }))).toMatch(/id_token_invalid|iat_invalid/);
  });
  it('C7.11 refuses nbf an hour ahead', async () => {
    expect(await codeOf(token({ nbf: NOW_S + 3600 }))).toBe('iat_invalid');
  });
  it('C7.12 honours a clock skew of 0', async () => {
    expect(await codeOf(token({ exp: NOW_S - 1 }), { clockSkewSeconds: 0 })).toBe('token_expired');
  });
  it('C7.13 refuses at_hash wrong by a character, shuffled, or missing', async () => {
    const good = await atHash(ACCESS);
    expect(await codeOf(token({ at_hash: `${good}1` }))).toBe('at_hash_mismatch');
    expect(await codeOf(token({ at_hash: good.split('').reverse().join('') }))).toBe('at_hash_mismatch');
    expect(await codeOf(token({ at_hash: undefined }))).toBe('at_hash_mismatch');
  });
  it('C7.14 refuses at_hash over the whole digest, padded, or in standard base64', async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ACCESS)));
    const half = digest.slice(0, 16);
    const std = btoa(String.fromCharCode(...half));
    expect(await codeOf(token({ at_hash: base64url.encode(digest) }))).toBe('at_hash_mismatch');
    expect(await codeOf(token({ at_hash: `${base64url.encode(half)}==` }))).toBe('at_hash_mismatch');
    expect(await codeOf(token({ at_hash: std }))).toBe('at_hash_mismatch');
  });
  it('C7.15 refuses an access token the ID token was not issued with', async () => {
    expect(await codeOf(token(), { accessToken: 'substitutedsubstitutedsubstitu' })).toBe('at_hash_mismatch');
  });
  it('C7.16 an old iat and an expired exp give one clear code with the clock hint', async () => {
    try {
      await verify(await token({ iat: NOW_S - 7200, exp: NOW_S - 6300 }));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({ code: 'token_expired', clockSkewSuspected: true });
    }
  });
});
