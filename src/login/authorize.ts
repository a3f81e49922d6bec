import { TwitchAuthError } from '../internal/errors.js';
import { randomToken } from '../internal/random.js';
import type { TwitchScope } from '../config/scope-names.js';
import { type ResolvedConfig, scopeList } from '../config/options.js';
import type { PendingRequest } from './pending.js';

/** Options of one login. */
export interface AuthorizeOptions {
  /** Same-origin URL to return to after login; anything else is ignored (replaced by undefined). */
  readonly returnTo?: string;
  /** Overrides the client's `forceVerify` for this login. */
  readonly forceVerify?: boolean;
  /**
   * More scopes for this login (a scope upgrade). Twitch is asked for these, the configured ones
   * and the live session's, together; what the user granted is in the new session's `scopes`.
   */
  readonly scopes?: readonly TwitchScope[];
}

/** Longer than any sensible app URL; bounds what is stored and parsed. */
const MAX_RETURN_TO_CHARS = 2048;

/**
 * The absolute href of `value` resolved against `origin`, when it is an `http:`/`https:` URL of
 * that same origin and not the callback URL itself (compared without the hash, so a login cannot
 * loop back into the callback); otherwise `undefined`. This is the open-redirect guard of
 * RFC 9700 §4.11.1: `//evil`, `/\evil`, `\\evil`, `javascript:`, `data:` and other origins all
 * give `undefined`.
 *
 * @example
 * ```ts
 * safeReturnTo('/settings?tab=1', 'https://app.example', 'https://app.example/callback');
 * // 'https://app.example/settings?tab=1'
 * safeReturnTo('//evil.example', 'https://app.example', 'https://app.example/callback');
 * // undefined
 * ```
 */
export function safeReturnTo(
  value: unknown,
  origin: string,
  redirectUri: string,
): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > MAX_RETURN_TO_CHARS) {
    return undefined;
  }
  // URL parsers read "\" as "/" in http(s) URLs, turning "/\evil.example" into a
  // protocol-relative URL. The origin check below catches that too; no real path needs one.
  if (value.includes('\\')) return undefined;
  try {
    const base = new URL(origin);
    const url = new URL(value, base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.origin !== base.origin || url.username !== '' || url.password !== '') return undefined;
    const target = new URL(url.href);
    target.hash = '';
    const callback = new URL(redirectUri);
    callback.hash = '';
    if (target.href === callback.href) return undefined;
    return url.href;
  } catch {
    // An unparsable origin or redirect URI: nothing can be proven same-origin, so nothing is.
    return undefined;
  }
}

/**
 * A new pending request: fresh `state` and (in OIDC mode) `nonce`, the scopes to request (the
 * configured ones, the live session's `granted` ones and this login's, with `openid` in OIDC
 * mode), and `returnTo` only when {@link safeReturnTo} accepts it.
 *
 * @throws TwitchAuthError `environment_unsupported` without `crypto.getRandomValues`;
 *   `invalid_options` when `options.scopes` is not an array of scope tokens.
 * @example
 * ```ts
 * const request = createPendingRequest(config, { mode: 'redirect', returnTo: '/home' }, {
 *   now: Date.now(),
 *   origin: location.origin,
 * });
 * pending.save(request);
 * ```
 */
export function createPendingRequest(
  config: ResolvedConfig,
  options: AuthorizeOptions & { readonly mode: 'redirect' | 'popup' },
  env: { readonly now: number; readonly origin: string; readonly granted?: readonly string[] },
): PendingRequest {
  const scopes = requestedScopes(
    [...config.scopes, ...(env.granted ?? []), ...scopeList(options.scopes)],
    config.responseType,
  );
  const returnTo = safeReturnTo(options.returnTo, env.origin, config.redirectUri);
  return Object.freeze({
    state: randomToken(),
    ...(config.responseType === 'token id_token' ? { nonce: randomToken() } : {}),
    responseType: config.responseType,
    scopes,
    ...(returnTo === undefined ? {} : { returnTo }),
    redirectUri: config.redirectUri,
    issuer: config.endpoints.issuer,
    mode: options.mode,
    createdAt: env.now,
  });
}

/** The scopes in order without duplicates, plus `openid` when an ID token is asked for. */
function requestedScopes(
  scopes: readonly string[],
  responseType: PendingRequest['responseType'],
): readonly string[] {
  const unique = new Set(scopes);
  // Twitch refuses id_token response types without it (unsupported_response_type).
  if (responseType === 'token id_token') unique.add('openid');
  return Object.freeze([...unique]);
}

/**
 * Twitch's authorize URL for a pending request. Every parameter goes through `URLSearchParams`, so
 * it is percent-encoded exactly once (colons as `%3A`, spaces as `+`), and `redirect_uri` is sent
 * exactly as configured (Twitch matches it byte for byte). `force_verify=true` is added only when
 * this login or the client asks for it.
 *
 * @throws TwitchAuthError `invalid_options` for an OIDC request without a nonce (OIDC Core
 *   3.2.2.1 requires one).
 * @example
 * ```ts
 * const request = createPendingRequest(config, { mode: 'redirect' }, { now: Date.now(), origin: location.origin });
 * pending.save(request);
 * location.assign(buildAuthorizeUrl(config, request, { forceVerify: true }));
 * ```
 */
export function buildAuthorizeUrl(
  config: ResolvedConfig,
  request: PendingRequest,
  options: AuthorizeOptions = {},
): string {
  if (request.responseType === 'token id_token' && (request.nonce ?? '') === '') {
    throw new TwitchAuthError('invalid_options', 'An OIDC login request needs a nonce.');
  }
  const url = new URL(config.endpoints.authorize);
  const params = url.searchParams;
  params.set('client_id', config.clientId);
  params.set('redirect_uri', request.redirectUri);
  params.set('response_type', request.responseType);
  params.set('scope', requestedScopes(request.scopes, request.responseType).join(' '));
  params.set('state', request.state);
  if (request.nonce !== undefined) params.set('nonce', request.nonce);
  if (config.claims !== undefined) params.set('claims', config.claims);
  if (options.forceVerify ?? config.forceVerify) params.set('force_verify', 'true');
  return url.href;
}
