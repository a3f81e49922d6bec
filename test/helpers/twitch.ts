import { type LazyParts, createClient } from '../../src/client';
import type { ImportCompleteLogin } from '../../src/callback/lazy-path';
import type { RefreshPage } from '../../src/device/refresh-page';
import type { PopupHost } from '../../src/login/popup';
import type { StorageLike as PageStorage } from '../../src/session/storage';
import { createMemoryStorage } from '../../src/index';
import type { AuthorizeOptions, StorageLike, TwitchAuth, TwitchAuthOptions } from '../../src/index';
import { type FakeFetch, createFakeFetch, json } from './fake-fetch';
import { type TestKey, atHash, generateTestKey, signIdToken as signJwt } from './keys';

export const CLIENT_ID = 'test-client-id';

/** The client's lazy parts from the source tree; a test may replace the callback path's import. */
export function lazyParts(
  completeLogin: ImportCompleteLogin = () => import('../../src/callback/complete-login'),
): LazyParts {
  return { completeLogin, refresher: () => import('../../src/device/refresher') };
}
const ISSUER = 'https://id.twitch.tv/oauth2';
export const JWKS_URL = 'https://id.twitch.tv/oauth2/keys';
export const VALIDATE_URL = 'https://id.twitch.tv/oauth2/validate';
export const REVOKE_URL = 'https://id.twitch.tv/oauth2/revoke';
export const HELIX = 'https://api.twitch.tv/helix';
export const USER_ID = '141981764';

/** A token endpoint's 200 answer as Twitch documents it (device and refresh grants). */
export const TOKEN_ANSWER = Object.freeze({
  access_token: 'at-1',
  refresh_token: 'rt-1',
  expires_in: 14_000,
  scope: ['chat:read'],
  token_type: 'bearer',
});

/** POST /oauth2/device's 200 answer as Twitch documents it: the start of a device login. */
export const DEVICE_ANSWER = Object.freeze({
  device_code: 'dc-1',
  user_code: 'ABCDEFGH',
  verification_uri: 'https://www.twitch.tv/activate',
  expires_in: 1800,
  interval: 5,
});

/** An RS256 signing key with its public JWK. */
export type SigningKey = TestKey;

/**
 * One real key pair per test file (module), made on first use: a 2048-bit RSA key takes hundreds
 * of milliseconds on a loaded machine, once per harness made the unit suite (and every mutant run
 * of `npm run mutation`) several times slower. Tests that need another key pass their own.
 */
let sharedKey: Promise<SigningKey> | undefined;
function makeSigningKey(): Promise<SigningKey> {
  return (sharedKey ??= generateTestKey('key-1'));
}

/** Signs an ID token like Twitch's; `claims` override or (with undefined) remove defaults. */
function signIdToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  const defaults = {
    iss: ISSUER,
    sub: USER_ID,
    aud: CLIENT_ID,
    iat: nowSeconds,
    exp: nowSeconds + 900,
  };
  return signJwt(key, { ...defaults, ...claims });
}

export function validateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: CLIENT_ID,
    login: 'twitchdev',
    scopes: ['openid'],
    user_id: USER_ID,
    expires_in: 5_000_000,
    ...overrides,
  };
}

export interface Harness {
  readonly auth: TwitchAuth;
  readonly fake: FakeFetch;
  readonly storage: StorageLike;
  readonly key: SigningKey;
  /** Starts a login and returns the callback URL Twitch would send, with a valid signed token. */
  callbackUrl(options?: {
    accessToken?: string;
    claims?: Record<string, unknown>;
    fragment?: (params: URLSearchParams) => void;
    /** Options of the login this callback answers (returnTo, scopes, ...). */
    login?: AuthorizeOptions;
    /** Answer this authorize URL (a login already started, e.g. in a popup) instead. */
    authorize?: string;
  }): Promise<string>;
}

/**
 * A client wired to a strict fake fetch and a fresh RS256 key. The key set is served once (more
 * fetches fail the test); validate answers 200 as often as asked unless the test says otherwise.
 */
export async function createHarness(
  options: Partial<TwitchAuthOptions> & {
    validate?: boolean;
    importCompleteLogin?: ImportCompleteLogin;
    refreshPage?: Partial<RefreshPage>;
    popupHost?: PopupHost;
    /** Stands in for the tab's sessionStorage (pending requests). */
    transient?: PageStorage;
  } = {},
  key?: SigningKey,
): Promise<Harness> {
  const signingKey = key ?? (await makeSigningKey());
  const fake = createFakeFetch();
  fake.expect({ url: JWKS_URL, respond: json({ keys: [signingKey.jwk] }), times: Infinity });
  if (options.validate !== false) {
    fake.expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
  }
  const storage = createMemoryStorage();
  const {
    validate: _validate,
    importCompleteLogin,
    popupHost,
    transient,
    refreshPage,
    ...rest
  } = options;
  const auth = createClient(
    {
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage,
      fetch: fake.fetch,
      ...rest,
    },
    lazyParts(importCompleteLogin),
    {
      ...(popupHost && { popupHost }),
      ...(transient && { transient }),
      ...(refreshPage && { refresh: refreshPage }),
    },
  );
  return {
    auth,
    fake,
    storage,
    key: signingKey,
    async callbackUrl({
      accessToken = 'abcdefghijklmnopqrstuvwxyz0123',
      claims = {},
      fragment,
      login,
      authorize: started,
    } = {}) {
      const authorize = new URL(started ?? auth.authorizeUrl(login));
      const state = authorize.searchParams.get('state') ?? '';
      const nonce = authorize.searchParams.get('nonce') ?? '';
      const params = new URLSearchParams({ access_token: accessToken });
      if (authorize.searchParams.get('response_type') === 'token id_token') {
        const idToken = await signIdToken(signingKey, {
          nonce,
          at_hash: await atHash(accessToken),
          ...claims,
        });
        params.set('id_token', idToken);
      }
      params.set('scope', authorize.searchParams.get('scope') ?? '');
      params.set('state', state);
      params.set('token_type', 'bearer');
      fragment?.(params);
      return `http://localhost:3000/callback#${params.toString()}`;
    },
  };
}
