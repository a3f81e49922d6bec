// The strict JWS structure check of an ID token from a callback: the compact form, the header's
// algorithm and key id, and the payload as JSON, all before any key is looked up or fetched.
import * as base64url from 'jose/base64url';
import { TwitchAuthError, invalidIdToken } from '../internal/errors.js';
import { isPlainObject } from '../internal/guards.js';

const MAX_TOKEN_LENGTH = 16_384;
const MAX_KID_LENGTH = 256;
// Headers that would let the token pick its own key (OIDC Core §2; no fetch to jku/x5u) or change
// how it is processed (RFC 7515 §4.1.11 crit, RFC 7797 b64).
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64'] as const;

/**
 * A `kid` is optional, and when present a string of at most 256 characters: it is
 * attacker-chosen and becomes a lookup key.
 *
 * @example
 * ```ts
 * if (!isAcceptableKid(jwk.kid)) return undefined; // skip the key
 * ```
 */
export function isAcceptableKid(kid: unknown): kid is string | undefined {
  return kid === undefined || (typeof kid === 'string' && kid.length <= MAX_KID_LENGTH);
}

/**
 * The one acceptance rule for a token's key-selecting header: exactly `alg: "RS256"` (`none` in
 * any case, HS*, RS384, PS256, ES256 never meet a key, RFC 8725 §2.1) and an acceptable `kid`.
 * Used by the structure check and again by the key lookup, before any request.
 *
 * @throws TwitchAuthError `alg_not_allowed`, `id_token_invalid`.
 * @example
 * ```ts
 * const kid = checkKeyHeader(header); // string | undefined
 * ```
 */
export function checkKeyHeader(header: {
  readonly alg?: unknown;
  readonly kid?: unknown;
}): string | undefined {
  if (header.alg !== 'RS256') {
    throw new TwitchAuthError('alg_not_allowed', 'Only RS256 ID tokens are accepted.');
  }
  const { kid } = header;
  if (!isAcceptableKid(kid)) throw invalidIdToken('kid is not a short string.');
  return kid;
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

/** RFC 7515 §2: base64url without padding. */
const isBase64url = (segment: string): boolean => /^[A-Za-z0-9_-]+$/.test(segment);

/**
 * A header or payload segment as a strict JSON object: strict base64url (RFC 7515 §2: no padding,
 * no `+/`), valid UTF-8 (`fatal`), no BOM (`ignoreBOM` keeps it, so `JSON.parse` refuses it), an
 * object, and no repeated member names.
 */
function segmentObject(segment: string, part: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    if (!isBase64url(segment)) throw new SyntaxError('not strict base64url');
    const bytes = base64url.decode(segment);
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw invalidIdToken(`${part} is not base64url-encoded UTF-8 JSON.`, cause);
  }
  if (!isPlainObject(value) || hasDuplicateNames(text)) {
    throw invalidIdToken(`${part} is not a JSON object with distinct member names.`);
  }
  return value;
}

/**
 * Structure and header checks, all before any key is looked up or fetched; returns the claims,
 * unverified. Throws `id_token_invalid`, `alg_not_allowed` or `signature_invalid` (unsigned).
 *
 * @example
 * ```ts
 * const { sub, nonce } = checkStructure(idToken); // unverified: the signature check follows
 * ```
 */
export function checkStructure(token: unknown): Record<string, unknown> {
  const small = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH;
  const parts = small ? token.split('.') : [];
  if (parts.length !== 3) throw invalidIdToken('is not a compact JWS of at most 16 KB.');
  const [headerSegment, payloadSegment, signature] = parts as [string, string, string];
  const header = segmentObject(headerSegment, 'header');
  const payload = segmentObject(payloadSegment, 'payload');
  if (signature !== '' && !isBase64url(signature)) {
    throw invalidIdToken('signature is not strict base64url.');
  }
  checkKeyHeader(header);
  // After the algorithm check, so `alg: none` with its empty signature reads as what it is.
  if (signature === '') throw new TwitchAuthError('signature_invalid', 'The ID token is unsigned.');
  for (const name of FORBIDDEN_HEADERS) {
    if (Object.hasOwn(header, name)) throw invalidIdToken(`header "${name}" is not accepted.`);
  }
  const { typ } = header;
  // RFC 8725 §3.11: an access token (at+jwt) or logout token is not an ID token.
  if (typ !== undefined && (typeof typ !== 'string' || typ.toLowerCase() !== 'jwt')) {
    throw invalidIdToken('typ is not JWT.');
  }
  return payload;
}
