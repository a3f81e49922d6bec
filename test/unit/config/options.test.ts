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
    ['a fetch that is not a function', { fetch: 'fetch' }, /fetch must be a function/],
    ['a clientId that is not a string', { clientId: 42 }, /clientId must be your Twitch app/],
    ['a clientId with a leading space', { clientId: ' cid' }, /printable ASCII without spaces/],
    ['a clientId with a trailing space', { clientId: 'cid ' }, /printable ASCII without spaces/],
    ['openid that is not a boolean', { openid: 'yes' }, /^openid must be true or false\.$/],
    [
      'forceVerify that is not a boolean',
      { forceVerify: 1 },
      /^forceVerify must be true or false\.$/,
    ],
    [
      'a clock skew over an hour',
      { clockSkewSeconds: 3601 },
      /^clockSkewSeconds must be a number from 0 to 3600\.$/,
    ],
    [
      'a clock skew given as a string',
      { clockSkewSeconds: '60' },
      /^clockSkewSeconds must be a number from 0 to 3600\.$/,
    ],
    [
      'a validate interval past the largest timer delay',
      { validateIntervalMs: 2 ** 31 },
      /^validateIntervalMs must be a number from 0 to 2147483647\.$/,
    ],
    [
      'an infinite popup timeout',
      { popupTimeoutMs: Number.POSITIVE_INFINITY },
      /^popupTimeoutMs must be a number from 0 to 2147483647\.$/,
    ],
    [
      'a key set timeout over a minute',
      { jwksTimeoutMs: 60_001 },
      /^jwksTimeoutMs must be a number from 0 to 60000\.$/,
    ],
    [
      'a negative expiring notice',
      { expiringNoticeSeconds: -1 },
      /^expiringNoticeSeconds must be a number from 0 to 2147483647\.$/,
    ],
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

describe('claims', () => {
  it.each([
    ['claims that are not an object', { claims: '{"id_token":{}}' }, /^claims must be an object/],
    ['claims given as an array', { claims: [] }, /^claims must be an object/],
    [
      'a claims target Twitch does not have',
      { claims: { access_token: {} } },
      /^claims\.access_token is not supported; use id_token or userinfo\.$/,
    ],
    [
      'a claims target that is not an object',
      { claims: { id_token: ['email'] } },
      /^claims\.id_token must be an object of claim names mapped to null\.$/,
    ],
    [
      'a claims target that is null',
      { claims: { userinfo: null } },
      /^claims\.userinfo must be an object/,
    ],
    [
      'a claim Twitch does not have',
      { claims: { userinfo: { favourite_colour: null } } },
      /^claims\.userinfo\.favourite_colour is not a Twitch claim\.$/,
    ],
    [
      'a claim asked for with a value other than null',
      { claims: { id_token: { picture: true } } },
      /^claims\.id_token\.picture must be null\.$/,
    ],
    [
      'the email claim without the user:read:email scope',
      { claims: { id_token: { email: null } } },
      /^The email claim needs the user:read:email scope\.$/,
    ],
    [
      'the email_verified claim without the user:read:email scope',
      { scopes: ['chat:read'], claims: { userinfo: { email_verified: null } } },
      /^The email_verified claim needs the user:read:email scope\.$/,
    ],
  ])('refuses %s with a message naming it', (_name, change, message) => {
    expect(refusal({ ...base, ...change })).toMatch(message);
  });

  it('sends the email claims once the user:read:email scope is asked for; others need no scope', () => {
    const claims = { id_token: { email: null, email_verified: null }, userinfo: { picture: null } };
    expect(
      JSON.parse(resolveOptions({ ...base, scopes: ['user:read:email'], claims }).claims ?? ''),
    ).toEqual(claims);
    expect(resolveOptions({ ...base, claims: { userinfo: { updated_at: null } } }).claims).toBe(
      '{"userinfo":{"updated_at":null}}',
    );
  });

  it('asks for none without openid, and for none when claims is {}', () => {
    expect(resolveOptions({ ...base, openid: false }).claims).toBeUndefined();
    expect(resolveOptions({ ...base, claims: {} }).claims).toBeUndefined();
  });
});

describe('option values', () => {
  it('refuses null as the options object', () => {
    expect(refusal(null)).toMatch(/^createTwitchAuth needs an options object/);
  });

  it('shortens a long refused scope in the message', () => {
    const message = refusal({ ...base, scopes: [`"${'x'.repeat(200)}`] });
    expect(message).toBe(
      `Not a scope token ${JSON.stringify(`"${'x'.repeat(200)}`).slice(0, 80)}.`,
    );
    expect(message.length).toBeLessThan(110);
  });

  it('asks Twitch for each scope once, in the order given', () => {
    expect(
      resolveOptions({ ...base, scopes: ['chat:read', 'bits:read', 'chat:read'] }).scopes,
    ).toEqual(['chat:read', 'bits:read']);
  });

  it('accepts each number option at its largest value', () => {
    const config = resolveOptions({
      ...base,
      clockSkewSeconds: 3600,
      validateIntervalMs: 2 ** 31 - 1,
      expiringNoticeSeconds: 2 ** 31 - 1,
      jwksTimeoutMs: 60_000,
      popupTimeoutMs: 2 ** 31 - 1,
    });
    expect(config).toMatchObject({
      clockSkewSeconds: 3600,
      validateIntervalMs: 2 ** 31 - 1,
      expiringNoticeSeconds: 2 ** 31 - 1,
      jwksTimeoutMs: 60_000,
      popupTimeoutMs: 2 ** 31 - 1,
    });
  });

  it('defaults the key set and popup timeouts, and keeps the validate interval and key set timeout above their floors', () => {
    expect(resolveOptions(base)).toMatchObject({ jwksTimeoutMs: 5000, popupTimeoutMs: 300_000 });
    expect(resolveOptions({ ...base, validateIntervalMs: 0, jwksTimeoutMs: 0 })).toMatchObject({
      validateIntervalMs: 1000,
      jwksTimeoutMs: 100,
    });
    expect(
      resolveOptions({ ...base, validateIntervalMs: 0, jwksTimeoutMs: 0, popupTimeoutMs: 0 }),
    ).toMatchObject({ popupTimeoutMs: 0, expiringNoticeSeconds: 300 });
  });

  it('keeps the given fetch, forceVerify and redirect URI', () => {
    const fetch = (() => Promise.reject(new Error('not called'))) as typeof globalThis.fetch;
    const config = resolveOptions({ ...base, fetch, forceVerify: true });
    expect(config.fetch).toBe(fetch);
    expect(config.forceVerify).toBe(true);
    expect(config.redirectUri).toBe(base.redirectUri);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.scopes)).toBe(true);
  });
});
