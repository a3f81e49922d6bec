import { describe, expect, it } from 'vitest';
import { TWITCH_ENDPOINTS, resolveEndpoints } from '../../../src/config/endpoints';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { type TwitchAuthOptions, resolveOptions } from '../../../src/config/options';

const base = { clientId: 'cid', redirectUri: 'https://app.example/callback' };

function refusal(options: unknown): string {
  try {
    resolveOptions(options as TwitchAuthOptions);
  } catch (error) {
    if (!isTwitchAuthError(error) || error.code !== 'invalid_options') throw error;
    return error.message;
  }
  throw new Error('accepted');
}

describe('options', () => {
  it.each([
    ['an empty clientId', { clientId: '' }, /clientId/],
    ['a blank clientId', { clientId: '   ' }, /clientId/],
    ['a relative redirectUri', { redirectUri: '/callback' }, /redirectUri/],
    ['a redirectUri that is no URL', { redirectUri: 'not a url' }, /redirectUri/],
    [
      'an http redirectUri off loopback',
      { redirectUri: 'http://app.example/' },
      /redirectUri.*https/,
    ],
    ['a redirectUri with a fragment', { redirectUri: 'https://app.example/#x' }, /fragment/],
    [
      'an http endpoint off loopback',
      { endpoints: { jwks: 'http://keys.example/jwks' } },
      /endpoints\.jwks/,
    ],
    [
      'an unknown endpoint',
      { endpoints: { tokens: 'https://id.twitch.tv/oauth2/token' } },
      /endpoints\.tokens/,
    ],
    [
      'an http token endpoint off loopback',
      { endpoints: { token: 'http://id.example/oauth2/token' } },
      /endpoints\.token must use https/,
    ],
    [
      'an http device endpoint off loopback',
      { endpoints: { device: 'http://id.example/oauth2/device' } },
      /endpoints\.device must use https/,
    ],
    // Run time checks RFC 6749 scope-token syntax only; an unknown name is a compile error.
    [
      'two scopes in one string',
      { scopes: ['chat:read user:edit'] },
      /Not a scope token "chat:read user:edit"/,
    ],
    ['a scope with a quote', { scopes: ['chat:"read'] }, /Not a scope token/],
    ['a scope with a backslash', { scopes: ['chat\\read'] }, /Not a scope token/],
    ['an empty scope', { scopes: [''] }, /Not a scope token/],
    ['a scope that is not a string', { scopes: [42] }, /Not a scope token "42"/],
    ['a scope list that is not an array', { scopes: 'chat:read' }, /scopes/],
    ['a bad storage value', { storage: 'cookies' }, /storage/],
    ['a storage object without removeItem', { storage: { getItem() {}, setItem() {} } }, /storage/],
    ['a negative clock skew', { clockSkewSeconds: -1 }, /clockSkewSeconds/],
    ['a NaN clock skew', { clockSkewSeconds: Number.NaN }, /clockSkewSeconds/],
    [
      'claims with openid off',
      { openid: false, claims: { id_token: { picture: null } } },
      /openid/,
    ],
    ['a fetch that is not a function', { fetch: 'fetch' }, /fetch/],
  ])('refuses %s with a message naming the option', (_name, change, message) => {
    expect(refusal({ ...base, ...change })).toMatch(message);
  });

  it('refuses a missing options object', () => {
    expect(refusal(undefined)).toMatch(/clientId and redirectUri/);
  });

  it('accepts http only on loopback hosts, for redirectUri and endpoints', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(() =>
        resolveOptions({
          ...base,
          redirectUri: `http://${host}:5173/`,
          endpoints: { jwks: `http://${host}:8787/keys` },
        }),
      ).not.toThrow();
    }
  });

  it('checks scope syntax only at run time: Twitch refuses an unknown scope itself', () => {
    const scopes = ['chat:read', 'not:a:twitch:scope'] as unknown as NonNullable<
      TwitchAuthOptions['scopes']
    >;
    expect(resolveOptions({ ...base, scopes }).scopes).toEqual(['chat:read', 'not:a:twitch:scope']);
  });

  it('applies the documented defaults, and 0 really means 0', () => {
    const config = resolveOptions(base);
    expect(config).toMatchObject({
      responseType: 'token id_token',
      storage: 'session',
      clockSkewSeconds: 60,
      validateIntervalMs: 3_600_000,
      expiringNoticeSeconds: 300,
      forceVerify: false,
      scopes: [],
    });
    expect(config.endpoints).toEqual(TWITCH_ENDPOINTS);
    expect(resolveOptions({ ...base, clockSkewSeconds: 0 }).clockSkewSeconds).toBe(0);
    expect(resolveOptions({ ...base, openid: false }).responseType).toBe('token');
  });

  it('keeps endpoint overrides verbatim and refuses credentials in them', () => {
    expect(resolveEndpoints({ issuer: 'http://127.0.0.1:8787/oauth2' }).issuer).toBe(
      'http://127.0.0.1:8787/oauth2',
    );
    expect(() => resolveEndpoints({ helix: 'https://user:pass@api.twitch.tv/helix' })).toThrow(
      /credentials/,
    );
  });

  it('touches no storage while resolving', () => {
    const storage = {
      getItem: () => {
        throw new Error('touched');
      },
      setItem: () => {
        throw new Error('touched');
      },
      removeItem: () => {
        throw new Error('touched');
      },
    };
    expect(() => resolveOptions({ ...base, storage })).not.toThrow();
  });
});
