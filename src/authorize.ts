import { base64url } from 'jose';
import { TwitchAuthError } from './errors.js';
import type { ResolvedConfig } from './options.js';
import type { PendingRequest } from './pending.js';

/** Options of one login. */
export interface LoginOptions {
  /** Same-origin URL to return to after login; anything else is ignored. */
  readonly returnTo?: string;
  /** Overrides the client's `forceVerify` for this login. */
  readonly forceVerify?: boolean;
}

/**
 * 32 random bytes (256 bits) from `crypto.getRandomValues`, base64url: state and nonce.
 *
 * @example
 * ```ts
 * randomToken(); // "q3Xv…" (43 characters of A–Z a–z 0–9 - _)
 * ```
 */
export function randomToken(): string {
  if (typeof crypto === 'undefined' || typeof crypto.getRandomValues !== 'function') {
    throw new TwitchAuthError('environment_unsupported', 'crypto.getRandomValues is unavailable.');
  }
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The absolute URL of `value` when it is an http(s) URL of `origin` other than the callback
 * itself; otherwise undefined. Stops open redirects (`//evil`, `/\evil`, `javascript:`).
 *
 * @example
 * ```ts
 * safeReturnTo('/settings?tab=1', 'https://app.example', 'https://app.example/callback');
 * // 'https://app.example/settings?tab=1'
 * safeReturnTo('//evil.example', 'https://app.example', 'https://app.example/callback'); // undefined
 * ```
 */
export function safeReturnTo(value: unknown, origin: string, redirectUri: string): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return undefined;
  // URL parsers read "\" as "/", which turns "/\evil.example" into a protocol-relative URL; the
  // origin check below catches it too, but no legitimate path needs a backslash.
  if (value.includes('\\')) return undefined;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
    return undefined;
  }
  const callback = new URL(redirectUri);
  callback.hash = '';
  const target = new URL(url.href);
  target.hash = '';
  if (target.href === callback.href) return undefined;
  return url.href;
}

/**
 * A new pending request: fresh state and (in OIDC mode) nonce, the scopes to request, and the
 * checked `returnTo`.
 *
 * @example
 * ```ts
 * const request = createPendingRequest(config, { mode: 'redirect' }, { now: Date.now(), origin: location.origin });
 * ```
 */
export function createPendingRequest(
  config: ResolvedConfig,
  options: LoginOptions & { readonly mode: 'redirect' | 'popup' },
  env: { readonly now: number; readonly origin: string },
): PendingRequest {
  const scopes: string[] = [...config.scopes];
  if (config.openid && !scopes.includes('openid')) scopes.push('openid');
  const returnTo = safeReturnTo(options.returnTo, env.origin, config.redirectUri);
  return Object.freeze({
    state: randomToken(),
    ...(config.openid ? { nonce: randomToken() } : {}),
    responseType: config.responseType,
    scopes: Object.freeze(scopes),
    ...(returnTo === undefined ? {} : { returnTo }),
    redirectUri: config.redirectUri,
    issuer: config.endpoints.issuer,
    mode: options.mode,
    createdAt: env.now,
  });
}

/**
 * Twitch's authorize URL for a pending request, encoded exactly once by `URLSearchParams`.
 *
 * @example
 * ```ts
 * location.assign(buildAuthorizeUrl(config, request));
 * ```
 */
export function buildAuthorizeUrl(
  config: ResolvedConfig,
  request: PendingRequest,
  options: LoginOptions = {},
): string {
  const url = new URL(config.endpoints.authorize);
  const params = url.searchParams;
  params.set('client_id', config.clientId);
  params.set('redirect_uri', request.redirectUri);
  params.set('response_type', request.responseType);
  params.set('scope', request.scopes.join(' '));
  params.set('state', request.state);
  if (request.nonce !== undefined) params.set('nonce', request.nonce);
  if (config.claims !== undefined) params.set('claims', config.claims);
  if (options.forceVerify ?? config.forceVerify) params.set('force_verify', 'true');
  return url.href;
}
