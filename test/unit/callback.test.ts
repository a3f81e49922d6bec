import { describe, expect, it } from 'vitest';
import {
  type AuthResponse,
  hasAuthResponse,
  matchResponse,
  parseAuthResponse,
  stripAuthResponse,
} from '../../src/callback';
import { isTwitchAuthError } from '../../src/errors';
import type { PendingRequest } from '../../src/pending';

const CB = 'https://app.example/callback';
const oidc: PendingRequest = {
  state: 's',
  nonce: 'n',
  responseType: 'token id_token',
  scopes: ['openid'],
  redirectUri: CB,
  issuer: 'https://id.twitch.tv/oauth2',
  mode: 'redirect',
  createdAt: 0,
};
const plain: PendingRequest = { ...oidc, responseType: 'token', scopes: [] };

const parse = (suffix: string): AuthResponse | null => parseAuthResponse(new URL(CB + suffix));

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isTwitchAuthError(error) ? error.code : `untyped: ${String(error)}`;
  }
  return undefined;
}

const success = '#access_token=at&id_token=a.b.c&scope=openid&state=s&token_type=bearer';

describe('C2 callback parsing', () => {
  it('C2.1 a URL without fragment or query carries no response', () => {
    expect(hasAuthResponse(new URL(CB))).toBe(false);
    expect(parse('')).toBeNull();
  });

  it.each(['#', '#&&&', '#=', '#/settings'])('C2.2 %s is not an auth response (hash routes stay untouched)', (hash) => {
    expect(parse(hash)).toBeNull();
    expect(stripAuthResponse(new URL(CB + hash))).toBe(new URL(CB + hash).href);
  });

  it.each([
    '#access_token=a&access_token=b&state=s&token_type=bearer',
    '#access_token=a&state=s&state=t&token_type=bearer',
    '?state=s#access_token=a&state=s&token_type=bearer',
  ])('C2.3 refuses a duplicated parameter: %s', (suffix) => {
    expect(code(() => parse(suffix))).toBe('duplicate_param');
  });

  it('C2.4 treats an empty value as absent', () => {
    const response = parse('#access_token=&state=s&token_type=bearer');
    expect(response).toMatchObject({ kind: 'success', accessToken: undefined });
    expect(code(() => matchResponse(response as AuthResponse, plain))).toBe('missing_param');
  });

  it.each(['%E0%A4%A', '%ZZ', '%'])('C2.5 survives the malformed escape %s', (bad) => {
    expect(code(() => parse(`#access_token=a&state=${bad}&token_type=bearer`))).toBeUndefined();
    expect(code(() => parse(`#access_token=a&scope=${bad}&state=s&token_type=bearer`))).toBeUndefined();
  });

  it('C2.6 decodes + and %20 in scope to spaces and exposes the granted scopes exactly', () => {
    expect(parse('#access_token=a&scope=chat%3Aread+user%3Aread%3Aemail%20openid&state=s&token_type=bearer'))
      .toMatchObject({ scopes: ['chat:read', 'user:read:email', 'openid'] });
  });

  it('decodes Twitch’s double-encoded OIDC scope (%253A)', () => {
    expect(parse('#access_token=a&scope=channel%253Amanage%253Apolls+openid&state=s&token_type=bearer'))
      .toMatchObject({ scopes: ['channel:manage:polls', 'openid'] });
  });

  it('C2.7 refuses a 1 MB fragment and 10 000 parameters quickly', () => {
    const started = performance.now();
    expect(code(() => parse(`#access_token=a&state=s&x=${'a'.repeat(1_000_000)}`))).toBe('invalid_callback');
    const many = Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&');
    expect(code(() => parse(`#access_token=a&state=s&${many}`))).toBe('invalid_callback');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('C2.8 is not polluted by __proto__, constructor or prototype parameters', () => {
    const response = parse('#__proto__=x&constructor=y&prototype=z&hasOwnProperty=w&access_token=a&state=s&token_type=bearer');
    expect(response).toMatchObject({ kind: 'success', accessToken: 'a', state: 's' });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty).toBeTypeOf('function');
  });

  it('C2.9 refuses an access token in the query and still strips it from the URL', () => {
    const url = new URL(`${CB}?access_token=leak&state=s&keep=1`);
    expect(code(() => parseAuthResponse(url))).toBe('token_in_query');
    expect(stripAuthResponse(url)).toBe(`${CB}?keep=1`);
  });

  it('C2.10 a token id_token request needs the id_token', () => {
    const response = parse('#access_token=a&state=s&token_type=bearer') as AuthResponse;
    expect(code(() => matchResponse(response, oidc))).toBe('missing_param');
  });

  it('C2.11 a token id_token request needs the access_token', () => {
    const response = parse('#id_token=a.b.c&state=s&token_type=bearer') as AuthResponse;
    expect(code(() => matchResponse(response, oidc))).toBe('missing_param');
  });

  it('C2.12 a token request refuses an id_token it did not ask for (never trusted unverified)', () => {
    expect(code(() => matchResponse(parse(success) as AuthResponse, plain))).toBe('response_type_mismatch');
  });

  it.each(['mac', 'DPoP', ''])('C2.13 refuses token_type=%s', (type) => {
    const response = parse(`#access_token=a&id_token=a.b.c&state=s&token_type=${type}`) as AuthResponse;
    expect(code(() => matchResponse(response, oidc))).toBe('unsupported_token_type');
  });

  it('C2.13 accepts bearer and Bearer', () => {
    for (const type of ['bearer', 'Bearer']) {
      const response = parse(`#access_token=a&id_token=a.b.c&state=s&token_type=${type}`) as AuthResponse;
      expect(matchResponse(response, oidc).accessToken).toBe('a');
    }
  });

  it.each(['-5', 'abc', '1e309', '0'])('C2.14 ignores expires_in=%s', (value) => {
    const response = parse(`${success}&expires_in=${value}`) as AuthResponse;
    expect(matchResponse(response, oidc)).toEqual({ accessToken: 'at', idToken: 'a.b.c', scopes: ['openid'] });
  });

  it('C2.15 error plus access_token is an error response; nothing usable comes out', () => {
    const response = parse('#error=server_error&access_token=a&state=s&token_type=bearer') as AuthResponse;
    expect(response.kind).toBe('error');
    expect(code(() => matchResponse(response, oidc))).toBe('authorize_error');
  });

  it('C2.16 parsing is pure: the same URL parses the same way twice (single use is the store’s job)', () => {
    expect(parse(success)).toEqual(parse(success));
  });

  it('strips only response parameters and keeps an unrelated fragment or query', () => {
    expect(stripAuthResponse(new URL(`${CB}?page=2#access_token=a&state=s`))).toBe(`${CB}?page=2`);
    expect(stripAuthResponse(new URL(`${CB}?error=access_denied&state=s&page=2`))).toBe(`${CB}?page=2`);
    expect(stripAuthResponse(new URL(`${CB}?page=2#/route`))).toBe(`${CB}?page=2#/route`);
  });
});

describe('C4 authorization error responses', () => {
  const denied = 'error=access_denied&error_description=The+user+denied+you+access&state=s';

  it('C4.1 maps access_denied in the fragment, with Twitch’s text as data', () => {
    const error = (() => { try { matchResponse(parse(`#${denied}`) as AuthResponse, oidc); } catch (e) { return e; } return undefined; })();
    expect(error).toMatchObject({ code: 'access_denied', twitchError: 'access_denied', twitchErrorDescription: 'The user denied you access' });
  });

  it('C4.2 reads the error from the query string, where Twitch puts it', () => {
    const response = parse(`?${denied}`);
    expect(response).toEqual({ kind: 'error', state: 's', error: 'access_denied', errorDescription: 'The user denied you access' });
  });

  it('C4.3 keeps the error’s state for the caller’s state check (a missing one stays missing)', () => {
    expect(parse('?error=access_denied')).toMatchObject({ kind: 'error', state: undefined });
    expect(parse('?error=access_denied&state=forged')).toMatchObject({ state: 'forged' });
  });

  it('C4.4 keeps an HTML error_description as plain text', () => {
    const html = '<img src=x onerror=alert(1)>';
    expect(parse(`?error=invalid_request&error_description=${encodeURIComponent(html)}&state=s`))
      .toMatchObject({ errorDescription: html });
  });

  it('C4.5 drops error_uri', () => {
    const response = parse('?error=invalid_request&error_uri=javascript:alert(1)&state=s');
    expect(JSON.stringify(response)).not.toContain('javascript');
  });

  it('C4.6 passes other errors (login_required, redirect_mismatch) through as authorize_error', () => {
    for (const twitchError of ['login_required', 'redirect_mismatch', 'unsupported_response_type']) {
      const response = parse(`?error=${twitchError}&state=s`) as AuthResponse;
      let error: unknown;
      try {
        matchResponse(response, oidc);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'authorize_error', twitchError });
    }
  });

  it('C4.7 truncates a 5 KB error string', () => {
    const response = parse(`?error=x&error_description=${'d'.repeat(5000)}&state=s`);
    expect(response?.kind === 'error' && response.errorDescription?.length).toBe(500);
  });
});
