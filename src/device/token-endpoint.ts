// Twitch's /oauth2/device and /oauth2/token for a public client (no secret): form POSTs with an
// injected fetch, lenient success parsing (never drop a refresh token Twitch handed over), strict
// error classification into typed outcomes. Nothing here throws a token or puts one in a message.
import { isFiniteNumber, isNonEmptyString, isPlainObject } from '../internal/guards.js';

/**
 * What Twitch is documented (or only reported) to send. Parts are unverified (TWITCH.md, "Device
 * code grant flow"; the emulator's facts.ts mirrors them), so every such fact lives here and a
 * correction is a one-line change.
 */
export const TOKEN_FACTS = Object.freeze({
  deviceGrantType: 'urn:ietf:params:oauth:grant-type:device_code',
  /** Twitch's /oauth2/device takes `scopes` (space-delimited), not RFC 8628's `scope`. */
  scopesParam: 'scopes',
  /**
   * Twitch answers `{status, message}` with the RFC 8628 code as `message` (twitchdev/issues#975),
   * sometimes beside an HTTP reason as `error` ("Bad Request"); RFC 6749's `error` is read only
   * when there is no `message`. Compared case-insensitively.
   */
  messages: Object.freeze({
    authorizationPending: 'authorization_pending',
    slowDown: 'slow_down',
    expiredToken: 'expired_token',
    accessDenied: 'access_denied',
    invalidDeviceCode: 'invalid device code',
    invalidRefreshToken: 'invalid refresh token',
    invalidGrant: 'invalid_grant',
    /** A Confidential client's device-grant refresh without a secret (twitchdev/issues#943). */
    missingClientSecret: 'missing client secret',
  }),
  /**
   * One 2024 report got `invalid device code` while the user had not yet approved. Treating it as
   * "still pending" costs at most the code's lifetime of polling; treating it as final could fail
   * a login that was about to succeed.
   */
  invalidDeviceCodeMeansPending: true,
});

/** A successful token response (device or refresh grant). Holds secrets: never log it. */
export interface TokenSet {
  readonly accessToken: string;
  /** Twitch rotates it: the one that was used to get this set is dead now. */
  readonly refreshToken: string;
  /** Seconds the access token lives; absent when Twitch did not say (validate will). */
  readonly expiresIn?: number;
  readonly scopes: readonly string[];
  /** Twitch may leave `token_type` out; a token endpoint answer is a bearer token. */
  readonly tokenType: 'bearer';
}

/** Everything a token request can end in. Only `tokens` carries a secret. */
export type TokenOutcome =
  | { readonly kind: 'tokens'; readonly tokens: TokenSet }
  | { readonly kind: 'authorization_pending' }
  | { readonly kind: 'slow_down' }
  | { readonly kind: 'expired_token' }
  | { readonly kind: 'access_denied' }
  | { readonly kind: 'invalid_device_code'; readonly status: number }
  /** The refresh token is dead (rotated, revoked, 30 days unused): the grant is gone. */
  | { readonly kind: 'invalid_refresh_token'; readonly status: number }
  /** The app is registered as Confidential: Twitch wants a secret this SDK must never hold. */
  | { readonly kind: 'missing_client_secret'; readonly status: number; readonly message: string }
  /** A 200 that is not a token set: nothing in it can be trusted. */
  | { readonly kind: 'malformed'; readonly status: number }
  /** Any other HTTP error; `message` is Twitch's text, truncated. */
  | { readonly kind: 'http_error'; readonly status: number; readonly message?: string }
  /** No HTTP answer (offline, CORS, DNS, aborted). */
  | { readonly kind: 'network_error'; readonly cause: unknown };

const MAX_MESSAGE = 500;

/** A form POST to a Twitch OAuth endpoint: the response and its JSON body, or why none came. */
export async function postForm(
  doFetch: typeof fetch,
  url: string,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<
  | { readonly kind: 'answer'; readonly response: Response; readonly body: unknown }
  | { readonly kind: 'no_answer'; readonly error: unknown }
> {
  let response: Response;
  try {
    // A token endpoint must never be followed through a redirect, nor see cookies; client_id is in
    // the form, so no Client-Id header (and no preflight) is needed.
    response = await doFetch(url, {
      method: 'POST',
      body: new URLSearchParams(form),
      credentials: 'omit',
      redirect: 'error',
      cache: 'no-store',
      ...(signal && { signal }),
    });
  } catch (error) {
    return { kind: 'no_answer', error };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, an empty body): there is no body to read.
  }
  return { kind: 'answer', response, body };
}

