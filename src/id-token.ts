import { base64url, compactVerify } from 'jose';
import { TwitchAuthError, isTwitchAuthError } from './errors.js';
import { isFiniteNumber, isPlainObject } from './guards.js';
import { type JwksCache, isAcceptableKid } from './jwks.js';
import type { IdTokenClaims } from './session.js';

export interface VerifyIdTokenOptions {
  readonly clientId: string;
  /** Compared exactly. */
  readonly issuer: string;
  /** The nonce sent with the request (the pending request's). */
  readonly nonce: string;
  /** When given (`token id_token` mode), `at_hash` is required and must match it. */
  readonly accessToken?: string;
  /** Leeway for time checks; 0 means none. */
  readonly clockSkewSeconds: number;
  /** `iat` older than now minus this (and the skew) is refused. */
  readonly maxAgeSeconds: number;
  /** The current time in ms. */
  readonly now: number;
  readonly getKey: JwksCache['getKey'];
}

const MAX_TOKEN_LENGTH = 16_384;
const MAX_LIFETIME_SECONDS = 86_400;
/** RFC 7515 §2: base64url without padding. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// Headers that would let the token pick its own key (OIDC Core §2; no fetch to jku/x5u) or change
// how it is processed (RFC 7515 §4.1.11 crit, RFC 7797 b64).
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64'] as const;

/** `id_token_invalid`, the message starting "The ID token ". */
function invalid(message: string, cause?: unknown): TwitchAuthError {
  const details = cause === undefined ? {} : { cause };
  return new TwitchAuthError('id_token_invalid', `The ID token ${message}`, details);
}

/** A time check failed, and nothing else did: the device clock may be what is wrong. */
function timeError(code: 'token_expired' | 'iat_invalid', message: string): TwitchAuthError {
  return new TwitchAuthError(code, `${message} Is this device's clock right?`, {
    clockSkewSuspected: true,
  });
}

/**
 * True when an object anywhere in this (already valid) JSON text repeats a member name.
 * `JSON.parse` keeps the last one silently; RFC 7515 §4 and RFC 7519 §4 let us refuse instead,
 * which leaves no room for parsers that disagree on which one counts.
 */
function hasDuplicateNames(json: string): boolean {
  const stack: (Set<string> | undefined)[] = []; // a Set of names per object, undefined per array
  let expectName = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const names = stack[stack.length - 1];
      if (expectName && names !== undefined) {
        const raw = json.slice(i + 1, end);
        // Unescaped, so "\u0061lg" is "alg"; most names have no escape and need no parse.
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === '{') {
      stack.push(new Set());
      expectName = true;
    } else if (c === '[') {
      stack.push(undefined);
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = true; // only counts where the innermost container is an object
    }
  }
  return false;
}

/** Made on first use, not at import, so importing the SDK during server rendering creates nothing. */
let strictUtf8: TextDecoder | undefined;

/**
 * A header or payload segment as a strict JSON object: strict base64url (RFC 7515 §2: no padding,
 * no `+/`), valid UTF-8 (`fatal`), no BOM (`ignoreBOM` keeps it, so `JSON.parse` refuses it), an
 * object, and no repeated member names.
 */
function segmentObject(segment: string, part: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    if (!BASE64URL.test(segment)) throw new SyntaxError('not strict base64url');
    const bytes = base64url.decode(segment);
    text = (strictUtf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw invalid(`${part} is not base64url-encoded UTF-8 JSON.`, cause);
  }
  if (!isPlainObject(value) || hasDuplicateNames(text)) {
    throw invalid(`${part} is not a JSON object with distinct member names.`);
  }
  return value;
}

/**
 * Structure and header checks, all before any key is looked up or fetched; returns the claims,
 * unverified. Throws `id_token_invalid`, `alg_not_allowed` or `signature_invalid` (unsigned).
 *
 * @example
 * ```ts
 * // A stored token was verified before it was stored; on reload it only says who the user is.
 * const { sub } = checkStructure(storedIdToken);
 * ```
 */
export function checkStructure(token: unknown): Record<string, unknown> {
  const small = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH;
  const parts = small ? token.split('.') : [];
  if (parts.length !== 3) throw invalid('is not a compact JWS of at most 16 KB.');
  const [headerSegment = '', payloadSegment = '', signature = ''] = parts;
  const header = segmentObject(headerSegment, 'header');
  const payload = segmentObject(payloadSegment, 'payload');
  if (signature !== '' && !BASE64URL.test(signature)) {
    throw invalid('signature is not strict base64url.');
  }
  // Exactly "RS256": "none" in any case, HS*, RS384, PS256, ES256 never meet a key (RFC 8725 §2.1).
  if (header['alg'] !== 'RS256') {
    throw new TwitchAuthError('alg_not_allowed', 'Only RS256 ID tokens are accepted.');
  }
  // After the algorithm check, so `alg: none` with its empty signature reads as what it is.
  if (signature === '') throw new TwitchAuthError('signature_invalid', 'The ID token is unsigned.');
  for (const name of FORBIDDEN_HEADERS) {
    if (Object.hasOwn(header, name)) throw invalid(`header "${name}" is not accepted.`);
  }
  const { kid, typ } = header;
  if (!isAcceptableKid(kid)) {
    throw invalid('kid is not a short string.');
  }
  // RFC 8725 §3.11: an access token (at+jwt) or logout token is not an ID token.
  if (typ !== undefined && (typeof typ !== 'string' || typ.toLowerCase() !== 'jwt')) {
    throw invalid('typ is not JWT.');
  }
  return payload;
}

