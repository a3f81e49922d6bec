// Eager and synchronous: tell whether a URL carries an auth response, and what the URL is without
// it, before anything else runs. Reading the response in full loads later (callback.ts).

/** Every parameter an authorization response may carry; all are scrubbed from the URL. */
export const RESPONSE_PARAMS: ReadonlySet<string> = new Set([
  'access_token',
  'id_token',
  'token_type',
  'scope',
  'state',
  'error',
  'error_description',
  'error_uri',
  'expires_in',
]);
/** Any of these means "an OAuth response arrived", in the fragment or the query. */
const MARKERS: ReadonlySet<string> = new Set(['access_token', 'id_token', 'error', 'state']);

/** One `name=value` piece of a query or fragment: its name decoded (null: a malformed escape). */
export interface Param {
  readonly piece: string;
  readonly name: string | null;
  /** Still encoded; empty when the piece has no `=`. */
  readonly rawValue: string;
}

/** A URL read once: its parameters split, whether they hold a response, and the cleaned href. */
export interface CallbackUrl {
  /** The URL as read (absolute). */
  readonly href: string;
  /** The same URL without the auth response; see {@link readCallbackUrl}. */
  readonly cleanedHref: string;
  /** A marker parameter (`access_token`, `id_token`, `error`, `state`) in the fragment or query. */
  readonly hasResponse: boolean;
  /** `#`, `#&&&`, `#=`: a fragment that is there but names nothing. */
  readonly emptyFragment: boolean;
  /** Every `&`-separated piece of the query, empty ones included, so it can be rebuilt. */
  readonly query: readonly Param[];
  readonly fragment: readonly Param[];
  /** Lengths of `?…` and `#…`, for the size limits of the full parse. */
  readonly searchChars: number;
  readonly hashChars: number;
}

/** application/x-www-form-urlencoded decoding, strict: a bad escape or bad UTF-8 gives null. */
export function formDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

const splitComponent = (component: string): Param[] =>
  component.split('&').map((piece) => {
    const equals = piece.indexOf('=');
    return equals === -1
      ? { piece, name: formDecode(piece), rawValue: '' }
      : { piece, name: formDecode(piece.slice(0, equals)), rawValue: piece.slice(equals + 1) };
  });

/** True when a parameter of `params` has one of the `wanted` names. */
export const hasAny = (params: readonly Param[], wanted: ReadonlySet<string>): boolean =>
  params.some(({ name }) => name !== null && wanted.has(name));

/** The first decoded value of `name` in the fragment, else the query (no checks: a hint only). */
export function firstValue(callback: CallbackUrl, name: string): string | undefined {
  const param = [...callback.fragment, ...callback.query].find((p) => p.name === name);
  return param === undefined ? undefined : (formDecode(param.rawValue) ?? undefined);
}

/**
 * Reads a URL once and never throws. `hasResponse` is true when it carries an OAuth response:
 * `access_token`, `id_token`, `error` or `state` in the fragment or the query string (hash routes
 * such as `#/settings` and unrelated parameters do not count). `cleanedHref` is the same URL
 * without the response: every OAuth response parameter removed from the query string (the
 * others kept byte for byte), and the fragment removed when it held the response (or was an
 * empty `#`). An unrelated fragment stays. If the URL cannot be rebuilt, `cleanedHref` is the URL
 * without query and fragment.
 *
 * @example
 * ```ts
 * const callback = readCallbackUrl(new URL(location.href));
 * if (callback.hasResponse) history.replaceState(history.state, '', callback.cleanedHref);
 * ```
 */
export function readCallbackUrl(url: URL): CallbackUrl {
  const { href } = url;
  const query = splitComponent(url.search.slice(1));
  const fragment = splitComponent(url.hash.slice(1));
  // An empty fragment serialises as a trailing "#", and "#" appears in an href only as the delimiter.
  const emptyFragment = href.includes('#') && fragment.every(({ name }) => name === '');
  let cleanedHref: string;
  try {
    const clean = new URL(href);
    const kept = query.filter(({ name }) => name === null || !RESPONSE_PARAMS.has(name));
    // Rewritten only when something was removed, so an app's own query is never re-encoded.
    if (kept.length !== query.length) {
      const search = kept
        .map(({ piece }) => piece)
        .filter((piece) => piece !== '')
        .join('&');
      clean.search = search === '' ? '' : `?${search}`;
    }
    if (hasAny(fragment, RESPONSE_PARAMS) || emptyFragment) clean.hash = '';
    cleanedHref = clean.href;
  } catch {
    // Failing safe: without query and fragment the URL carries no token.
    cleanedHref = href.split(/[?#]/, 1)[0] ?? '';
  }
  return {
    href,
    cleanedHref,
    hasResponse: hasAny(fragment, MARKERS) || hasAny(query, MARKERS),
    emptyFragment,
    query,
    fragment,
    searchChars: url.search.length,
    hashChars: url.hash.length,
  };
}
