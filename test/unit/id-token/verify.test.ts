import { SignJWT, base64url, exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultTimers } from '../../../src/internal/env';
import { type TwitchAuthError, isTwitchAuthError } from '../../../src/internal/errors';
import { type VerifyIdTokenOptions, verifyIdToken } from '../../../src/id-token/verify';
import { createJwksCache } from '../../../src/id-token/jwks';
import type { IdTokenClaims } from '../../../src/id-token/claims';
import { createKeyValueStore } from '../../../src/session/storage';
import { createFakeFetch, json } from '../../helpers/fake-fetch';
import {
  type TestKey,
  atHash,
  generateTestKey,
  jwksJson,
  segment,
  sha256,
  signIdToken,
  signRaw,
  signSegments,
  withoutUndefined,
} from '../../helpers/keys';

const ISSUER = 'https://id.twitch.tv/oauth2';
const JWKS_URL = 'https://id.twitch.tv/oauth2/keys';
const CLIENT = 'hof5gwx0su6owfnys0nyan9c87zr6t';
const NOW = 1_700_000_000_000;
const NOW_S = NOW / 1000;
const SKEW = 60;
const MAX_AGE = 600;
const ACCESS = '0123456789abcdefghijklmnopqrst';
const NONCE = 'c3ab8aa609ea11e793ae92361f002671';
const SUB = '141981764';

let key: TestKey;
let AT_HASH: string;

beforeAll(async () => {
  key = await generateTestKey('1');
  AT_HASH = await atHash(ACCESS);
});

/** Twitch-shaped claims; `undefined` in `overrides` removes a claim. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return withoutUndefined({
    iss: ISSUER,
    sub: SUB,
    aud: CLIENT,
    iat: NOW_S,
    exp: NOW_S + 900,
    nonce: NONCE,
    at_hash: AT_HASH,
    ...overrides,
  });
}

/** A real RS256 ID token (jose SignJWT), header `{ alg: 'RS256', typ: 'JWT', kid: '1' }` + `header`. */
function token(
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return signIdToken(key, claims(overrides), header);
}

interface RunOptions {
  /** Exactly how many key set requests must happen (0: the token must be refused before any). */
  readonly fetches?: number;
  readonly keys?: readonly unknown[];
  readonly options?: Partial<VerifyIdTokenOptions>;
  /** Verify as `id_token` alone (no access token, so no at_hash requirement). */
  readonly withoutAccessToken?: boolean;
}

interface Outcome {
  readonly claims?: IdTokenClaims;
  readonly error?: TwitchAuthError;
  /** How often verifyIdToken asked for a key. */
  readonly lookups: number;
}

/** Verifies against a strict fake key set endpoint, then checks the requests and the error. */
async function run(
  idToken: string,
  { fetches = 1, keys = [key.jwk], options = {}, withoutAccessToken = false }: RunOptions = {},
): Promise<Outcome> {
  const fake = createFakeFetch();
  if (fetches > 0) fake.expect({ url: JWKS_URL, respond: json(jwksJson(...keys)), times: fetches });
  const cache = createJwksCache({
    url: JWKS_URL,
    fetch: () => fake.fetch,
    store: createKeyValueStore('memory', ''),
    now: () => NOW,
    timeoutMs: 1000,
    timers: defaultTimers,
  });
  let lookups = 0;
  const base: VerifyIdTokenOptions = {
    clientId: CLIENT,
    issuer: ISSUER,
    nonce: NONCE,
    accessToken: ACCESS,
    clockSkewSeconds: SKEW,
    maxAgeSeconds: MAX_AGE,
    now: NOW,
    getKey: (header) => {
      lookups += 1;
      return cache.getKey(header);
    },
  };
  const { accessToken: _accessToken, ...idTokenOnly } = base;
  let outcome: Outcome;
  try {
    outcome = {
      claims: await verifyIdToken(idToken, {
        ...(withoutAccessToken ? idTokenOnly : base),
        ...options,
      }),
      lookups,
    };
  } catch (error) {
    if (!isTwitchAuthError(error)) throw error;
    // Messages never carry a token or a piece of one.
    for (const secret of [ACCESS, ...idToken.split('.').filter((part) => part.length > 8)]) {
      expect(error.message).not.toContain(secret);
    }
    outcome = { error, lookups };
  }
  fake.assertDone();
  return outcome;
}

