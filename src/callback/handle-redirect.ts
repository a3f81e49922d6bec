// handleRedirect's eager half: read the URL once, take the response out of the address bar
// before anything else runs, share one attempt per URL across every copy of the SDK on the page,
// and hand a popup's response back to its opener. Verifying is the caller's (lazy) business.
import { type CallbackUrl, firstValue, readCallbackUrl } from './url.js';
import { type Timers, pageRegistry, requireBrowser } from '../internal/env.js';
import { TwitchAuthError } from '../internal/errors.js';
import { POPUP_STATE_PREFIX, handBack } from '../login/popup.js';
import type { Session } from '../session/session.js';

export interface RedirectDeps {
  /** The client handling it; another owner's attempt is adopted, not repeated. */
  readonly owner: object;
  /** Runs right after the address bar is clean (the client's start-up). */
  readonly start: () => void;
  /** Completes a response meant for this page (the lazy path). */
  readonly complete: (callback: CallbackUrl) => Promise<Session | null>;
  /** Another copy of the SDK on this page completed the login: take its session. */
  readonly adopt: (session: Session | null) => Session | null;
  readonly timers: Timers;
}

interface Attempt {
  readonly owner: object;
  readonly promise: Promise<Session | null>;
}

/**
 * Handles the page's redirect callback (see `TwitchAuth.handleRedirect`). An attempt is shared
 * while it is in flight (React StrictMode's second call, which sees the cleaned URL, or a second
 * copy of the SDK); once it has settled the URL is forgotten, so handling it again is a replay
 * that meets the consumed pending request (`no_pending_request`). The address bar is cleaned on
 * every call, a replay included.
 *
 * @example
 * ```ts
 * handleRedirect(undefined, redirectDeps); // deps: the client's start, complete and adopt
 * ```
 */
export function handleRedirect(
  input: string | URL | undefined,
  deps: RedirectDeps,
): Promise<Session | null> {
  let callback: CallbackUrl;
  try {
    requireBrowser('handleRedirect()');
    let url: URL;
    try {
      url = new URL(input === undefined ? location.href : String(input), location.href);
    } catch (cause) {
      throw new TwitchAuthError('invalid_callback', 'handleRedirect() got an invalid URL.', {
        cause,
      });
    }
    callback = readCallbackUrl(url);
  } catch (error) {
    return Promise.reject(error);
  }
  const { href, cleanedHref } = callback;
  // Out of the address bar before anything else runs: no await, no listener, no error path first.
  if (callback.hasResponse && href === location.href) {
    history.replaceState(history.state, '', cleanedHref);
  }
  deps.start();
  const registry = pageRegistry<Attempt>('redirects');
  const known = registry.get(href);
  if (known !== undefined) {
    return known.owner === deps.owner ? known.promise : known.promise.then(deps.adopt);
  }
  if (!callback.hasResponse) return Promise.resolve(null);

  let promise: Promise<Session | null>;
  const state = firstValue(callback, 'state');
  if (state?.startsWith(POPUP_STATE_PREFIX) === true && handBack(href, state, deps.timers)) {
    // This page is the popup: the opener verifies and keeps the session.
    promise = Promise.resolve(null);
  } else {
    promise = deps.complete(callback);
  }
  const attempt: Attempt = { owner: deps.owner, promise };
  registry.set(href, attempt);
  registry.set(cleanedHref, attempt);
  const forget = (): void => {
    for (const key of [href, cleanedHref]) if (registry.get(key) === attempt) registry.delete(key);
  };
  promise.then(forget, forget);
  return promise;
}
