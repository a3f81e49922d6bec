import { invalidOptions } from '../internal/errors.js';

/** What the fetch wrapper needs from the client. */
export interface AuthFetchDeps {
  /** The only origin the token is sent to (from `endpoints.helix`), compared exactly. */
  readonly helixOrigin: string;
  readonly clientId: string;
  readonly fetch: () => typeof fetch;
  /** The token to attach now, if any. */
  readonly accessToken: () => string | undefined;
  /**
   * A request carrying `accessToken` was answered 401. May answer with the response to return
   * instead (a device session refreshed and sent the request again through `resend`).
   */
  readonly onUnauthorized: (
    accessToken: string,
    resend: (accessToken: string) => Promise<Response>,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ) => Promise<Response | undefined> | void;
  /**
   * A request went without the token to Twitch's API origin, which is not the Helix origin. Told
   * once per wrapper: it is a hint for the developer, not a per-request event.
   */
  readonly onOriginMismatch: (origin: string) => void;
}

/** The signature of `auth.fetch`: the platform's `fetch`. */
export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function requestUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function originOf(url: string): string | undefined {
  try {
    // Relative URLs resolve against the page; they can never be the Helix origin unless the page
    // is served from it. On a server there is no `location`: that throws too, and the URL is
    // not the Helix origin.
    return new URL(url, location.href).origin;
  } catch {
    return undefined;
  }
}

/**
 * Builds `auth.fetch`: a `fetch` that adds `Authorization: Bearer <token>` and `Client-Id` to
 * requests whose origin is exactly the Helix origin, and leaves every other request untouched.
 *
 * - A caller-set `Authorization` header is kept, and a 401 to such a request is not the session's
 *   business. `Client-Id` is added when missing.
 * - Token-bearing requests use `redirect: 'error'`, so no engine can forward the token elsewhere.
 * - A 401 to a request sent with the current token reports it once per request; the client ends
 *   the session on the first and ignores the rest (and 401s for an older token).
 */
export function createAuthFetch(deps: AuthFetchDeps): AuthFetch {
  let mismatchTold = false;
  return async (input, init) => {
    const token = deps.accessToken();
    const origin = originOf(requestUrl(input));
    if (token === undefined || origin !== deps.helixOrigin) {
      if (!mismatchTold && token !== undefined && origin === 'https://api.twitch.tv') {
        mismatchTold = true;
        deps.onOriginMismatch(origin);
      }
      return deps.fetch()(input, init);
    }
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    const ownToken = !headers.has('authorization');
    if (!headers.has('client-id')) headers.set('client-id', deps.clientId);
    // A Request input keeps its body stream and signal; init fields override as fetch() would.
    const send = (bearer: string): Promise<Response> => {
      if (ownToken) headers.set('authorization', `Bearer ${bearer}`);
      return deps.fetch()(input, { ...init, headers, redirect: 'error' });
    };
    const response = await send(token);
    return (
      (response.status === 401 &&
        ownToken &&
        (await deps.onUnauthorized(token, send, input, init))) ||
      response
    );
  };
}

/**
 * The URL of a Helix call: `path` (like `/users?login=x`) under `helix`, the configured Helix
 * endpoint. Anything that would leave it (an absolute URL, `//host`, a `..` escape) is
 * `invalid_options`, so the token can only go where `auth.fetch` sends it anyway.
 *
 * @example
 * ```ts
 * helixUrl('https://api.twitch.tv/helix', '/users?login=twitchdev'); // 'https://api.twitch.tv/helix/users?login=twitchdev'
 * ```
 */
export function helixUrl(helix: string, path: string): string {
  const base = new URL(helix).href.replace(/\/$/, '');
  const url = /^\/(?![/\\])/.test(path) ? new URL(base + path).href : '';
  if (!url.startsWith(`${base}/`)) throw invalidOptions("auth.helix() takes a path like '/users'.");
  return url;
}