/** The error code, or 'accepted'. */
async function codeOf(
  idToken: string | Promise<string>,
  runOptions: RunOptions = {},
): Promise<string> {
  const { error } = await run(await idToken, runOptions);
  return error?.code ?? 'accepted';
}

/** Refused before any key lookup or request. */
async function refusedEarly(idToken: string | Promise<string>): Promise<string> {
  const { error, lookups } = await run(await idToken, { fetches: 0 });
  expect(lookups, 'key lookups').toBe(0);
  return error?.code ?? 'accepted';
}

const parts = (jwt: string): [string, string, string] => {
  const [h = '', p = '', s = ''] = jwt.split('.');
  return [h, p, s];
};

describe('accepting', () => {
  it('accepts a valid Twitch-shaped ID token and returns its claims, frozen', async () => {
    const { claims: result, error } = await run(
      await token({ preferred_username: 'TwitchDev', email: null }),
    );
    expect(error).toBeUndefined();
    expect(result).toMatchObject({
      sub: SUB,
      iss: ISSUER,
      aud: CLIENT,
      preferred_username: 'TwitchDev',
    });
    expect(Object.isFrozen(result)).toBe(true);
  });
  it('accepts typ "JWT" in any case, and no typ at all', async () => {
    for (const typ of ['JWT', 'jwt', undefined])
      expect(await codeOf(token({}, { typ })), String(typ)).toBe('accepted');
  });
  it('does not ask for at_hash when the ID token came without an access token', async () => {
    expect(await codeOf(token({ at_hash: undefined }), { withoutAccessToken: true })).toBe(
      'accepted',
    );
  });
  it('honours a clock skew of 0 rather than replacing it with a default', async () => {
    const zero = { options: { clockSkewSeconds: 0 } };
    expect(await codeOf(token({ exp: NOW_S + 1 }), zero)).toBe('accepted');
    // One second in the future: fine with 60 s of skew, refused with 0.
    expect(await codeOf(token({ iat: NOW_S + 1 }))).toBe('accepted');
    expect(await codeOf(token({ iat: NOW_S + 1 }), zero)).toBe('iat_invalid');
    expect(await codeOf(token({ exp: NOW_S }), zero)).toBe('token_expired');
  });
  it('fails closed on unusable options instead of verifying loosely', async () => {
    const cases: [Partial<VerifyIdTokenOptions>, string][] = [
      [{ nonce: '' }, 'nonce_mismatch'],
      [{ clockSkewSeconds: Number.NaN }, 'token_expired'],
      [{ now: Number.NaN }, 'token_expired'],
      [{ maxAgeSeconds: Number.NaN }, 'iat_invalid'],
    ];
    for (const [options, code] of cases)
      expect(await codeOf(token(), { options }), JSON.stringify(options)).toBe(code);
    expect(await codeOf(token({ nonce: '' }), { options: { nonce: '' } })).toBe('nonce_mismatch');
  });
});