/** Twitch's error text of a body, truncated; undefined when it has none. */
export function errorText(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  // Twitch's `message` carries the code; its `error` may be only the HTTP reason ("Bad Request").
  const text = isNonEmptyString(body['message']) ? body['message'] : body['error'];
  return isNonEmptyString(text) ? text.slice(0, MAX_MESSAGE) : undefined;
}

/** `scope` as Twitch sends it on a token answer: an array, or a space-separated string; else none. */
function parseScopes(scope: unknown): readonly string[] {
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '');
  return Array.isArray(scope) && scope.every((s) => typeof s === 'string') ? scope : [];
}

/**
 * A success: an access token and a refresh token. Everything else is optional (twurple and
 * twitch_oauth2 read it so too): a refresh token Twitch handed over is never thrown away over an
 * odd field, since the one it replaced is spent.
 */
function parseTokenSet(body: unknown): TokenSet | undefined {
  if (!isPlainObject(body)) return undefined;
  const { access_token, refresh_token, expires_in, scope } = body;
  if (!isNonEmptyString(access_token) || !isNonEmptyString(refresh_token)) return undefined;
  const scopes = parseScopes(scope);
  return Object.freeze({
    accessToken: access_token,
    refreshToken: refresh_token,
    ...(isFiniteNumber(expires_in) && expires_in > 0 ? { expiresIn: expires_in } : {}),
    scopes: Object.freeze([...scopes]),
    tokenType: 'bearer',
  });
}

/**
 * Classifies a token endpoint answer. Pure: the status and the parsed JSON body (or undefined).
 *
 * @example
 * ```ts
 * classifyTokenResponse(400, { status: 400, message: 'authorization_pending' }).kind; // 'authorization_pending'
 * ```
 */
export function classifyTokenResponse(status: number, body: unknown): TokenOutcome {
  if (status === 200) {
    const tokens = parseTokenSet(body);
    return tokens === undefined ? { kind: 'malformed', status } : { kind: 'tokens', tokens };
  }
  const text = errorText(body);
  if (text === undefined) return { kind: 'http_error', status };
  const m = TOKEN_FACTS.messages;
  switch (text.toLowerCase()) {
    case m.authorizationPending:
      return { kind: 'authorization_pending' };
    case m.slowDown:
      return { kind: 'slow_down' };
    case m.expiredToken:
      return { kind: 'expired_token' };
    case m.accessDenied:
      return { kind: 'access_denied' };
    case m.invalidDeviceCode:
      return { kind: 'invalid_device_code', status };
    case m.invalidRefreshToken:
    case m.invalidGrant:
      if (status === 400 || status === 401) return { kind: 'invalid_refresh_token', status };
      break;
    case m.missingClientSecret:
      return { kind: 'missing_client_secret', status, message: text };
  }
  return { kind: 'http_error', status, message: text };
}

async function tokenRequest(
  doFetch: typeof fetch,
  url: string,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<TokenOutcome> {
  const result = await postForm(doFetch, url, form, signal);
  if (result.kind === 'no_answer') return { kind: 'network_error', cause: result.error };
  return classifyTokenResponse(result.response.status, result.body);
}

/**
 * One poll of the device code grant. Never throws: every answer is a {@link TokenOutcome}.
 *
 * @example
 * ```ts
 * const { deviceCode } = await requestDeviceCode(fetch, url, clientId, ['chat:read']);
 * const outcome = await pollDeviceToken(fetch, 'https://id.twitch.tv/oauth2/token', clientId, deviceCode);
 * if (outcome.kind === 'tokens') showMessage('approved');
 * ```
 */
export function pollDeviceToken(
  doFetch: typeof fetch,
  url: string,
  clientId: string,
  deviceCode: string,
  signal?: AbortSignal,
): Promise<TokenOutcome> {
  return tokenRequest(
    doFetch,
    url,
    { client_id: clientId, device_code: deviceCode, grant_type: TOKEN_FACTS.deviceGrantType },
    signal,
  );
}

/**
 * Exchanges a refresh token for a new token set (`client_id` only: a public client has no secret).
 * Never throws. The refresh token used is dead afterwards whatever the answer, if Twitch saw it.
 *
 * @example
 * ```ts
 * const outcome = await refreshTokens(fetch, 'https://id.twitch.tv/oauth2/token', clientId, grant.token);
 * if (outcome.kind === 'invalid_refresh_token') showMessage('Please sign in again');
 * ```
 */
export function refreshTokens(
  doFetch: typeof fetch,
  url: string,
  clientId: string,
  refreshToken: string,
): Promise<TokenOutcome> {
  return tokenRequest(doFetch, url, {
    client_id: clientId,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}
