// Eager and small: on a callback page the key set request starts beside the lazy chunk's download
// instead of after it, so verifying costs no extra round trip. The lazy key set cache (jwks.ts)
// reads the same stored entry and takes over the response.
import type { KeyValueStore } from '../session/storage.js';

/** How long a key set is used before it is fetched again. */
export const KEY_SET_MAX_AGE_MS = 600_000;
/** The schema version of the stored key set. */
export const KEY_SET_VERSION = 1;

/** The storage key of a key set, per JWKS URL. */
export const keySetStoreKey = (url: string): string => `jwks:${url}`;

/** How the key set is requested, by the prefetch and the cache alike. */
export const KEY_SET_INIT: RequestInit = {
  credentials: 'omit',
  redirect: 'error',
  // A refetch for a rotated key must not be answered by the HTTP cache.
  cache: 'no-store',
};

/** When a usable stored key set was fetched (ms), or undefined when there is none. */
export function storedKeySetAge(
  store: KeyValueStore,
  url: string,
  now: number,
): number | undefined {
  try {
    const data = JSON.parse(store.get(keySetStoreKey(url)) ?? 'null') as {
      v?: unknown;
      fetchedAt?: unknown;
    } | null;
    const fetchedAt = data?.fetchedAt;
    if (data?.v !== KEY_SET_VERSION || typeof fetchedAt !== 'number' || fetchedAt > now)
      return undefined;
    return now - fetchedAt;
  } catch {
    return undefined;
  }
}

/**
 * Starts the key set request unless a fresh copy is stored. The returned promise never counts as
 * unhandled (whoever uses it sees its rejection; if nobody does, nothing is reported).
 *
 * @example
 * ```ts
 * const keySet = prefetchKeySet(config.endpoints.jwks, fetch, transient, Date.now());
 * const completer = await loadCompleter(); // the chunk downloads meanwhile
 * ```
 */
export function prefetchKeySet(
  url: string,
  doFetch: typeof fetch,
  store: KeyValueStore,
  now: number,
): Promise<Response> | undefined {
  const age = storedKeySetAge(store, url, now);
  if (age !== undefined && age < KEY_SET_MAX_AGE_MS) return undefined;
  let response: Promise<Response>;
  try {
    response = doFetch(url, KEY_SET_INIT);
  } catch (error) {
    response = Promise.reject(error);
  }
  response.catch(() => undefined);
  return response;
}
