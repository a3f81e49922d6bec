// The refresh code of device sessions, loaded on demand: the first time the client's session
// carries a refresh token it imports ../device/refresher.js (a chunk of its own), so a page that
// restores a device session refreshes it whatever it imports, and other pages never download it.
import type * as RefresherModule from '../device/refresher.js';
import type { RefreshHost, Refresher } from '../device/refresher.js';
import { TwitchAuthError } from '../internal/errors.js';
import type { RefreshGrant, Session } from './session.js';

/** Loads the refresh code; a test can make it fail or pass the module itself. */
export type ImportRefresher = () => Promise<typeof RefresherModule>;

/** The refresh code of one client, as the eager client uses it. */
export interface RefreshPath {
  /** The refresher when the session carries a refresh token (loading it), else undefined. */
  forSession(): Promise<Refresher> | undefined;
  /** Runs `task` on the refresher when the session carries a refresh token; whether it does. */
  whenRefreshable(task: (refresher: Refresher) => void): boolean;
  /** A refresh grant no session will use (logout, a login that replaced it): spend it on its revocation. */
  retire(grant: RefreshGrant | undefined): void;
  /** Refreshes now: the new session, null when the refresh ended it, undefined without a refresh token. */
  refresh(): Promise<Session | null | undefined>;
  /** The refresher if it was loaded, without loading it. */
  loaded(): Refresher | undefined;
}

/**
 * Creates the on-demand refresh path of a client.
 *
 * @example
 * ```ts
 * const path = createRefreshPath(host, importRefresher);
 * path.whenRefreshable((refresher) => refresher.start());
 * ```
 */
export function createRefreshPath(
  host: RefreshHost,
  importRefresher: ImportRefresher,
): RefreshPath {
  let pending: Promise<Refresher> | undefined;
  let refresher: Refresher | undefined;
  const load = (): Promise<Refresher> =>
    (pending ??= importRefresher().then(
      (lazy) => (refresher = lazy.createRefresher(host)),
      (cause: unknown) => {
        pending = undefined;
        throw new TwitchAuthError('network_error', 'The refresh code could not be loaded.', {
          cause,
        });
      },
    ));
  // Reported once: a page without the code (a script tag without the device add-on) would
  // otherwise repeat the same error at every 401, validation and expiry.
  let reported = false;
  const failed = (error: unknown): void => {
    if (!reported) host.report(error, 'Loading the refresh code failed.');
    reported = true;
  };
  const forSession = (): Promise<Refresher> | undefined =>
    host.state.refreshGrant() === undefined ? undefined : load();
  return {
    forSession,
    whenRefreshable(task) {
      const loading = forSession();
      loading?.then(task, failed);
      return loading !== undefined;
    },
    retire(grant) {
      if (grant !== undefined) load().then((loaded) => loaded.retire(grant), failed);
    },
    refresh: async () => {
      const loading = forSession();
      return loading === undefined ? undefined : (await loading).refresh();
    },
    loaded: () => refresher,
  };
}
