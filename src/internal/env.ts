// What the SDK needs from its surroundings, in one place: the browser check, timers, fetch, the
// message channel, and the registry shared by every copy of the SDK on a page.
import { TwitchAuthError } from './errors.js';

/** Timer functions, injectable so tests can use fake timers without patching globals. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The page's timers, looked up at call time. */
export const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * The page's `fetch`, looked up at call time (a polyfill or a test may install it late), bound so
 * it is never called on another object. Throws `environment_unsupported` where there is none.
 *
 * @param scope - where to look: `globalThis` unless a test passes a stand-in
 * @example
 * ```ts
 * const response = await pageFetch()('https://id.twitch.tv/oauth2/keys');
 * ```
 */
export function pageFetch(scope: { readonly fetch?: unknown } = globalThis): typeof fetch {
  const found = scope.fetch;
  if (typeof found !== 'function') {
    throw new TwitchAuthError('environment_unsupported', 'No fetch function is available.');
  }
  return (input, init) => (found as typeof fetch).call(scope, input, init);
}

/** The page's BroadcastChannel constructor; null where there is none (Safari before 15.4). */
export function pageChannel(
  scope: { BroadcastChannel?: typeof BroadcastChannel } = globalThis,
): typeof BroadcastChannel | null {
  return scope.BroadcastChannel ?? null;
}

/**
 * Throws `environment_unsupported` outside a browser page with Web Crypto (server rendering, an
 * insecure context). `what` names the call, for the message.
 */
export function requireBrowser(what: string): void {
  if (
    typeof window === 'undefined' ||
    typeof location === 'undefined' ||
    typeof crypto === 'undefined' ||
    typeof crypto.getRandomValues !== 'function' ||
    typeof crypto.subtle === 'undefined'
  ) {
    throw new TwitchAuthError(
      'environment_unsupported',
      `${what} needs a browser page in a secure context (https: or localhost) with Web Crypto.`,
    );
  }
}

/**
 * A map on `globalThis` under a registered symbol, so every copy of the SDK on the page (two
 * bundles, an IIFE beside an ESM build) shares it.
 */
export function pageRegistry<V>(name: string): Map<string, V> {
  const holder = globalThis as unknown as Record<symbol, Map<string, V>>;
  return (holder[Symbol.for(`twitch-spa-login.${name}`)] ??= new Map());
}
