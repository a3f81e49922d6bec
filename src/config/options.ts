import { type TwitchEndpoints, parseSecureUrl, resolveEndpoints } from './endpoints.js';
import { invalidOptions as invalid } from '../internal/errors.js';
import { isFiniteNumber, isPlainObject } from '../internal/guards.js';
import type { TwitchScope } from './scope-names.js';
import { type StorageOption, isStorageOption } from '../session/storage.js';

/** The non-default claims Twitch can add to the ID token or userinfo. */
export type TwitchClaim =
  'email' | 'email_verified' | 'picture' | 'preferred_username' | 'updated_at';

/**
 * Twitch's `claims` request parameter: claim names mapped to `null` (the only value it documents).
 * `email` and `email_verified` also need the `user:read:email` scope.
 */
export interface TwitchClaimsRequest {
  readonly id_token?: Partial<Record<TwitchClaim, null>>;
  readonly userinfo?: Partial<Record<TwitchClaim, null>>;
}

/**
 * Options of {@link createTwitchAuth}. Only `clientId` and `redirectUri` are required.
 */
export interface TwitchAuthOptions {
  /** Your app's client id from the Twitch developer console (public; fine in page source). */
  readonly clientId: string;
  /** A redirect URL registered for the app, sent verbatim (Twitch matches it exactly). */
  readonly redirectUri: string;
  /** Scopes to request; `openid` is added in OIDC mode. Default: none. */
  readonly scopes?: readonly TwitchScope[];
  /**
   * `true` (default): OIDC implicit flow, `response_type=token id_token`, with a verified ID token.
   * `false`: plain OAuth implicit flow (`token`).
   *
   * > [!WARNING]
   * > Without an ID token nothing binds the access token to this login, so an injected token
   * > cannot be detected. Prefer the default.
   */
  readonly openid?: boolean;
  /**
   * Claims to ask for. Default with `openid`: `{ id_token: { preferred_username: null, picture: null } }`,
   * so `auth.user` has `displayName` and `picture`. Set it to replace the default; `{}` asks for none.
   *
   * @example
   * ```ts
   * createTwitchAuth({ clientId, redirectUri, scopes: ['user:read:email'], claims: { id_token: { email: null } } });
   * ```
   */
  readonly claims?: TwitchClaimsRequest;
  /** Always show Twitch's consent screen. Default false. */
  readonly forceVerify?: boolean;
  /** Where the session lives. Default `'session'` (sessionStorage). */
  readonly storage?: StorageOption;
  /** Endpoint overrides (the emulator, tests). `http:` only on loopback hosts. */
  readonly endpoints?: Partial<TwitchEndpoints>;
  /** Leeway for `exp`/`iat` checks, in seconds. Default 60; 0 means none. */
  readonly clockSkewSeconds?: number;
  /** How often to call `/oauth2/validate` while signed in. Default 3 600 000 (Twitch: hourly). */
  readonly validateIntervalMs?: number;
  /** How long before expiry the `expiring` event fires, in seconds. Default 300. */
  readonly expiringNoticeSeconds?: number;
  /** Timeout for the key set request, in ms. Default 5000. */
  readonly jwksTimeoutMs?: number;
  /** How long a popup login may take, in ms. Default 300 000. */
  readonly popupTimeoutMs?: number;
  /** The `fetch` to use. Default: the global `fetch`, looked up at call time. */
  readonly fetch?: typeof fetch;
}

/** Options after defaults and validation. */
export interface ResolvedConfig {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly TwitchScope[];
  readonly responseType: 'token' | 'token id_token';
  /** The `claims` parameter as JSON, when any were asked for. */
  readonly claims: string | undefined;
  readonly forceVerify: boolean;
  readonly storage: StorageOption;
  readonly endpoints: TwitchEndpoints;
  readonly clockSkewSeconds: number;
  /** An implicit-flow ID token is minted for this login: reject ones older than this. */
  readonly maxIdTokenAgeSeconds: number;
  readonly validateIntervalMs: number;
  readonly expiringNoticeSeconds: number;
  readonly jwksTimeoutMs: number;
  readonly popupTimeoutMs: number;
  readonly fetch: typeof fetch | undefined;
}

const CLAIMS: ReadonlySet<string> = new Set<TwitchClaim>([
  'email',
  'email_verified',
  'picture',
  'preferred_username',
  'updated_at',
]);

/**
 * RFC 6749 §3.3 scope-token: one or more of %x21 / %x23-5B / %x5D-7E (printable ASCII without
 * space, `"` and `\\`). The exact list is the compiler's business (TwitchScope); Twitch refuses
 * an unknown scope itself, so the core ships no list.
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The one scope check of the SDK: `value` as a list of scope tokens, or `invalid_options` naming
 * the first that is not one.
 *
 * @example
 * ```ts
 * const scopes = scopeList(['chat:read']); // undefined gives []
 * ```
 */
export function scopeList(value: unknown): readonly string[] {
  const scopes = value ?? [];
  if (!Array.isArray(scopes)) throw invalid('scopes must be an array of Twitch scopes.');
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw invalid(`Not a scope token ${JSON.stringify(String(scope)).slice(0, 80)}.`);
    }
  }
  return scopes as string[];
}