describe('C5 JWT structure', () => {
  it('C5.1 refuses 2, 4 and 5 segments (JWE is unsupported)', async () => {
    const jwt = await token();
    const [h, p, s] = parts(jwt);
    for (const value of [`${h}.${p}`, `${jwt}.${s}`, `${h}.${p}.${s}.${s}.${s}`]) {
      expect(await refusedEarly(value), value.split('.').length.toString()).toBe(
        'id_token_invalid',
      );
    }
  });
  it('C5.2 refuses an empty header or payload segment', async () => {
    const [h, p, s] = parts(await token());
    expect(await refusedEarly(`.${p}.${s}`)).toBe('id_token_invalid');
    expect(await refusedEarly(`${h}..${s}`)).toBe('id_token_invalid');
  });
  it('C5.3 refuses +, /, spaces and = padding, even under a valid signature', async () => {
    const [h, p] = parts(await token());
    // Real padding where the length needs it, a stray "=" where it does not.
    const padded = (value: string) => value + '='.repeat((4 - (value.length % 4)) % 4 || 1);
    const variants = [
      [`${h.slice(0, 8)} ${h.slice(8)}`, p],
      [h, `${p.slice(0, 8)} ${p.slice(8)}`],
      [padded(h), p],
      [h, padded(p)],
      [h.replace(/-/g, '+').replace(/_/g, '/') + '+/', p],
    ] as const;
    for (const [header, payload] of variants) {
      expect(
        await refusedEarly(signSegments(key.privateKey, header, payload)),
        `${header}.${payload}`,
      ).toBe('id_token_invalid');
    }
    const [vh, vp, vs] = parts(await token());
    expect(await refusedEarly(`${vh}.${vp}.${vs}=`)).toBe('id_token_invalid');
    expect(await refusedEarly(`${vh}.${vp}.+${vs.slice(1)}`)).toBe('id_token_invalid');
  });
  it('C5.4 refuses a header that is not JSON, a JSON array, null or a string', async () => {
    const payload = JSON.stringify(claims());
    for (const header of ['not json', '[{"alg":"RS256"}]', 'null', '"RS256"', '{"alg":"RS256"']) {
      expect(await refusedEarly(signRaw(key.privateKey, header, payload)), header).toBe(
        'id_token_invalid',
      );
    }
  });
  it('C5.5 refuses duplicate member names in the header or the claims', async () => {
    const payload = JSON.stringify(claims());
    // JSON.parse would keep the last "alg" (RS256) and the last "sub" (the real user).
    const headers = [
      '{"alg":"HS256","alg":"RS256","kid":"1"}',
      '{"alg":"RS256","\\u0061lg":"RS256","kid":"1"}',
    ];
    for (const header of headers) {
      expect(await refusedEarly(signRaw(key.privateKey, header, payload)), header).toBe(
        'id_token_invalid',
      );
    }
    const doubled = `{"sub":"666",${payload.slice(1)}`;
    expect(await refusedEarly(signRaw(key.privateKey, '{"alg":"RS256","kid":"1"}', doubled))).toBe(
      'id_token_invalid',
    );
    // Same names at different depths, or inside string values, are not duplicates.
    const nested = JSON.stringify({
      ...claims(),
      address: { sub: 'x', iss: '"sub":' },
      list: [{ a: 1 }, { a: 2 }],
    });
    expect(
      await codeOf(signRaw(key.privateKey, '{"alg":"RS256","kid":"1","typ":"JWT"}', nested)),
    ).toBe('accepted');
  });
  it('C5.6 refuses invalid UTF-8 in the claims and a BOM before the header or the claims', async () => {
    const header = '{"alg":"RS256","kid":"1"}';
    const text = JSON.stringify(claims({ sub: 'XX' }));
    const bytes = new TextEncoder().encode(text);
    bytes.set([0xff, 0xfe], text.indexOf('XX'));
    expect(await refusedEarly(signRaw(key.privateKey, header, bytes))).toBe('id_token_invalid');
    expect(await refusedEarly(signRaw(key.privateKey, `\uFEFF${header}`, text))).toBe(
      'id_token_invalid',
    );
    expect(await refusedEarly(signRaw(key.privateKey, header, `\uFEFF${text}`))).toBe(
      'id_token_invalid',
    );
  });
  it('C5.7 refuses a 200 KB token at once and copes with deep nesting under the cap', async () => {
    const started = Date.now();
    expect(await refusedEarly(token({ padding: 'x'.repeat(200_000) }))).toBe('id_token_invalid');
    expect(await refusedEarly(token({ padding: 'x'.repeat(16_000) }))).toBe('id_token_invalid');
    const deep = '['.repeat(4000) + ']'.repeat(4000);
    const nested = `${JSON.stringify(claims()).slice(0, -1)},"deep":${deep}}`;
    expect(await codeOf(signRaw(key.privateKey, '{"alg":"RS256","kid":"1"}', nested))).toBe(
      'accepted',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
  it('C5.8 refuses an empty signature with RS256 as signature_invalid, before any key lookup', async () => {
    const [h, p] = parts(await token());
    expect(await refusedEarly(`${h}.${p}.`)).toBe('signature_invalid');
  });
});

describe('C6 header, algorithm and key confusion', () => {
  it('C6.1 refuses alg none in any case with an empty signature', async () => {
    const payload = segment(claims());
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      expect(await refusedEarly(`${segment({ alg, kid: '1' })}.${payload}.`), alg).toBe(
        'alg_not_allowed',
      );
    }
  });
  it('C6.2 refuses HS256 signed with the RSA public key (PEM, DER, JWK JSON) before any key handling', async () => {
    const pem = await exportSPKI(key.publicKey);
    const der = new Uint8Array(await crypto.subtle.exportKey('spki', key.publicKey));
    const secrets = [
      new TextEncoder().encode(pem),
      der,
      new TextEncoder().encode(JSON.stringify(key.jwk)),
    ];
    for (const secret of secrets) {
      const hs256 = await signIdToken({ privateKey: secret, kid: '1' }, claims(), { alg: 'HS256' });
      expect(await refusedEarly(hs256)).toBe('alg_not_allowed');
    }
  });
  it('C6.3 refuses RS384 and PS256 tokens when only RS256 is allowed', async () => {
    for (const alg of ['RS384', 'PS256']) {
      const { privateKey } = await generateKeyPair(alg);
      const other = await signIdToken({ privateKey, kid: '1' }, claims(), { alg });
      expect(await refusedEarly(other), alg).toBe('alg_not_allowed');
    }
  });
  it('C6.4 refuses jwk, jku, x5u and x5c headers and fetches nothing from them', async () => {
    const headers = [
      { jwk: key.jwk },
      { jku: 'https://evil.example/keys' },
      { x5u: 'https://evil.example/cert.pem' },
      { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
    ];
    for (const header of headers) {
      // The strict fake fetch fails the test on any request, to evil.example or anywhere else.
      expect(await refusedEarly(token({}, header)), Object.keys(header)[0]).toBe(
        'id_token_invalid',
      );
    }
  });
  it('C6.5 refuses crit (known or not) and b64:false', async () => {
    const payload = JSON.stringify(claims());
    const headers = [
      { alg: 'RS256', kid: '1', crit: ['exp'], exp: NOW_S + 900 },
      { alg: 'RS256', kid: '1', crit: ['b64'], b64: false },
      { alg: 'RS256', kid: '1', crit: ['urn:example:unknown'], 'urn:example:unknown': 1 },
      { alg: 'RS256', kid: '1', b64: false },
    ];
    for (const header of headers) {
      expect(
        await refusedEarly(signRaw(key.privateKey, JSON.stringify(header), payload)),
        JSON.stringify(header),
      ).toBe('id_token_invalid');
    }
  });
  it('C6.6 looks kids up as plain strings and refuses long or non-string kids', async () => {
    for (const kid of ['__proto__', 'constructor', '../../x', 'hasOwnProperty']) {
      // Not in the set: one refetch, then no key.
      expect(await codeOf(token({}, { kid }), { fetches: 2 }), kid).toBe('signature_invalid');
      // In the set under that very name: found like any other kid.
      expect(await codeOf(token({}, { kid }), { keys: [{ ...key.jwk, kid }] }), kid).toBe(
        'accepted',
      );
    }
    expect(await refusedEarly(token({}, { kid: 'k'.repeat(10_000) }))).toBe('id_token_invalid');
    const payload = JSON.stringify(claims());
    for (const kid of [7, { id: '1' }, ['1'], null]) {
      const header = JSON.stringify({ alg: 'RS256', kid });
      expect(await refusedEarly(signRaw(key.privateKey, header, payload)), header).toBe(
        'id_token_invalid',
      );
    }
  });
  it('C6.7 refuses a signature with its bytes XORed with 0x5A, or with characters swapped', async () => {
    const [h, p, s] = parts(await token());
    const xored = base64url.encode(base64url.decode(s).map((byte) => byte ^ 0x5a));
    const swapped =
      s[1] === s[2]
        ? `${s[0]}${s[3]}${s[2]}${s[1]}${s.slice(4)}`
        : `${s[0]}${s[2]}${s[1]}${s.slice(3)}`;
    for (const signature of [xored, swapped]) {
      const { error } = await run(`${h}.${p}.${signature}`);
      expect(error?.code).toBe('signature_invalid');
      expect(error?.message).toMatch(/signature does not verify/);
      expect(error?.cause).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    }
  });
  it('C6.8 refuses a token with one claim edited and the signature unchanged', async () => {
    const [h, , s] = parts(await token());
    expect(await codeOf(`${h}.${segment(claims({ sub: '1' }))}.${s}`)).toBe('signature_invalid');
  });
  it('C6.9 refuses ES256, real or with the r = s = 0 "psychic signature"', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const es256 = await signIdToken({ privateKey, kid: '1' }, claims(), { alg: 'ES256' });
    const [h, p] = parts(es256);
    for (const jwt of [es256, `${h}.${p}.${base64url.encode(new Uint8Array(64))}`]) {
      expect(await refusedEarly(jwt)).toBe('alg_not_allowed');
    }
  });
  it('C6.10 refuses typ at+jwt, logout+jwt and application/at+jwt', async () => {
    for (const typ of ['at+jwt', 'logout+jwt', 'application/at+jwt', 'JOSE']) {
      expect(await refusedEarly(token({}, { typ })), typ).toBe('id_token_invalid');
    }
  });
});

describe('C7 claims', () => {
  it('C7.1 refuses iss with a suffix, another issuer, a trailing slash, another case, or none', async () => {
    for (const iss of [
      `${ISSUER}1`,
      'https://example.org/',
      `${ISSUER}/`,
      ISSUER.toUpperCase(),
      undefined,
      [ISSUER],
    ]) {
      expect(await codeOf(token({ iss })), String(iss)).toBe('issuer_mismatch');
    }
  });
  it('C7.2 refuses aud with a suffix, another audience, none, or []', async () => {
    for (const aud of [
      `${CLIENT}1`,
      'https://example.com/',
      undefined,
      [],
      CLIENT.toUpperCase(),
      [[CLIENT]],
    ]) {
      expect(await codeOf(token({ aud })), JSON.stringify(aud)).toBe('audience_mismatch');
    }
  });
  it('C7.3 accepts aud as a one-element array [client_id]', async () => {
    expect(await codeOf(token({ aud: [CLIENT] }))).toBe('accepted');
  });
  it('C7.4 refuses an untrusted extra audience', async () => {
    expect(await codeOf(token({ aud: [CLIENT, 'other'] }))).toBe('audience_mismatch');
    expect(await codeOf(token({ aud: ['other', CLIENT] }))).toBe('audience_mismatch');
  });
  it('C7.5 refuses an azp other than the client id and accepts an equal one', async () => {
    for (const azp of ['other', `${CLIENT}1`, '', [CLIENT], null]) {
      expect(await codeOf(token({ azp })), JSON.stringify(azp)).toBe('audience_mismatch');
    }
    expect(await codeOf(token({ azp: CLIENT }))).toBe('accepted');
  });
  it('C7.6 refuses sub missing, empty or a number', async () => {
    for (const sub of [undefined, '', 141981764, null]) {
      expect(await codeOf(token({ sub })), JSON.stringify(sub)).toBe('id_token_invalid');
    }
  });
  it('C7.7 refuses a nonce with a suffix, another value, none, or another case', async () => {
    for (const nonce of [`${NONCE}1`, '012345678', undefined, NONCE.toUpperCase(), 0, [NONCE]]) {
      expect(await codeOf(token({ nonce })), JSON.stringify(nonce)).toBe('nonce_mismatch');
    }
  });
  it('C7.8 refuses an expired, missing, string, huge or negative exp without overflow', async () => {
    const cases: [unknown, string][] = [
      [NOW_S - 360, 'token_expired'], // 6 minutes ago (FAPI)
      [NOW_S - SKEW - 1, 'token_expired'],
      [undefined, 'id_token_invalid'],
      ['9999999999', 'id_token_invalid'],
      [1e308, 'id_token_invalid'], // finite, but no Twitch token lives that long
      [-1, 'token_expired'],
    ];
    for (const [exp, code] of cases) {
      const { error } = await run(await token({ exp }));
      expect(error?.code, String(exp)).toBe(code);
      if (code === 'token_expired') expect(error?.clockSkewSuspected).toBe(true);
      else expect(error?.clockSkewSuspected).toBeUndefined();
    }
  });
  it('C7.9 accepts an exp between now and now minus the leeway', async () => {
    for (const exp of [NOW_S - 1, NOW_S - SKEW + 1])
      expect(await codeOf(token({ exp })), String(exp)).toBe('accepted');
  });
  it('C7.10 refuses iat missing, too old, in the future, or a string', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ iat: undefined }, 'id_token_invalid'],
      [{ iat: '1700000000' }, 'id_token_invalid'],
      [{ iat: NOW_S - MAX_AGE - SKEW - 1 }, 'iat_invalid'],
      [{ iat: NOW_S + 3600, exp: NOW_S + 4500 }, 'iat_invalid'], // an hour in the future
      // A week old with a live exp: a week-long lifetime is not a Twitch token at all.
      [{ iat: NOW_S - 7 * 86_400 }, 'id_token_invalid'],
      [{ iat: NOW_S - 7 * 86_400, exp: NOW_S - 7 * 86_400 + 900 }, 'token_expired'],
    ];
    for (const [overrides, code] of cases)
      expect(await codeOf(token(overrides)), JSON.stringify(overrides)).toBe(code);
    expect(await codeOf(token({ iat: NOW_S - MAX_AGE - SKEW }))).toBe('accepted');
  });
  it('C7.11 refuses nbf an hour ahead (with the clock hint) and a non-numeric nbf', async () => {
    const { error } = await run(await token({ nbf: NOW_S + 3600 }));
    expect(error).toMatchObject({ code: 'iat_invalid', clockSkewSuspected: true });
    expect(await codeOf(token({ nbf: String(NOW_S) }))).toBe('id_token_invalid');
    expect(await codeOf(token({ nbf: NOW_S + SKEW }))).toBe('accepted');
  });
  it('C7.12 with clockSkewSeconds 0, exp = now - 1 is refused', async () => {
    expect(await codeOf(token({ exp: NOW_S - 1 }), { options: { clockSkewSeconds: 0 } })).toBe(
      'token_expired',
    );
  });
  it('C7.13 refuses at_hash with a suffix, shuffled, or missing', async () => {
    const shuffled = AT_HASH.slice(1) + AT_HASH.slice(0, 1);
    for (const at_hash of [`${AT_HASH}1`, shuffled, undefined, AT_HASH.toLowerCase(), '']) {
      if (at_hash === AT_HASH) continue;
      expect(await codeOf(token({ at_hash })), String(at_hash)).toBe('at_hash_mismatch');
    }
  });
  it('C7.14 refuses at_hash over the whole digest, with = padding, or in standard base64', async () => {
    // An access token whose hash needs - or _, so standard base64 really differs from base64url.
    let access = ACCESS;
    for (let i = 0; !/[-_]/.test(await atHash(access)); i += 1) access = `${ACCESS}${i}`;
    const half = (await sha256(access)).slice(0, 16);
    const good = await atHash(access);
    const variants = [
      base64url.encode(await sha256(access)),
      `${good}==`,
      btoa(String.fromCharCode(...half)).replace(/=+$/, ''),
      btoa(String.fromCharCode(...half)),
    ];
    const options = { options: { accessToken: access } };
    for (const at_hash of variants)
      expect(await codeOf(token({ at_hash }), options), at_hash).toBe('at_hash_mismatch');
    expect(await codeOf(token({ at_hash: good }), options)).toBe('accepted');
  });
  it('C7.15 refuses an access token the ID token was not issued with (injection)', async () => {
    expect(
      await codeOf(token(), { options: { accessToken: 'substitutedsubstitutedsubstitu' } }),
    ).toBe('at_hash_mismatch');
  });
  it('C7.16 an old iat and an expired exp give one clear code with the clock hint, only when time is all that fails', async () => {
    const { error } = await run(await token({ iat: NOW_S - 7200, exp: NOW_S - 6300 }));
    expect(error).toMatchObject({ code: 'token_expired', clockSkewSuspected: true });
    const { error: notOnlyTime } = await run(
      await token({ iat: NOW_S - 7200, exp: NOW_S - 6300, nonce: 'other' }),
    );
    expect(notOnlyTime?.code).toBe('nonce_mismatch');
    expect(notOnlyTime?.clockSkewSuspected).toBeUndefined();
  });
});

