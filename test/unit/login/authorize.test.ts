// The authorize request: fresh state and nonce, the URL Twitch gets, and the returnTo guard.
// Matrix rows C1.x and C12.x from SECURITY.md.
import { describe, expect, it } from 'vitest';
import {
  type AuthorizeOptions,
  buildAuthorizeUrl,
  createPendingRequest,
  safeReturnTo,
} from '../../../src/login/authorize';
import { randomToken } from '../../../src/internal/random';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { type TwitchAuthOptions, resolveOptions } from '../../../src/config/options';
import { thrown } from '../../helpers/thrown';

const ORIGIN = 'https://app.example';
const CALLBACK = `${ORIGIN}/callback`;
const NOW = 1_700_000_000_000;
const base: TwitchAuthOptions = { clientId: 'cid', redirectUri: CALLBACK };
const HEX_256_BITS = /^[0-9a-f]{64}$/;

function authorize(options: Partial<TwitchAuthOptions> = {}, login: AuthorizeOptions = {}) {
  const config = resolveOptions({ ...base, ...options });
  const request = createPendingRequest(
    config,
    { ...login, mode: 'redirect' },
    { now: NOW, origin: ORIGIN },
  );
  const href = buildAuthorizeUrl(config, request, login);
  return { config, request, href, url: new URL(href), params: new URL(href).searchParams };
}

const codeOf = (run: () => unknown): string | undefined => {
  const error = thrown(run);
  if (error === undefined) return undefined;
  return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
};

