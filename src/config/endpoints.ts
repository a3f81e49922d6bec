import { invalidOptions } from '../internal/errors.js';

/**
 * Where Twitch lives. Override any of these (for example with the emulator's URLs in tests);
 * `http:` is accepted only on loopback hosts.
 */
export interface TwitchEndpoints {
  /** The ID token's expected `iss`, compared exactly. */
  readonly issuer: string;
  readonly authorize: string;
  readonly jwks: string;
  readonly validate: string;
  readonly revoke: string;
  /** Base URL of the Helix API; its origin is the only one `auth.fetch` adds the token for. */
  readonly helix: string;
  /** The device login's start (`twitch-spa-login/device`). */
  readonly device: string;
  /** The token endpoint: the device grant and refreshes (`twitch-spa-login/device`). */
  readonly token: string;
}

/**
 * Twitch's production endpoints, the defaults of `endpoints`.
 *
 * @example
 * ```ts
 * TWITCH_ENDPOINTS.helix; // 'https://api.twitch.tv/helix'
 * ```
 */
export const TWITCH_ENDPOINTS: TwitchEndpoints = Object.freeze({
  issuer: 'https://id.twitch.tv/oauth2',
  authorize: 'https://id.twitch.tv/oauth2/authorize',
  jwks: 'https://id.twitch.tv/oauth2/keys',
  validate: 'https://id.twitch.tv/oauth2/validate',
  revoke: 'https://id.twitch.tv/oauth2/revoke',
  helix: 'https://api.twitch.tv/helix',
  device: 'https://id.twitch.tv/oauth2/device',
  token: 'https://id.twitch.tv/oauth2/token',
});

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `https:` URLs, and for `http:` URLs on a loopback host. */
function isSecureOrLoopback(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Parses an absolute URL that must be https (or http on loopback), or throws `invalid_options`
 * naming the option.
 */
export function parseSecureUrl(value: unknown, optionName: string): URL {
  const notAbsolute = (cause?: unknown) =>
    invalidOptions(`${optionName} must be an absolute URL.`, cause);
  if (typeof value !== 'string') throw notAbsolute();
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw notAbsolute(cause);
  }
  if (!isSecureOrLoopback(url)) {
    throw invalidOptions(
      `${optionName} must use https: (http: is allowed only on localhost, 127.0.0.1 and [::1]).`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidOptions(`${optionName} must not contain credentials.`);
  }
  return url;
}

/** Merges overrides onto Twitch's endpoints and checks every URL. */
export function resolveEndpoints(overrides: Partial<TwitchEndpoints> = {}): TwitchEndpoints {
  if (typeof overrides !== 'object' || overrides === null) {
    throw invalidOptions('endpoints must be an object of URLs.');
  }
  const merged: Record<string, string> = { ...TWITCH_ENDPOINTS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(TWITCH_ENDPOINTS, key)) {
      throw invalidOptions(`endpoints.${key} is not a Twitch endpoint.`);
    }
    if (value === undefined) continue;
    parseSecureUrl(value, `endpoints.${key}`);
    // Kept exactly as given: the issuer is compared as a string, and no URL is normalised behind
    // the caller's back.
    merged[key] = value;
  }
  return Object.freeze(merged as unknown as TwitchEndpoints);
}
