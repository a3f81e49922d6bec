// The full, strict reading of an auth response and its match against the pending request: loaded
// with the callback path (complete-login.ts), never on an ordinary page.
import { type CallbackUrl, type Param, RESPONSE_PARAMS, formDecode, hasAny } from './url.js';
import { TwitchAuthError, invalidCallback as invalid } from '../internal/errors.js';
import type { PendingRequest } from '../login/pending.js';

/** A parsed authorization response: success (from the fragment) or error (query or fragment). */
export type AuthResponse =
  | {
      readonly kind: 'success';
      readonly state: string | undefined;
      readonly accessToken: string | undefined;
      readonly idToken: string | undefined;
      readonly scopes: readonly string[];
      readonly tokenType: string | undefined;
    }
  | {
      readonly kind: 'error';
      readonly state: string | undefined;
      readonly error: string;
      readonly errorDescription: string | undefined;
    };

const MAX_COMPONENT_CHARS = 16_384;
const MAX_PARAMS = 100;
const MAX_ERROR_CHARS = 100;
const MAX_DESCRIPTION_CHARS = 500;

interface Parsed {
  /** Response parameters with a non-empty value (RFC 6749 §3.1: empty means absent). */
  readonly values: Map<string, string>;
  /** Every response parameter name seen, empty or not, for the duplicate checks. */
  readonly seen: Set<string>;
}

/**
 * Reads the response parameters of a query or fragment into a Map (no object keys, so no
 * prototype pollution). `strict` (the fragment, which is all Twitch's) also refuses bad escapes in
 * unknown parameters and more than {@link MAX_PARAMS} parameters; the query string may carry the
 * app's own parameters, which are none of our business.
 */
function readParams(params: readonly Param[], where: string, strict: boolean): Parsed {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  let count = 0;
  for (const { piece, name, rawValue } of params) {
    if (piece === '') continue;
    count += 1;
    if (strict && count > MAX_PARAMS) {
      throw invalid(`The ${where} has more than ${MAX_PARAMS} parameters.`);
    }
    if (name === null) {
      if (strict) throw invalid(`The ${where} has a malformed percent-escape.`);
      continue;
    }
    if (!RESPONSE_PARAMS.has(name)) continue;
    if (seen.has(name)) {
      throw new TwitchAuthError('duplicate_param', `The ${where} has "${name}" more than once.`);
    }
    seen.add(name);
    const value = formDecode(rawValue);
    if (value === null) throw invalid(`"${name}" in the ${where} has a malformed percent-escape.`);
    if (value !== '') values.set(name, value);
  }
  return { values, seen };
}

/** Cuts to `max` UTF-16 units without leaving half a surrogate pair behind. */
function truncate(text: string, max: number): string {
  // A shorter text is returned whole: charAt() past its end is '' and slice() stops at its end.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * A value that will be compared or sent in a header: printable ASCII only, else refused (RFC 6749
 * Appendix A: tokens, state and token_type are VSCHARs; no CR/LF can reach a header).
 */
function checked(values: ReadonlyMap<string, string>, name: string): string | undefined {
  const value = values.get(name);
  if (value !== undefined && !/^[\x20-\x7e]+$/.test(value)) {
    throw invalid(`"${name}" holds characters a login response never has.`);
  }
  return value;
}

/**
 * Granted scopes: the value was form-decoded once already; it is split on spaces and each scope
 * decoded again if it still holds `%`, because Twitch's OIDC example double-encodes colons
 * (`channel%253Amanage%253Apolls`). A scope that does not decode is kept as it is.
 */
function decodeScopes(raw: string | undefined): readonly string[] {
  if (raw === undefined) return Object.freeze([]);
  const scopes = raw
    .split(' ')
    .filter((scope) => scope !== '')
    .map((scope) => {
      try {
        return decodeURIComponent(scope);
      } catch {
        return scope;
      }
    });
  return Object.freeze(scopes);
}

/**
 * Parses the OAuth response of a callback URL read by `readCallbackUrl`, or returns `null` when
 * it carries none.
 * Success comes in the fragment; errors in the query string (where Twitch puts them) or the
 * fragment. A response split over both places is read as one, after checking no parameter is in
 * both. An `error` wins over an `access_token` next to it. `expires_in` (Twitch sends none) and
 * `error_uri` (a link an attacker could choose) are ignored. `error` and `error_description` are
 * truncated (100 and 500 characters) and are plain text: never put them into HTML.
 *
 * @throws TwitchAuthError `token_in_query` (a token in the query string, where servers log it),
 *   `duplicate_param` (a response parameter twice, or in both query and fragment),
 *   `invalid_callback` (an empty fragment such as `#&&&`, a malformed percent-escape, a fragment
 *   over 16 KB or 100 parameters, a token or state with non-printable characters).
 * @example
 * ```ts
 * const response = parseAuthResponse(readCallbackUrl(new URL(location.href)));
 * if (response === null) return; // not a callback
 * if (response.state === undefined) throw new TwitchAuthError('state_missing', 'No state.');
 * ```
 */
