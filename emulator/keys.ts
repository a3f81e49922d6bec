import { createHash } from 'node:crypto';
import { type JWK, SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';

/** One RS256 signing key of the emulator. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

let counter = 0;

/** A fresh 2048-bit RS256 key with a new `kid`. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  counter += 1;
  const kid = `emu-${Date.now().toString(36)}-${counter}`;
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** OIDC at_hash: base64url of the left 128 bits of SHA-256 of the ASCII access token. */
export function atHash(accessToken: string): string {
  return base64url.encode(
    createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16),
  );
}

/** Signs an ID token the way Twitch does: header `{alg: RS256, typ: JWT, kid}`. */
export function signIdToken(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
}
