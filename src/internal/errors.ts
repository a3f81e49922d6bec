/**
 * Every failure the SDK reports is a {@link TwitchAuthError} with a `code` from this closed list.
 * Each code is documented once, here and in the README.
 *
 * @example
 * ```ts
 * ERROR_CODES.includes('access_denied'); // true
 * ```
 */
export const ERROR_CODES = [
  // configuration and environment
  'invalid_options', // createTwitchAuth() or a call got options it cannot use
  'environment_unsupported', // a browser-only call ran without window/crypto.subtle (SSR, insecure context)
  'storage_unavailable', // the chosen storage threw on read or write (sandboxed iframe, quota)
  // the redirect callback
  'invalid_callback', // the URL's auth response is malformed, oversized or contradictory
  'duplicate_param', // a response parameter appears twice
  'missing_param', // a required response parameter is absent or empty
  'token_in_query', // an access_token arrived in the query string (it may be in server logs)
  'unsupported_token_type', // token_type is not bearer
  'state_missing', // the response carries no state
  'state_mismatch', // the response's state matches no pending request of this browser
  'no_pending_request', // no login was started here (storage wiped, replay, or unsolicited response)
  'pending_request_expired', // the login was started more than 10 minutes ago
  'response_type_mismatch', // the response does not have the shape the request asked for
  'access_denied', // the user pressed "Cancel" on Twitch's consent page
  'authorize_error', // Twitch answered the authorize request with another error (see twitchError)
  // the ID token
  'id_token_invalid', // malformed JWT, forbidden header, or a required claim missing or mistyped
  'alg_not_allowed', // the ID token is not signed with RS256
  'signature_invalid', // the signature does not verify, or no key in the key set fits it
  'issuer_mismatch', // iss is not Twitch's issuer
  'audience_mismatch', // aud is not exactly this client id, or azp differs
  'token_expired', // exp is in the past (beyond the allowed clock skew)
  'iat_invalid', // iat is in the future or older than the allowed age
  'nonce_mismatch', // the nonce claim is missing or differs from the one sent
  'at_hash_mismatch', // at_hash is missing or does not match the access token (token injection)
  'jwks_unavailable', // the key set could not be fetched (network, timeout, status, not a key set)
  // the session
  'token_invalid', // Twitch's /oauth2/validate rejected the token or it belongs to someone else
  'network_error', // no HTTP answer arrived (offline, CORS, DNS, aborted), or SDK code failed to load
  'http_error', // Twitch answered with a status or a body the SDK cannot use (5xx, 429, a malformed 200)
  'popup_blocked', // the browser did not open the login popup
  'popup_closed', // the user closed the login popup before finishing
  'popup_timeout', // the popup did not answer in time
  'listener_error', // one of your event listeners threw; the SDK carried on
  // hints for the developer, on the error event only
  'helix_origin_mismatch', // auth.fetch sent no token to https://api.twitch.tv: endpoints.helix is elsewhere
  'callback_not_handled', // a token sits in the address bar: the page never called handleRedirect()
  // scope upgrades and twurple
  'scope_missing', // the session lacks scopes a call needs (the message names them): offer login({ scopes })
  'user_mismatch', // a token was asked for a user other than the signed-in one
  // the device login (twitch-spa-login/device)
  'device_code_expired', // the device code's lifetime ran out before the user approved it
  'login_cancelled', // the app cancelled the device login (cancel() or its AbortSignal)
] as const;

/** The closed union of error codes; `switch (error.code)` narrows on it. */
export type TwitchAuthErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** Extra, token-free facts some errors carry. */
export interface TwitchAuthErrorDetails {
  /** Twitch's `error` parameter, for `access_denied` and `authorize_error`. Plain text, never HTML. */
  readonly twitchError?: string;
  /** Twitch's `error_description`, truncated to 500 characters. Plain text, never HTML. */
  readonly twitchErrorDescription?: string;
  /** Set on time-based ID token failures: the device clock, not the token, is probably wrong. */
  readonly clockSkewSuspected?: boolean;
  /** HTTP status of the response that caused the error, when there was one. */
  readonly status?: number;
}

/**
 * The one error class of the SDK. Messages never contain a token.
 *
 * @example
 * ```ts
 * try {
 *   await auth.handleRedirect();
 * } catch (error) {
 *   if (isTwitchAuthError(error) && error.code === 'access_denied') showMessage('Login cancelled');
 * }
 * ```
 */
export class TwitchAuthError extends Error {
  override readonly name = 'TwitchAuthError';
  readonly code: TwitchAuthErrorCode;
  readonly twitchError?: string;
  readonly twitchErrorDescription?: string;
  readonly clockSkewSuspected?: boolean;
  readonly status?: number;

  constructor(
    code: TwitchAuthErrorCode,
    message: string,
    options: TwitchAuthErrorDetails & { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // The detail fields above are own properties from the start (undefined until set), so
    // copying an unset detail changes nothing.
    const { twitchError, twitchErrorDescription, clockSkewSuspected, status } = options;
    Object.assign(this, { twitchError, twitchErrorDescription, clockSkewSuspected, status });
  }
}

/**
 * True for a {@link TwitchAuthError}, also one thrown by another copy of the SDK or in another
 * realm (iframe, webview bridge), where `instanceof` fails.
 *
 * @example
 * ```ts
 * auth.on('error', ({ error }) => {
 *   if (isTwitchAuthError(error)) report(error.code);
 * });
 * ```
 */
export function isTwitchAuthError(value: unknown): value is TwitchAuthError {
  if (value instanceof TwitchAuthError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, code } = value as { name?: unknown; code?: unknown };
  return name === 'TwitchAuthError' && typeof code === 'string' && CODE_SET.has(code);
}

/** Wraps anything thrown into a TwitchAuthError, keeping TwitchAuthErrors as they are. */
export function toTwitchAuthError(
  error: unknown,
  code: TwitchAuthErrorCode,
  message: string,
): TwitchAuthError {
  return isTwitchAuthError(error) ? error : new TwitchAuthError(code, message, { cause: error });
}

// One constructor per code that many checks raise, so the messages stay in one voice.

/** `invalid_options`: an option or argument the SDK cannot use. */
export const invalidOptions = (message: string, cause?: unknown): TwitchAuthError =>
  new TwitchAuthError('invalid_options', message, cause === undefined ? {} : { cause });

/** `invalid_callback`: a malformed, oversized or contradictory auth response. */
export const invalidCallback = (message: string): TwitchAuthError =>
  new TwitchAuthError('invalid_callback', message);

/** `id_token_invalid`, the message starting "The ID token ". */
export const invalidIdToken = (message: string, cause?: unknown): TwitchAuthError =>
  new TwitchAuthError(
    'id_token_invalid',
    `The ID token ${message}`,
    cause === undefined ? {} : { cause },
  );
