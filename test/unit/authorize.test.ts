import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, createPendingRequest, randomToken, safeReturnTo } from '../../src/authorize';
import { isTwitchAuthError } from '../../src/errors';
import { type TwitchAuthOptions, resolveOptions } from '../../src/options';

const ORIGIN = 'https://app.example';
const base: TwitchAuthOptions = { clientId: 'cid', redirectUri: `${ORIGIN}/callback` };

function authorize(options: Partial<TwitchAuthOptions> = {}, login: { returnTo?: string; forceVerify?: boolean } = {}) {
  const config = resolveOptions({ ...base, ...options });
  const request = createPendingRequest(config, { ...login, mode: 'redirect' }, { now: 1_000, origin: ORIGIN });
  return { request, url: new URL(buildAuthorizeUrl(config, request, login)) };
}

function optionsError(options: Partial<TwitchAuthOptions>): unknown {
  try {
    resolveOptions({ ...base, ...options } as TwitchAuthOptions);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('C1 authorize URL', () => {
  it('C1.1 gives every login a fresh state and nonce of 256 random bits in base64url', () => {
    const a = authorize().request;
    const b = authorize().request;
    expect(a.state).not.toBe(b.state);
    expect(a.nonce).not.toBe(b.nonce);
    for (const value of [a.state, a.nonce, b.state, b.nonce]) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const many = new Set(Array.from({ length: 1000 }, randomToken));
    expect(many.size).toBe(1000);
  });

  it('C1.2 adds openid in OIDC mode, once', () => {
    expect(authorize({ scopes: ['chat:read'] }).url.searchParams.get('scope')).toBe('chat:read openid');
    expect(authorize({ scopes: ['openid', 'chat:read'] }).url.searchParams.get('scope')).toBe('openid chat:read');
    expect(authorize({ openid: false, scopes: ['chat:read'] }).url.searchParams.get('scope')).toBe('chat:read');
  });

  it('C1.3 joins scopes with spaces and percent-encodes them exactly once', () => {
    const { url } = authorize({ scopes: ['channel:read:polls', 'user:read:email'] });
    expect(url.search).toContain('scope=channel%3Aread%3Apolls+user%3Aread%3Aemail+openid');
    expect(url.search).not.toContain('%25');
  });

  it('C1.4 sends redirect_uri verbatim (trailing slash, case and query kept)', () => {
    const redirectUri = 'https://App.example/Callback/?from=twitch&x=1';
    const { url } = authorize({ redirectUri });
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(url.search).toContain(`redirect_uri=${encodeURIComponent(redirectUri).replace(/%20/g, '+')}`);
  });

  it('C1.5 sends claims as JSON and refuses claims that are not Twitch claims', () => {
    const claims = { id_token: { email: null, picture: null }, userinfo: { picture: null } };
    const { url } = authorize({ scopes: ['user:read:email'], claims });
    expect(JSON.parse(url.searchParams.get('claims') ?? '')).toEqual(claims);
    const bad = optionsError({ claims: { id_token: { favourite_colour: null } } as never });
    expect(isTwitchAuthError(bad) && bad.code).toBe('invalid_options');
    const noScope = optionsError({ claims: { id_token: { email: null } } });
    expect(isTwitchAuthError(noScope) && noScope.message).toMatch(/user:read:email/);
  });

  it('C1.6 sends exactly the configured response_type, with a nonce in OIDC mode only', () => {
    const oidc = authorize().url.searchParams;
    expect(oidc.get('response_type')).toBe('token id_token');
    expect(oidc.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const plain = authorize({ openid: false }).url.searchParams;
    expect(plain.get('response_type')).toBe('token');
    expect(plain.has('nonce')).toBe(false);
  });

  it('C1.7 refuses an http redirect URI that is not on a loopback host', () => {
    const error = optionsError({ redirectUri: 'http://app.example/callback' });
    expect(isTwitchAuthError(error) && error.code).toBe('invalid_options');
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(optionsError({ redirectUri: `http://${host}:5173/` })).toBeUndefined();
    }
  });

  it('sends force_verify=true only when asked, per client or per login', () => {
    expect(authorize().url.searchParams.has('force_verify')).toBe(false);
    expect(authorize({ forceVerify: true }).url.searchParams.get('force_verify')).toBe('true');
    expect(authorize({}, { forceVerify: true }).url.searchParams.get('force_verify')).toBe('true');
  });

  it('points at Twitch’s authorize endpoint with the client id', () => {
    const { url } = authorize();
    expect(`${url.origin}${url.pathname}`).toBe('https://id.twitch.tv/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('cid');
  });
});

describe('C12 returnTo', () => {
  const callback = `${ORIGIN}/callback`;
  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
  ])('C12.1 drops %s', (value) => {
    expect(safeReturnTo(value, ORIGIN, callback)).toBeUndefined();
  });

  it('C12.2 keeps a same-origin path with query and fragment', () => {
    expect(safeReturnTo('/path?x=1#frag', ORIGIN, callback)).toBe(`${ORIGIN}/path?x=1#frag`);
  });

  it('C12.3 drops the callback URL itself (no loop)', () => {
    expect(safeReturnTo('/callback', ORIGIN, callback)).toBeUndefined();
    expect(safeReturnTo('/callback#x', ORIGIN, callback)).toBeUndefined();
  });

  it('stores only a checked returnTo in the pending request', () => {
    expect(authorize({}, { returnTo: '//evil.example' }).request.returnTo).toBeUndefined();
    expect(authorize({}, { returnTo: '/settings' }).request.returnTo).toBe(`${ORIGIN}/settings`);
  });
});
