// Twitch's `POST /oauth2/device`: the start of a device login, a user code for the person and a
// device code for this page. Its polls and refreshes are token-endpoint.ts.
import { TwitchAuthError } from '../internal/errors.js';
import { isFiniteNumber, isNonEmptyString, isPlainObject } from '../internal/guards.js';
import { TOKEN_FACTS, errorText, postForm } from './token-endpoint.js';

/** Twitch's answer to `POST /oauth2/device`. `deviceCode` is a secret of this page. */
export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly expiresIn: number;
  /** Seconds between polls. */
  readonly interval: number;
}

/**
 * Starts a device login: `POST /oauth2/device`. Throws `network_error` without an HTTP answer, and
 * `authorize_error` (with Twitch's message and the status) for any refusal or malformed answer.
 *
 * @example
 * ```ts
 * const { userCode, verificationUri } = await requestDeviceCode(fetch, url, clientId, ['chat:read']);
 * ```
 */
export async function requestDeviceCode(
  doFetch: typeof fetch,
  url: string,
  clientId: string,
  scopes: readonly string[],
  signal?: AbortSignal,
): Promise<DeviceAuthorization> {
  const result = await postForm(
    doFetch,
    url,
    { client_id: clientId, [TOKEN_FACTS.scopesParam]: scopes.join(' ') },
    signal,
  );
  if (result.kind === 'no_answer') {
    throw new TwitchAuthError('network_error', `Could not reach ${new URL(url).origin}.`, {
      cause: result.error,
    });
  }
  const { response, body } = result;
  const status = response.status;
  if (status !== 200) {
    const text = errorText(body);
    throw new TwitchAuthError(
      'authorize_error',
      `Twitch refused to start a device login (${status}).`,
      {
        status,
        ...(text === undefined ? {} : { twitchError: text, twitchErrorDescription: text }),
      },
    );
  }
  const d = isPlainObject(body) ? body : {};
  const { device_code, user_code, verification_uri, expires_in, interval } = d;
  if (
    !isNonEmptyString(device_code) ||
    !isNonEmptyString(user_code) ||
    !isNonEmptyString(verification_uri) ||
    !/^https?:\/\//.test(verification_uri) ||
    !isFiniteNumber(expires_in) ||
    expires_in <= 0 ||
    (interval !== undefined && (!isFiniteNumber(interval) || interval < 0))
  ) {
    throw new TwitchAuthError(
      'authorize_error',
      'Twitch answered /oauth2/device with a malformed body.',
      {
        status,
      },
    );
  }
  return Object.freeze({
    deviceCode: device_code,
    userCode: user_code,
    verificationUri: verification_uri,
    expiresIn: expires_in,
    // RFC 8628: 5 s when the server names no interval.
    interval: interval ?? 5,
  });
}