/**
 * Maps jose's errors to the SDK's codes, with jose's error as `cause`; the SDK's own errors (from
 * `getKey`) pass through. The algorithm and key errors jose could raise are ours, raised earlier.
 */
function fromJose(error: unknown): TwitchAuthError {
  if (isTwitchAuthError(error)) return error;
  if ((error as { code?: unknown } | null)?.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
    return new TwitchAuthError('signature_invalid', 'The ID token signature does not verify.', {
      cause: error,
    });
  }
  return invalid('is malformed.', error);
}

/** OIDC Core 3.2.2.9: base64url of the left half of SHA-256 over the ASCII access token. */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
  return base64url.encode(new Uint8Array(digest).slice(0, 16));
}

/**
 * Verifies a Twitch ID token as an OpenID relying party must (OIDC Core 3.1.3.7 through
 * 3.2.2.11): strict JWS structure, RS256 only (checked before any key lookup), the signature
 * with a key from `getKey`, then `iss`, `aud`, `azp`, `sub`, `nonce`, `at_hash` (required when
 * `accessToken` is given) and last the times `exp`, `iat` and `nbf` against `now` with
 * `clockSkewSeconds` of leeway. A failure is a TwitchAuthError; when only the times are wrong it
 * carries `clockSkewSuspected: true`. Messages never contain a token.
 *
 * @throws TwitchAuthError `id_token_invalid`, `alg_not_allowed`, `signature_invalid`,
 *   `jwks_unavailable`, `issuer_mismatch`, `audience_mismatch`, `nonce_mismatch`,
 *   `at_hash_mismatch`, `token_expired`, `iat_invalid`.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({ url, fetch: () => fetch, store, now: Date.now, timeoutMs: 5000 });
 * const claims = await verifyIdToken(idToken, {
 *   clientId, issuer: 'https://id.twitch.tv/oauth2', nonce, accessToken,
 *   clockSkewSeconds: 60, maxAgeSeconds: 600, now: Date.now(), getKey: jwks.getKey,
 * });
 * const userId = claims.sub; // the Twitch user id
 * ```
 */
export async function verifyIdToken(
  token: string,
  options: VerifyIdTokenOptions,
): Promise<IdTokenClaims> {
  const payload = checkStructure(token);
  // Started now so the digest runs beside the signature check rather than after it.
  const expectedAtHash =
    options.accessToken === undefined ? undefined : accessTokenHash(options.accessToken);
  try {
    // jose checks the signature over exactly the segments decoded above, with our allow-list;
    // every claim check below is ours, against the injected clock.
    await compactVerify(token, (header) => options.getKey(header), { algorithms: ['RS256'] });
  } catch (error) {
    throw fromJose(error);
  }
  const { clientId } = options;

  // Everything that does not depend on the clock first, so a time failure means the clock is
  // the only problem.
  if (payload['iss'] !== options.issuer) {
    throw new TwitchAuthError('issuer_mismatch', 'The ID token was not issued by Twitch.');
  }
  const aud = payload['aud'];
  const audOk = aud === clientId || (Array.isArray(aud) && aud.length === 1 && aud[0] === clientId);
  if (!audOk) throw new TwitchAuthError('audience_mismatch', 'The ID token is not for this app.');
  if (payload['azp'] !== undefined && payload['azp'] !== clientId) {
    throw new TwitchAuthError('audience_mismatch', 'The ID token was issued to another party (azp).');
  }
  const { sub, exp, iat, nbf } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalid('has no subject.');
  // RFC 7519 §2: NumericDate is a JSON number.
  if (!isFiniteNumber(exp) || !isFiniteNumber(iat)) throw invalid('lacks numeric exp and iat.');
  if (nbf !== undefined && !isFiniteNumber(nbf)) throw invalid('nbf is not a number.');
  // Twitch's ID tokens live 15 minutes; a lifetime beyond a day is not a Twitch token.
  if (exp - iat > MAX_LIFETIME_SECONDS) throw invalid('claims an implausible lifetime.');
  // Exact comparison; an empty expected nonce (a broken pending request) matches nothing.
  if (!options.nonce || payload['nonce'] !== options.nonce) {
    throw new TwitchAuthError('nonce_mismatch', 'The ID token nonce does not match this login.');
  }
  if (expectedAtHash !== undefined) {
    if (payload['at_hash'] !== (await expectedAtHash)) {
      const message = 'The ID token at_hash does not match the access token.';
      throw new TwitchAuthError('at_hash_mismatch', message);
    }
  }

  const now = options.now / 1000;
  const skew = options.clockSkewSeconds; // 0 means 0
  // Written to fail closed: a NaN now, skew or max age rejects rather than skips the check.
  if (!(exp > now - skew)) throw timeError('token_expired', 'The ID token has expired.');
  // Not issued in the future, nor too long ago, and valid already.
  const oldest = now - options.maxAgeSeconds - skew;
  if (!(iat <= now + skew && iat >= oldest && (nbf ?? 0) <= now + skew)) {
    throw timeError('iat_invalid', 'The ID token iat or nbf is out of range.');
  }
  return Object.freeze({ ...payload, sub }) as IdTokenClaims;
}
