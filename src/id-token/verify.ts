import * as base64url from 'jose/base64url';
import { compactVerify } from 'jose/jws/compact/verify';
import {
  TwitchAuthError,
  invalidIdToken as invalid,
  isTwitchAuthError,
} from '../internal/errors.js';
import { isFiniteNumber } from '../internal/guards.js';
import type { JwksCache } from './jwks.js';
import { checkStructure } from './jws.js';
import type { IdTokenClaims } from './claims.js';

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

const MAX_LIFETIME_SECONDS = 86_400;

/** A time check failed, and nothing else did: the device clock may be what is wrong. */
function timeError(code: 'token_expired' | 'iat_invalid', message: string): TwitchAuthError {
  return new TwitchAuthError(code, `${message} Is this device's clock right?`, {
    clockSkewSuspected: true,
  });
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
 * const jwks = createJwksCache({ url, fetch: () => fetch, store, now: Date.now, timeoutMs: 5000, timers: defaultTimers });
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
    throw new TwitchAuthError(
      'audience_mismatch',
      'The ID token was issued to another party (azp).',
    );
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
  return Object.freeze({ ...payload, sub });
}