describe('C1 authorize URL', () => {
  it('C1.1 two successive logins get different state and nonce, each 256 random bits in hex', () => {
    const a = authorize();
    const b = authorize();
    expect(a.request.state).not.toBe(b.request.state);
    expect(a.request.nonce).not.toBe(b.request.nonce);
    expect(a.request.state).not.toBe(a.request.nonce);
    for (const value of [a.request.state, a.request.nonce, b.request.state, b.request.nonce]) {
      expect(value).toMatch(HEX_256_BITS);
    }
    expect(a.params.get('state')).toBe(a.request.state);
    expect(a.params.get('nonce')).toBe(a.request.nonce);
  });

  it('state and nonce carry at least 128 bits: every one of the 256 bits varies, none is stuck', () => {
    const samples = 2000;
    const ones = new Array<number>(256).fill(0);
    const seen = new Set<string>();
    for (let i = 0; i < samples; i += 1) {
      const token = randomToken();
      expect(token).toMatch(HEX_256_BITS);
      seen.add(token);
      const bytes = Uint8Array.from(token.match(/../g) ?? [], (pair) => parseInt(pair, 16));
      for (let bit = 0; bit < 256; bit += 1) {
        if (((bytes[bit >> 3] ?? 0) >> (bit & 7)) & 1) ones[bit] = (ones[bit] ?? 0) + 1;
      }
    }
    expect(seen.size).toBe(samples);
    // Each bit is set about half the time (sd ≈ 22 of 2000); 800..1200 is a 9-sigma band.
    for (const count of ones) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });

  it('C1.2 adds openid in OIDC mode, once, and not in plain token mode', () => {
    expect(authorize({ scopes: ['chat:read'] }).params.get('scope')).toBe('chat:read openid');
    expect(authorize({ scopes: ['chat:read'] }).request.scopes).toEqual(['chat:read', 'openid']);
    expect(authorize({ scopes: ['openid', 'chat:read'] }).params.get('scope')).toBe(
      'openid chat:read',
    );
    expect(authorize().params.get('scope')).toBe('openid');
    expect(authorize({ openid: false, scopes: ['chat:read'] }).params.get('scope')).toBe(
      'chat:read',
    );
  });

  it('C1.3 joins scopes with spaces and percent-encodes them exactly once', () => {
    const { url } = authorize({ scopes: ['channel:read:polls', 'user:read:email'] });
    expect(url.search).toContain('&scope=channel%3Aread%3Apolls+user%3Aread%3Aemail+openid&');
    expect(url.search).not.toContain('%25');
  });

  it('C1.4 sends redirect_uri verbatim: trailing slash, case and its own query kept, encoded once', () => {
    const redirectUri = 'https://App.Example/Callback/?from=twitch&x=1';
    const { params, url } = authorize({ redirectUri });
    expect(params.get('redirect_uri')).toBe(redirectUri);
    expect(url.search).toContain(
      '&redirect_uri=https%3A%2F%2FApp.Example%2FCallback%2F%3Ffrom%3Dtwitch%26x%3D1&',
    );
    // Its query does not leak into the authorize URL's own parameters.
    expect(params.has('from')).toBe(false);
    expect(authorize({ redirectUri: 'http://localhost:3017/' }).params.get('redirect_uri')).toBe(
      'http://localhost:3017/',
    );
  });

  it("C1.5 asks for the user's name and picture in the ID token by default; an app-set claims wins", () => {
    const { url } = authorize();
    expect(url.search).toContain(
      '&claims=%7B%22id_token%22%3A%7B%22preferred_username%22%3Anull%2C%22picture%22%3Anull%7D%7D',
    );
    expect(JSON.parse(authorize().params.get('claims') ?? '')).toEqual({
      id_token: { preferred_username: null, picture: null },
    });
    expect(
      JSON.parse(authorize({ claims: { userinfo: { picture: null } } }).params.get('claims') ?? ''),
    ).toEqual({ userinfo: { picture: null } });
    expect(authorize({ claims: {} }).params.has('claims')).toBe(false);
    expect(authorize({ openid: false }).params.has('claims')).toBe(false);
  });

  it('C1.5 sends claims as JSON, percent-encoded once, and refuses claims Twitch does not have', () => {
    const claims = { id_token: { email: null, picture: null }, userinfo: { picture: null } };
    const { params, url, config } = authorize({ scopes: ['user:read:email'], claims });
    expect(params.get('claims')).toBe(config.claims);
    expect(JSON.parse(params.get('claims') ?? '')).toEqual(claims);
    expect(url.search).toContain(
      '&claims=%7B%22id_token%22%3A%7B%22email%22%3Anull%2C%22picture%22%3Anull%7D%2C%22userinfo%22%3A%7B%22picture%22%3Anull%7D%7D',
    );
    expect(authorize({ claims: {} }).params.has('claims')).toBe(false);
    expect(
      codeOf(() =>
        resolveOptions({ ...base, claims: { id_token: { favourite_colour: null } } as never }),
      ),
    ).toBe('invalid_options');
    expect(codeOf(() => resolveOptions({ ...base, claims: '{"id_token":' as never }))).toBe(
      'invalid_options',
    );
  });

  it('C1.6 sends exactly the configured response_type, with a nonce always in OIDC mode and never in plain mode', () => {
    const oidc = authorize();
    expect(oidc.params.get('response_type')).toBe('token id_token');
    expect(oidc.url.search).toContain('&response_type=token+id_token&');
    expect(oidc.params.get('nonce')).toMatch(HEX_256_BITS);
    const plain = authorize({ openid: false });
    expect(plain.params.get('response_type')).toBe('token');
    expect(plain.params.has('nonce')).toBe(false);
    expect(plain.request.nonce).toBeUndefined();
    // A request that lost its nonce is never sent.
    const { nonce: _nonce, ...withoutNonce } = oidc.request;
    expect(codeOf(() => buildAuthorizeUrl(oidc.config, withoutNonce))).toBe('invalid_options');
    expect(thrown(() => buildAuthorizeUrl(oidc.config, { ...oidc.request, nonce: '' }))).toEqual(
      expect.objectContaining({
        code: 'invalid_options',
        message: 'An OIDC login request needs a nonce.',
      }),
    );
  });

  it('C1.7 refuses an http redirect URI that is not on a loopback host', () => {
    expect(
      codeOf(() => resolveOptions({ ...base, redirectUri: 'http://app.example/callback' })),
    ).toBe('invalid_options');
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(
        codeOf(() => resolveOptions({ ...base, redirectUri: `http://${host}:5173/` })),
      ).toBeUndefined();
    }
  });

  it('sends force_verify=true only when asked, per client or per login', () => {
    expect(authorize().params.has('force_verify')).toBe(false);
    expect(authorize({ forceVerify: true }).params.get('force_verify')).toBe('true');
    expect(authorize({}, { forceVerify: true }).params.get('force_verify')).toBe('true');
    expect(
      authorize({ forceVerify: true }, { forceVerify: false }).params.has('force_verify'),
    ).toBe(false);
  });

  it('points at the configured authorize endpoint with the client id, and nothing else', () => {
    const { url } = authorize();
    expect(`${url.origin}${url.pathname}`).toBe('https://id.twitch.tv/oauth2/authorize');
    expect([...url.searchParams.keys()]).toEqual([
      'client_id',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
      'nonce',
      'claims',
    ]);
    expect(url.searchParams.get('client_id')).toBe('cid');
    const emulator = authorize({
      endpoints: { authorize: 'http://localhost:4000/oauth2/authorize' },
    }).url;
    expect(emulator.origin).toBe('http://localhost:4000');
  });

  it('records what the callback will need: issuer, redirect URI, mode, time, frozen', () => {
    const config = resolveOptions({
      ...base,
      endpoints: { issuer: 'http://localhost:4000/oauth2' },
    });
    const request = createPendingRequest(config, { mode: 'popup' }, { now: NOW, origin: ORIGIN });
    expect(request).toMatchObject({
      responseType: 'token id_token',
      redirectUri: CALLBACK,
      issuer: 'http://localhost:4000/oauth2',
      mode: 'popup',
      createdAt: NOW,
    });
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request.scopes)).toBe(true);
  });
});