describe('what a refusal says', () => {
  it('names the claim that is wrong', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ iss: 'https://example.org' }, 'issuer_mismatch', /not issued by Twitch/],
      [{ aud: 'other' }, 'audience_mismatch', /not for this app/],
      [{ azp: 'other' }, 'audience_mismatch', /another party \(azp\)/],
      [{ sub: '' }, 'id_token_invalid', /has no subject/],
      [{ exp: undefined }, 'id_token_invalid', /lacks numeric exp and iat/],
      [{ nbf: 'soon' }, 'id_token_invalid', /nbf is not a number/],
      [{ exp: NOW_S + 86_401 }, 'id_token_invalid', /implausible lifetime/],
      [{ nonce: 'other' }, 'nonce_mismatch', /nonce does not match/],
      [{ at_hash: 'other' }, 'at_hash_mismatch', /at_hash does not match/],
      [{ exp: NOW_S - 3600, iat: NOW_S - 4000 }, 'token_expired', /has expired/],
      [{ iat: NOW_S + 3600, exp: NOW_S + 4500 }, 'iat_invalid', /iat or nbf is out of range/],
    ];
    for (const [overrides, code, message] of cases) {
      const { error } = await run(await token(overrides));
      expect(error, JSON.stringify(overrides)).toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
    }
  });

  it('accepts a lifetime of exactly one day and refuses one second more', async () => {
    expect(await codeOf(token({ exp: NOW_S + 86_400 }))).toBe('accepted');
    expect(await codeOf(token({ exp: NOW_S + 86_401 }))).toBe('id_token_invalid');
  });

  it('ignores an at_hash when the ID token came without an access token', async () => {
    expect(await codeOf(token({ at_hash: 'anything' }), { withoutAccessToken: true })).toBe(
      'accepted',
    );
  });

  it('reports a key lookup that fails with something other than an SDK error as malformed, cause kept', async () => {
    const failure = new Error('lookup failed');
    for (const reason of [failure, null]) {
      const { error } = await run(await token(), {
        fetches: 0,
        options: { getKey: () => Promise.reject(reason) },
      });
      expect(error, String(reason)).toMatchObject({
        code: 'id_token_invalid',
        message: expect.stringMatching(/is malformed/),
        cause: reason,
      });
    }
  });
});

describe('token injection through verification', () => {
  it('does not use a key the token itself brings, even when it would verify', async () => {
    const attacker = await generateTestKey('1');
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: '1', jwk: attacker.jwk })
      .sign(attacker.privateKey);
    expect(await refusedEarly(forged)).toBe('id_token_invalid');
    const withoutHeader = await signIdToken(attacker, claims());
    expect(await codeOf(withoutHeader)).toBe('signature_invalid');
  });
});
