import { type JWK, SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';

/** An RS256 key pair made by jose, with the public JWK as Twitch publishes it. */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** `{ kty, n, e, kid, alg: 'RS256', use: 'sig' }`. */
  readonly jwk: JWK;
  /** The private JWK (with `d`, `p`, `q`, ...), plus the same `kid`, `alg` and `use`. */
  readonly privateJwk: JWK;
}

/** A fresh 2048-bit RS256 key pair (jose `generateKeyPair`). */
export async function generateTestKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const extra = { kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), ...extra },
    privateJwk: { ...(await exportJWK(privateKey)), ...extra },
  };
}

/** A public RSA JWK with a modulus jose refuses to generate (under 2048 bits), from Web Crypto. */
export async function generateWeakRsaJwk(kid: string, modulusLength: number): Promise<JWK> {
  const pair = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
}

/** An RSA JWK whose modulus is `bits` long (top bit set), for size filters; it signs nothing. */
export function fakeModulusJwk(kid: string, bits: number): JWK {
  const bytes = new Uint8Array(Math.ceil(bits / 8)).fill(0xa5);
  const topBits = bits % 8 === 0 ? 8 : bits % 8;
  bytes[0] = (1 << (topBits - 1)) | 1;
  return { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n: base64url.encode(bytes), e: 'AQAB' };
}

/** The JSON body of a key set endpoint. */
export function jwksJson(...keys: readonly unknown[]): { keys: unknown[] } {
  return { keys: [...keys] };
}

/** `claims` without the members whose value is `undefined` (so a test can remove a default). */
export function withoutUndefined(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/**
 * Signs a JWT with jose's `SignJWT`. The header defaults to `{ alg: 'RS256', typ: 'JWT', kid }`;
 * `header` overrides it (`undefined` removes a member). A `Uint8Array` key signs with HMAC.
 */
export async function signIdToken(
  signer: { readonly privateKey: CryptoKey | Uint8Array; readonly kid?: string },
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const protectedHeader = withoutUndefined({
    alg: 'RS256',
    typ: 'JWT',
    kid: signer.kid,
    ...header,
  });
  return new SignJWT(withoutUndefined(claims))
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(signer.privateKey);
}

/** base64url of UTF-8 JSON: one JWS segment. */
export function segment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/**
 * A JWS with any header and payload bytes, really RS256-signed with Web Crypto: for tokens jose
 * will not build (unknown `crit`, duplicate names, a BOM, invalid UTF-8), so that a rejection is
 * down to the check under test and not to a broken signature.
 */
export async function signRaw(
  privateKey: CryptoKey,
  header: string | Uint8Array,
  payload: string | Uint8Array,
): Promise<string> {
  return signSegments(privateKey, base64url.encode(header), base64url.encode(payload));
}

/** Signs exactly `${header}.${payload}` (segments taken as given, even if not base64url). */
export async function signSegments(
  privateKey: CryptoKey,
  header: string,
  payload: string,
): Promise<string> {
  const input = `${header}.${payload}`;
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

/** SHA-256 of the UTF-8 (for a token: ASCII) bytes of `text`. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** OIDC Core 3.2.2.9 `at_hash`: base64url (no padding) of the left half of SHA-256. */
export async function atHash(accessToken: string): Promise<string> {
  return base64url.encode((await sha256(accessToken)).slice(0, 16));
}
