import { type JWSHeaderParameters, base64url, compactVerify, decodeProtectedHeader } from 'jose';
import { TwitchAuthError, isTwitchAuthError } from './errors.js';
import type { JwksCache } from './jwks.js';
import type { IdTokenClaims } from './session.js';

export interface VerifyIdTokenOptions {
  readonly clientId: string;
  /** Compared exactly. */
  readonly issuer: string;
  /** The nonce sent with the request. */
  readonly nonce: string;
  /** When given (`token id_token` mode), `at_hash` is required and must match it. */
  readonly accessToken?: string;
  /** Leeway for time checks; 0 means none. */
  readonly clockSkewSeconds: number;
  /** `iat` older than this (plus skew) is refused. */
  readonly maxAgeSeconds: number;
  /** The current time in ms. */
  readonly now: number;
  readonly getKey: JwksCache['getKey'];
}

const MAX_TOKEN_LENGTH = 16_384;
const MAX_LIFETIME_SECONDS = 86_400;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Headers that would let the token choose its own key or change how it is processed.
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64'];

function invalid(message: string, cause?: unknown): TwitchAuthError {
  return new TwitchAuthError('id_token_invalid', message, cause === undefined ? {} : { cause });
}

function timeError(code: 'token_expired' | 'iat_invalid', message: string): TwitchAuthError {
  return new TwitchAuthError(code, `${message} If this device's clock is wrong, fix it (or raise clockSkewSeconds).`, {
    clockSkewSuspected: true,
  });
}

/** Structure and header checks, before any key is looked up or fetched. */
function checkHeader(token: string): JWSHeaderParameters {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid('The ID token is too large.');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('The ID token is not a signed JWT (JWS compact form).');
  const [header = '', payload = '', signature = ''] = parts;
  if (!BASE64URL.test(header) || !BASE64URL.test(payload)) {
    throw invalid('The ID token is not strict base64url.');
  }
  let parsed: JWSHeaderParameters;
  try {
    parsed = decodeProtectedHeader(token) as JWSHeaderParameters;
  } catch (cause) {
    throw invalid('The ID token header is not a JSON object.', cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('The ID token header is not a JSON object.');
  }
  if (parsed.alg !== 'RS256') {
    throw new TwitchAuthError('alg_not_allowed', 'Only RS256 ID tokens are accepted.');
  }
  // After the algorithm check, so `alg: none` with its empty signature reads as what it is.
  if (signature === '') throw new TwitchAuthError('signature_invalid', 'The ID token is unsigned.');
  if (!BASE64URL.test(signature)) throw invalid('The ID token signature is not strict base64url.');
  for (const name of FORBIDDEN_HEADERS) {
    if (Object.prototype.hasOwnProperty.call(parsed, name)) {
      throw invalid(`The ID token header carries "${name}", which is not accepted.`);
    }
  }
  if (parsed.kid !== undefined && (typeof parsed.kid !== 'string' || parsed.kid.length > 256)) {
    throw invalid('The ID token "kid" is not a short string.');
  }
  if (parsed.typ !== undefined && (typeof parsed.typ !== 'string' || parsed.typ.toLowerCase() !== 'jwt')) {
    throw invalid('The token is not an ID token (typ).');
  }
  return parsed;
}

/** Maps jose's errors to the SDK's codes; the SDK's own errors pass through. */
function fromJose(error: unknown): TwitchAuthError {
  if (isTwitchAuthError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new TwitchAuthError('signature_invalid', 'The ID token signature does not verify.', { cause: error });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new TwitchAuthError('alg_not_allowed', 'Only RS256 ID tokens are accepted.', { cause: error });
    default:
      return invalid('The ID token is malformed.', error);
  }
}

/** OIDC Core 3.2.2.9: base64url of the left half of SHA-256 over the ASCII access token. */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest).slice(0, 16));
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * Verifies a Twitch ID token as an OpenID relying party must (OIDC Core 3.1.3.7 through
 * 3.2.2.11): RS256 signature from the key set, `iss`, `aud`, `azp`, `sub`, `exp`, `iat`, `nonce`
 * and, with an access token, `at_hash`. Returns the claims or throws a TwitchAuthError.
 *
 * @example
 * ```ts
 * const claims = await verifyIdToken(idToken, {
 *   clientId, issuer: 'https://id.twitch.tv/oauth2', nonce, accessToken,
 *   clockSkewSeconds: 60, maxAgeSeconds: 600, now: Date.now(), getKey: jwks.getKey,
 * });
 * ```
 */
export async function verifyIdToken(
  token: string,
  options: VerifyIdTokenOptions,
): Promise<IdTokenClaims> {
  if (typeof token !== 'string') throw invalid('The ID token is not a string.');
  checkHeader(token);
  let payload: Record<string, unknown>;
  try {
    // jose checks the signature; every claim check below is ours, against the injected clock.
    const verified = await compactVerify(token, (header) => options.getKey(header), {
      algorithms: ['RS256'],
    });
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload)) as Record<string, unknown>;
  } catch (error) {
    throw fromJose(error);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalid('The ID token payload is not a JSON object.');
  }
  const { clientId, clockSkewSeconds: skew } = options;
  const now = options.now / 1000;

  if (payload['iss'] !== options.issuer) {
    throw new TwitchAuthError('issuer_mismatch', 'The ID token was not issued by Twitch.');
  }
  const aud = payload['aud'];
  const audOk = aud === clientId || (Array.isArray(aud) && aud.length === 1 && aud[0] === clientId);
  if (!audOk) throw new TwitchAuthError('audience_mismatch', 'The ID token is not for this app.');
  if (payload['azp'] !== undefined && payload['azp'] !== clientId) {
    throw new TwitchAuthError('audience_mismatch', 'The ID token was issued to another party (azp).');
  }
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub === '') throw invalid('The ID token has no subject.');
  const { exp, iat } = payload;
  if (!isNumber(exp) || !isNumber(iat)) throw invalid('The ID token lacks numeric exp and iat.');
  if (exp <= now - skew) throw timeError('token_expired', 'The ID token has expired.');
  // Twitch's ID tokens live 15 minutes; a lifetime beyond a day is not a Twitch token.
  if (exp - iat > MAX_LIFETIME_SECONDS) throw invalid('The ID token claims an implausible lifetime.');
  if (iat > now + skew) throw timeError('iat_invalid', 'The ID token was issued in the future.');
  if (iat < now - options.maxAgeSeconds - skew) {
    throw timeError('iat_invalid', 'The ID token was issued too long ago.');
  }
  const { nbf } = payload;
  if (nbf !== undefined && !isNumber(nbf)) throw invalid('The ID token nbf is not a number.');
  if (nbf !== undefined && nbf > now + skew) throw timeError('iat_invalid', 'The ID token is not valid yet.');
  if (typeof payload['nonce'] !== 'string' || payload['nonce'] !== options.nonce) {
    throw new TwitchAuthError('nonce_mismatch', 'The ID token nonce does not match this login.');
  }
  if (options.accessToken !== undefined) {
    const expected = await accessTokenHash(options.accessToken);
    if (typeof payload['at_hash'] !== 'string' || payload['at_hash'] !== expected) {
      throw new TwitchAuthError(
        'at_hash_mismatch',
        'The access token does not belong to this ID token (at_hash).',
      );
    }
  }
  return Object.freeze({ ...payload, sub }) as IdTokenClaims;
}
