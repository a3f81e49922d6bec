import { TwitchAuthError } from '../internal/errors.js';

/** Twitch's `/oauth2/validate` answer, in camelCase. */
export interface ValidateResult {
  readonly clientId: string;
  /** Lowercase login; null for app tokens. */
  readonly login: string | null;
  readonly scopes: readonly string[];
  /** Null for app tokens. */
  readonly userId: string | null;
  /** Seconds left; null for tokens that never expire (very old client ids). */
  readonly expiresIn: number | null;
}

async function send(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await doFetch(url, { ...init, credentials: 'omit', redirect: 'error' });
  } catch (cause) {
    throw new TwitchAuthError('network_error', `Could not reach ${new URL(url).origin}.`, {
      cause,
    });
  }
}

const stringOrNull = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/**
 * Calls `/oauth2/validate` with `Authorization: OAuth <token>` and no `Client-Id` (Twitch's CORS
 * preflight refuses that header there). A 401 is `token_invalid`; anything else that is not a
 * well-formed 200 is `http_error` (`network_error` without an answer); neither ends a session.
 */
export async function validateToken(
  doFetch: typeof fetch,
  url: string,
  accessToken: string,
): Promise<ValidateResult> {
  const response = await send(doFetch, url, {
    method: 'GET',
    headers: { authorization: `OAuth ${accessToken}` },
  });
  if (response.status === 401) {
    throw new TwitchAuthError('token_invalid', 'Twitch says the access token is no longer valid.', {
      status: 401,
    });
  }
  let body: unknown;
  try {
    body = response.ok ? await response.json() : undefined;
  } catch (cause) {
    throw new TwitchAuthError('http_error', 'Twitch answered validate with no JSON.', {
      cause,
      status: response.status,
    });
  }
  const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const clientId = stringOrNull(data['client_id']);
  const expiresIn = data['expires_in'];
  if (!response.ok || clientId === null) {
    throw new TwitchAuthError('http_error', `Twitch answered validate with ${response.status}.`, {
      status: response.status,
    });
  }
  const scopes = Array.isArray(data['scopes'])
    ? data['scopes'].filter((s): s is string => typeof s === 'string')
    : [];
  return Object.freeze({
    clientId,
    login: stringOrNull(data['login']),
    scopes: Object.freeze(scopes),
    userId: stringOrNull(data['user_id']),
    expiresIn:
      typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn
        : null,
  });
}

/**
 * Revokes a token at `/oauth2/revoke` with a form body (never the query: a token in a URL ends up
 * in logs). A 400 means the token was already invalid, which is what revoking wanted.
 */
export async function revokeToken(
  doFetch: typeof fetch,
  url: string,
  clientId: string,
  accessToken: string,
): Promise<void> {
  // keepalive: a logout is often followed by a navigation, which would abort the request.
  const response = await send(doFetch, url, {
    method: 'POST',
    body: new URLSearchParams({ client_id: clientId, token: accessToken }),
    keepalive: true,
  });
  // Read to the end: Chromium logs an unread response as `net::ERR_ABORTED` although it arrived.
  await response.text().catch(() => '');
  if (!response.ok && response.status !== 400) {
    throw new TwitchAuthError('http_error', `Twitch answered revoke with ${response.status}.`, {
      status: response.status,
    });
  }
}
