import { TwitchAuthError } from './errors.js';
import type { PendingRequest } from './pending.js';

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

/** Every parameter an authorization response may carry; all are scrubbed from the URL. */
const RESPONSE_PARAMS = [
  'access_token',
  'id_token',
  'token_type',
  'scope',
  'state',
  'error',
  'error_description',
  'error_uri',
  'expires_in',
] as const;
const MARKERS_IN_FRAGMENT = ['access_token', 'id_token', 'error', 'state'];
const MARKERS_IN_QUERY = ['access_token', 'id_token', 'error'];
const MAX_FRAGMENT = 16_384;
const MAX_PARAMS = 100;
const MAX_DESCRIPTION = 500;

const fragmentOf = (url: URL): URLSearchParams => new URLSearchParams(url.hash.slice(1));
const hasAny = (params: URLSearchParams, names: readonly string[]): boolean =>
  names.some((name) => params.has(name));

/**
 * True when the URL carries an OAuth response. Never throws.
 *
 * @example
 * ```ts
 * hasAuthResponse(new URL('https://app.example/#access_token=x&state=y')); // true
 * hasAuthResponse(new URL('https://app.example/#/settings')); // false
 * ```
 */
export function hasAuthResponse(url: URL): boolean {
  return hasAny(fragmentOf(url), MARKERS_IN_FRAGMENT) || hasAny(url.searchParams, MARKERS_IN_QUERY);
}

/**
 * The URL without the auth response: response parameters removed from the query, and the
 * fragment dropped when it held the response. Other parameters stay. Never throws.
 *
 * @example
 * ```ts
 * stripAuthResponse(new URL('https://app.example/cb?x=1#access_token=t&state=s'));
 * // 'https://app.example/cb?x=1'
 * ```
 */
export function stripAuthResponse(url: URL): string {
  const clean = new URL(url.href);
  if (RESPONSE_PARAMS.some((name) => clean.searchParams.has(name))) {
    for (const name of RESPONSE_PARAMS) clean.searchParams.delete(name);
  }
  if (hasAny(fragmentOf(clean), RESPONSE_PARAMS)) clean.hash = '';
  return clean.href;
}

/** One value per name; a response parameter twice is refused. Empty values count as absent. */
function readParams(params: URLSearchParams, where: string): Map<string, string> {
  const values = new Map<string, string>();
  let count = 0;
  for (const [name, value] of params) {
    count += 1;
    if (count > MAX_PARAMS) {
      throw new TwitchAuthError('invalid_callback', `The ${where} has too many parameters.`);
    }
    if (!(RESPONSE_PARAMS as readonly string[]).includes(name)) continue;
    if (values.has(name)) {
      throw new TwitchAuthError('duplicate_param', `The ${where} has "${name}" more than once.`);
    }
    if (value !== '') values.set(name, value);
  }
  return values;
}

/** Splits the granted scopes; Twitch's OIDC example double-encodes them (`%253A`). */
function decodeScopes(raw: string | undefined): readonly string[] {
  if (raw === undefined) return Object.freeze([]);
  const scopes = raw
    .split(' ')
    .filter((scope) => scope !== '')
    .map((scope) => {
      if (!scope.includes('%')) return scope;
      try {
        return decodeURIComponent(scope);
      } catch {
        return scope;
      }
    });
  return Object.freeze(scopes);
}

/**
 * Parses the response on the callback URL, or returns null when there is none. Success comes in
 * the fragment; errors in the query string (where Twitch puts them) or the fragment.
 *
 * @throws TwitchAuthError `token_in_query`, `duplicate_param`, `invalid_callback`
 * @example
 * ```ts
 * const response = parseAuthResponse(new URL(location.href));
 * if (response?.kind === 'error') console.warn(response.error);
 * ```
 */
export function parseAuthResponse(url: URL): AuthResponse | null {
  if (!hasAuthResponse(url)) return null;
  if (url.hash.length > MAX_FRAGMENT || url.search.length > MAX_FRAGMENT) {
    throw new TwitchAuthError('invalid_callback', 'The login response is too large.');
  }
  if (url.searchParams.has('access_token') || url.searchParams.has('id_token')) {
    throw new TwitchAuthError(
      'token_in_query',
      'A token arrived in the query string, where servers log it; it was refused.',
    );
  }
  const query = readParams(url.searchParams, 'query string');
  const fragment = readParams(fragmentOf(url), 'fragment');
  for (const name of query.keys()) {
    if (fragment.has(name)) {
      throw new TwitchAuthError('duplicate_param', `"${name}" is in both the query and the fragment.`);
    }
  }
  const source = query.has('error') ? query : fragment;
  const state = source.get('state') ?? (source === query ? undefined : query.get('state'));
  const error = source.get('error');
  if (error !== undefined) {
    const description = source.get('error_description');
    return Object.freeze({
      kind: 'error',
      state,
      error: error.slice(0, 100),
      errorDescription: description?.slice(0, MAX_DESCRIPTION),
    });
  }
  return Object.freeze({
    kind: 'success',
    state,
    accessToken: fragment.get('access_token'),
    idToken: fragment.get('id_token'),
    scopes: decodeScopes(fragment.get('scope')),
    tokenType: fragment.get('token_type'),
  });
}

/**
 * Checks a response against the request it answers and returns its tokens.
 *
 * @throws TwitchAuthError `access_denied`, `authorize_error`, `missing_param`,
 *   `unsupported_token_type`, `response_type_mismatch`
 * @example
 * ```ts
 * const { accessToken, idToken } = matchResponse(response, pending.take(response.state, Date.now()));
 * ```
 */
export function matchResponse(
  response: AuthResponse,
  request: PendingRequest,
): { accessToken: string; idToken: string | undefined; scopes: readonly string[] } {
  if (response.kind === 'error') {
    const details = {
      twitchError: response.error,
      ...(response.errorDescription === undefined
        ? {}
        : { twitchErrorDescription: response.errorDescription }),
    };
    if (response.error === 'access_denied') {
      throw new TwitchAuthError('access_denied', 'The user declined the login on Twitch.', details);
    }
    throw new TwitchAuthError('authorize_error', 'Twitch refused the login request.', details);
  }
  if (response.accessToken === undefined) {
    throw new TwitchAuthError('missing_param', 'The login response has no access_token.');
  }
  if (response.tokenType?.toLowerCase() !== 'bearer') {
    throw new TwitchAuthError('unsupported_token_type', 'The login response is not a bearer token.');
  }
  if (request.responseType === 'token id_token' && response.idToken === undefined) {
    throw new TwitchAuthError('missing_param', 'The login response has no id_token.');
  }
  if (request.responseType === 'token' && response.idToken !== undefined) {
    throw new TwitchAuthError(
      'response_type_mismatch',
      'The login response has an id_token that was not asked for.',
    );
  }
  return { accessToken: response.accessToken, idToken: response.idToken, scopes: response.scopes };
}
