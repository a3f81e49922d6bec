import { type CallbackUrl, firstValue } from './url.js';
import type * as CompleteLogin from './complete-login.js';
import type { CompletedLogin, LoginCompleter, LoginCompleterDeps } from './complete-login.js';
import { TwitchAuthError } from '../internal/errors.js';
import { prefetchKeySet } from '../id-token/key-set-prefetch.js';

/** Loads the lazy callback path; a test can make it fail. */
export type ImportCompleteLogin = () => Promise<typeof CompleteLogin>;

/** The lazily loaded callback path as the eager client uses it. */
export interface CallbackPath {
  /** Starts loading the path and the key set ahead of a response (a popup login is on its way). */
  warm(): void;
  /** Verifies a response; null when the URL carries none. See {@link LoginCompleter.complete}. */
  complete(callback: CallbackUrl, needUser: boolean): Promise<CompletedLogin | null>;
}

/**
 * Loads the callback path on first use; a failed load is not kept, so the next call retries. On a
 * callback with an ID token the key set request starts beside the download, not after it.
 *
 * @example
 * ```ts
 * const path = createCallbackPath(completerDeps, importCompleteLogin); // import('./complete-login.js')
 * const done = await path.complete(readCallbackUrl(new URL(location.href)), false);
 * ```
 */
export function createCallbackPath(
  deps: LoginCompleterDeps,
  importCompleteLogin: ImportCompleteLogin,
): CallbackPath {
  const { config } = deps;
  let completer: Promise<LoginCompleter> | undefined;
  const load = (): Promise<LoginCompleter> =>
    (completer ??= importCompleteLogin().then(
      (lazy) => lazy.createLoginCompleter(deps),
      (cause: unknown) => {
        completer = undefined;
        throw new TwitchAuthError(
          'network_error',
          'The login code could not be loaded; try again.',
          { cause },
        );
      },
    ));

  return {
    warm() {
      load().then(
        (lazy) => lazy.warm(),
        () => undefined,
      );
    },
    async complete(callback, needUser) {
      const oidc =
        config.responseType === 'token id_token' && firstValue(callback, 'id_token') !== undefined;
      const keySet = oidc
        ? prefetchKeySet(config.endpoints.jwks, deps.fetch(), deps.transient, deps.now())
        : undefined;
      return (await load()).complete(callback, keySet, needUser);
    },
  };
}