describe('C12 returnTo', () => {
  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '\t//evil.example',
    ' //evil.example/',
    '/\t/evil.example',
    'https://app.example.evil.example/',
    'https://app.example@evil.example/',
    'https://user:pass@app.example/',
    'http://app.example/',
    'https://app.example:8443/',
    'blob:https://app.example/1234',
  ])('C12.1 drops %s', (value) => {
    expect(safeReturnTo(value, ORIGIN, CALLBACK)).toBeUndefined();
  });

  it('C12.1 drops values that are not usable strings, and every value when the origin is unusable', () => {
    for (const value of [undefined, null, 42, {}, '', `/${'a'.repeat(3000)}`]) {
      expect(safeReturnTo(value, ORIGIN, CALLBACK)).toBeUndefined();
    }
    expect(safeReturnTo('/home', 'null', CALLBACK)).toBeUndefined();
    expect(safeReturnTo('/home', ORIGIN, 'not a url')).toBeUndefined();
  });

  it('C12.2 keeps a same-origin path with query and fragment, as an absolute URL', () => {
    expect(safeReturnTo('/path?x=1#frag', ORIGIN, CALLBACK)).toBe(`${ORIGIN}/path?x=1#frag`);
    expect(safeReturnTo(`${ORIGIN}/settings`, ORIGIN, CALLBACK)).toBe(`${ORIGIN}/settings`);
    expect(safeReturnTo('settings', `${ORIGIN}/`, CALLBACK)).toBe(`${ORIGIN}/settings`);
    expect(safeReturnTo('/', 'http://localhost:5173', 'http://localhost:5173/callback')).toBe(
      'http://localhost:5173/',
    );
  });

  it('C12.3 drops the callback URL itself, with or without a fragment (no loop)', () => {
    expect(safeReturnTo('/callback', ORIGIN, CALLBACK)).toBeUndefined();
    expect(safeReturnTo('/callback#after', ORIGIN, CALLBACK)).toBeUndefined();
    expect(safeReturnTo(CALLBACK, ORIGIN, CALLBACK)).toBeUndefined();
    const withQuery = `${ORIGIN}/cb/?from=twitch`;
    expect(safeReturnTo('/cb/?from=twitch', ORIGIN, withQuery)).toBeUndefined();
    expect(safeReturnTo('/callback/other', ORIGIN, CALLBACK)).toBe(`${ORIGIN}/callback/other`);
  });

  it('C12.1 drops a same-origin URL with a user name or a password alone', () => {
    expect(safeReturnTo('https://user@app.example/home', ORIGIN, CALLBACK)).toBeUndefined();
    expect(safeReturnTo('https://:secret@app.example/home', ORIGIN, CALLBACK)).toBeUndefined();
  });

  it('C12.1 drops a path with a backslash even when it stays on the origin', () => {
    expect(safeReturnTo('/docs\\intro', ORIGIN, CALLBACK)).toBeUndefined();
  });

  it('C12.2 keeps a returnTo of exactly 2048 characters, and drops one longer', () => {
    const longest = `/${'a'.repeat(2047)}`;
    expect(safeReturnTo(longest, ORIGIN, CALLBACK)).toBe(`${ORIGIN}${longest}`);
    expect(safeReturnTo(`${longest}a`, ORIGIN, CALLBACK)).toBeUndefined();
  });

  it('C12.3 compares with the callback without its fragment, even when the redirect URI has one', () => {
    expect(safeReturnTo('/callback', ORIGIN, `${CALLBACK}#done`)).toBeUndefined();
  });

  it('stores only a checked returnTo in the pending request', () => {
    expect(authorize({}, { returnTo: '//evil.example' }).request.returnTo).toBeUndefined();
    expect('returnTo' in authorize({}, { returnTo: '//evil.example' }).request).toBe(false);
    expect(authorize({}, { returnTo: '/settings' }).request.returnTo).toBe(`${ORIGIN}/settings`);
    // returnTo never reaches Twitch: it stays in this browser.
    expect(authorize({}, { returnTo: '/settings' }).href).not.toContain('settings');
  });
});
