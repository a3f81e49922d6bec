// The refresh code of device sessions, loaded on demand: the first time the client's session
// carries a refresh token it imports ./device/refresher.js (a chunk of its own), so a page that
// restores a device session refreshes it whatever it imports, and other pages never download it.
import type * as RefresherModule from './device/refresher.js';
import type { RefreshHost, Refresher } from './device/refresher.js';
import { TwitchAuthError } from './errors.js';

/** Loads the refresh code; a test can make it fail or pass the module itself. */
export type ImportRefresher = () => Promise<typeof RefresherModule>;

/** The refresh code of one client, loaded once. */
export interface RefreshPath {
  /** The refresher, loading it on first use (a failed load is retried by the next call). */
  load(): Promise<Refresher>;
  /** The refresher if it was loaded, without loading it. */
  loaded(): Refresher | undefined;
}

/**
 * Creates the on-demand refresh path of a client.
 *
 * @example
 * ```ts
 * const path = createRefreshPath(host, () => import('./device/refresher.js'));
 * if (state.refreshGrant() !== undefined) (await path.load()).start();
 * ```
 */
export function createRefreshPath(
  host: RefreshHost,
  importRefresher: ImportRefresher,
): RefreshPath {
  let pending: Promise<Refresher> | undefined;
  let refresher: Refresher | undefined;
  return {
    load: () =>
      (pending ??= importRefresher().then(
        (lazy) => (refresher = lazy.createRefresher(host)),
        (cause: unknown) => {
          pending = undefined;
          throw new TwitchAuthError(
            'network_error',
            'The refresh code could not be loaded; try again.',
            { cause },
          );
        },
      )),
    loaded: () => refresher,
  };
}