/** The options that take a number of seconds or milliseconds. */
type NumberOption =
  | 'clockSkewSeconds'
  | 'validateIntervalMs'
  | 'expiringNoticeSeconds'
  | 'jwksTimeoutMs'
  | 'popupTimeoutMs';

/** A number option: `fallback` when unset, otherwise a finite number from 0 to `max`. */
function numberOption(
  options: TwitchAuthOptions,
  name: NumberOption,
  fallback: number,
  max = 2 ** 31 - 1,
): number {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (!isFiniteNumber(value) || value < 0 || value > max) {
    throw invalid(`${name} must be a number from 0 to ${max}.`);
  }
  return value;
}

/** A boolean option: `fallback` when unset, otherwise exactly true or false. */
function booleanOption(
  options: TwitchAuthOptions,
  name: 'openid' | 'forceVerify',
  fallback: boolean,
): boolean {
  const value: unknown = options[name] ?? fallback;
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false.`);
  return value;
}

/** What `claims` asks for when the app did not set it: the user's name and picture. */
const DEFAULT_CLAIMS = '{"id_token":{"preferred_username":null,"picture":null}}';

function resolveClaims(
  claims: unknown,
  scopes: readonly string[],
  openid: boolean,
): string | undefined {
  if (claims === undefined) return openid ? DEFAULT_CLAIMS : undefined;
  if (!isPlainObject(claims)) {
    throw invalid('claims must be an object like { id_token: { email: null } }.');
  }
  const out: Record<string, Record<string, null>> = {};
  for (const [target, names] of Object.entries(claims)) {
    if (target !== 'id_token' && target !== 'userinfo') {
      throw invalid(`claims.${target} is not supported; use id_token or userinfo.`);
    }
    if (!isPlainObject(names)) {
      throw invalid(`claims.${target} must be an object of claim names mapped to null.`);
    }
    const entries: Record<string, null> = {};
    for (const [name, value] of Object.entries(names)) {
      if (!CLAIMS.has(name)) throw invalid(`claims.${target}.${name} is not a Twitch claim.`);
      if (value !== null) throw invalid(`claims.${target}.${name} must be null.`);
      if ((name === 'email' || name === 'email_verified') && !scopes.includes('user:read:email')) {
        throw invalid(`The ${name} claim needs the user:read:email scope.`);
      }
      entries[name] = null;
    }
    out[target] = entries;
  }
  return Object.keys(out).length === 0 ? undefined : JSON.stringify(out);
}

/**
 * Applies defaults and checks every option, throwing `invalid_options` with a message naming the
 * option. Touches no browser global.
 */
export function resolveOptions(options: TwitchAuthOptions): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    throw invalid('createTwitchAuth needs an options object with clientId and redirectUri.');
  }
  const { clientId } = options;
  // Printable ASCII without spaces, so also not empty or blank.
  if (typeof clientId !== 'string' || !/^[\x21-\x7e]+$/.test(clientId)) {
    throw invalid('clientId must be your Twitch app client id: printable ASCII without spaces.');
  }
  const redirect = parseSecureUrl(options.redirectUri, 'redirectUri');
  if (redirect.hash !== '') throw invalid('redirectUri must not contain a #fragment.');

  const scopes = scopeList(options.scopes);
  const openid = booleanOption(options, 'openid', true);
  const forceVerify = booleanOption(options, 'forceVerify', false);
  const claims = resolveClaims(options.claims, scopes, openid);
  if (claims !== undefined && !openid) throw invalid('claims need openid: true.');

  const storage = options.storage ?? 'session';
  if (!isStorageOption(storage)) {
    throw invalid(
      "storage must be 'session', 'local', 'memory' or an object with getItem/setItem/removeItem.",
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw invalid('fetch must be a function.');
  }
  // Array.isArray() widened the checked list to any[]; its items were checked above.
  const unique: readonly TwitchScope[] = [
    ...new Set<TwitchScope>(scopes as readonly TwitchScope[]),
  ];
  return Object.freeze({
    clientId,
    redirectUri: options.redirectUri,
    scopes: Object.freeze(unique),
    responseType: openid ? 'token id_token' : 'token',
    claims,
    forceVerify,
    storage,
    endpoints: resolveEndpoints(options.endpoints),
    clockSkewSeconds: numberOption(options, 'clockSkewSeconds', 60, 3600),
    maxIdTokenAgeSeconds: 600,
    validateIntervalMs: Math.max(1000, numberOption(options, 'validateIntervalMs', 3_600_000)),
    expiringNoticeSeconds: numberOption(options, 'expiringNoticeSeconds', 300),
    // A zero timeout would fail every key set fetch; 100 ms is the floor.
    jwksTimeoutMs: Math.max(100, numberOption(options, 'jwksTimeoutMs', 5000, 60_000)),
    popupTimeoutMs: numberOption(options, 'popupTimeoutMs', 300_000),
    fetch: options.fetch,
  } satisfies ResolvedConfig);
}