export function parseAuthResponse(parts: CallbackUrl): AuthResponse | null {
  if (!parts.hasResponse) {
    if (parts.emptyFragment) throw invalid('The URL fragment is empty or names no parameter.');
    return null;
  }
  // First, so a leaked token is reported as such whatever else is wrong with the URL.
  const leaked = ({ name, rawValue }: Param): boolean =>
    (name === 'access_token' || name === 'id_token') && rawValue !== '';
  if (parts.query.some(leaked)) {
    throw new TwitchAuthError(
      'token_in_query',
      'A token arrived in the query string, where servers log it; it was refused.',
    );
  }
  if (parts.searchChars > MAX_COMPONENT_CHARS) throw invalid('The query string is too large.');
  const query = readParams(parts.query, 'query string', false);

  let fragment: Parsed = { values: new Map(), seen: new Set() };
  if (hasAny(parts.fragment, RESPONSE_PARAMS)) {
    if (parts.hashChars > MAX_COMPONENT_CHARS) throw invalid('The fragment is too large.');
    fragment = readParams(parts.fragment, 'fragment', true);
  }
  for (const name of query.seen) {
    if (fragment.seen.has(name)) {
      throw new TwitchAuthError(
        'duplicate_param',
        `"${name}" is in both the query string and the fragment.`,
      );
    }
  }
  // No name is in both, so merging loses nothing.
  const values = new Map([...query.values, ...fragment.values]);
  const state = checked(values, 'state');
  const error = values.get('error');
  if (error !== undefined) {
    const description = values.get('error_description');
    return Object.freeze({
      kind: 'error',
      state,
      error: truncate(error, MAX_ERROR_CHARS),
      errorDescription:
        description === undefined ? undefined : truncate(description, MAX_DESCRIPTION_CHARS),
    });
  }
  return Object.freeze({
    kind: 'success',
    state,
    accessToken: checked(values, 'access_token'),
    idToken: checked(values, 'id_token'),
    scopes: decodeScopes(values.get('scope')),
    tokenType: checked(values, 'token_type'),
  });
}

/**
 * Twitch's error response as a TwitchAuthError: `access_denied` (the user pressed Cancel) or
 * `authorize_error` (e.g. `redirect_mismatch`), with `twitchError` and `twitchErrorDescription`.
 *
 * @example
 * ```ts
 * if (response.kind === 'error') throw twitchError(response);
 * ```
 */
export function twitchError(response: AuthResponse & { readonly kind: 'error' }): TwitchAuthError {
  const details = {
    twitchError: response.error,
    ...(response.errorDescription === undefined
      ? {}
      : { twitchErrorDescription: response.errorDescription }),
  };
  return response.error === 'access_denied'
    ? new TwitchAuthError('access_denied', 'The user declined the login on Twitch.', details)
    : new TwitchAuthError('authorize_error', 'Twitch refused the login request.', details);
}

/**
 * Checks a response against the pending request it answers (already looked up by its `state`)
 * and returns the pieces a session is made of. The state is compared once more, and before the
 * error, so a forged error response cannot cancel someone else's login.
 *
 * @throws TwitchAuthError `state_mismatch`; `access_denied` (the user pressed Cancel) or
 *   `authorize_error` (any other Twitch error), both carrying `twitchError` and
 *   `twitchErrorDescription`; `missing_param` (no `access_token`, or no `id_token` in OIDC mode);
 *   `unsupported_token_type` (not `bearer`, in any case); `response_type_mismatch` (an `id_token`
 *   nobody asked for).
 * @example
 * ```ts
 * const taken = takePendingRequest(transient, response.state, Date.now());
 * const { accessToken, idToken, scopes } = matchResponse(response, taken);
 * ```
 */
export function matchResponse(
  response: AuthResponse,
  request: PendingRequest,
): { accessToken: string; idToken: string | undefined; scopes: readonly string[] } {
  if (response.state !== request.state) {
    throw new TwitchAuthError('state_mismatch', 'The login response answers a different request.');
  }
  if (response.kind === 'error') throw twitchError(response);
  if (response.accessToken === undefined) {
    throw new TwitchAuthError('missing_param', 'The login response has no access_token.');
  }
  if (response.tokenType?.toLowerCase() !== 'bearer') {
    throw new TwitchAuthError(
      'unsupported_token_type',
      'The login response is not a bearer token.',
    );
  }
  if (request.responseType === 'token id_token' && response.idToken === undefined) {
    throw new TwitchAuthError('missing_param', 'The login response has no id_token.');
  }
  if (request.responseType === 'token' && response.idToken !== undefined) {
    // Never trusted unverified: a plain-token client has no nonce to check it against.
    throw new TwitchAuthError(
      'response_type_mismatch',
      'The login response has an id_token that was not asked for.',
    );
  }
  return { accessToken: response.accessToken, idToken: response.idToken, scopes: response.scopes };
}
