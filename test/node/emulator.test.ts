import { createLocalJWKSet, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import { TWITCH_ENDPOINTS, resolveEndpoints } from '../../src/config/endpoints';

const CLIENT = 'emu-test';
const REDIRECT = 'http://localhost:5173/callback';
let emulator: TwitchEmulator;
let clock = 1_700_000_000_000;

beforeEach(async () => {
  clock = 1_700_000_000_000;
  emulator = await startTwitchEmulator({
    now: () => clock,
    clients: [
      {
        clientId: CLIENT,
        name: 'Test app',
        redirectUris: [REDIRECT, 'http://localhost:5173/other'],
      },
    ],
  });
});
afterEach(() => emulator.close());

function authorizeUrl(params: Record<string, string> = {}): string {
  const url = new URL(emulator.endpoints.authorize);
  url.search = new URLSearchParams({
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    response_type: 'token id_token',
    scope: 'openid user:read:email',
    state: 'st',
    nonce: 'nn',
    ...params,
  }).toString();
  return url.href;
}

async function consent(
  params: Record<string, string> = {},
  decision = 'authorize',
  cookie?: string,
): Promise<Response> {
  const query = new URL(authorizeUrl(params)).searchParams;
  query.set('decision', decision);
  query.set('user_id', emulator.users[0]?.id ?? '');
  return fetch(emulator.endpoints.authorize, {
    method: 'POST',
    body: query,
    redirect: 'manual',
    headers: cookie === undefined ? {} : { cookie },
  });
}

function fragmentOf(response: Response): URLSearchParams {
  return new URLSearchParams(new URL(response.headers.get('location') ?? '').hash.slice(1));
}

describe('authorize', () => {
  it('shows a consent page naming the app, the scopes and the buttons', async () => {
    const response = await fetch(authorizeUrl());
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('Test app');
    expect(html).toContain('user:read:email');
    expect(html).toContain('data-testid="authorize"');
    expect(html).toContain('data-testid="deny"');
  });

  it('redirects with Twitch’s fragment on consent: tokens, scope, state, bearer, no expires_in', async () => {
    const response = await consent({
      claims: JSON.stringify({
        id_token: { email: null, preferred_username: null, picture: null },
      }),
    });
    expect(response.status).toBe(302);
    const fragment = fragmentOf(response);
    expect([...fragment.keys()].sort()).toEqual([
      'access_token',
      'id_token',
      'scope',
      'state',
      'token_type',
    ]);
    expect(fragment.get('access_token')).toMatch(/^[a-z0-9]{30}$/);
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('state')).toBe('st');
    expect(fragment.get('scope')).toBe('openid user:read:email');

    const jwks = createLocalJWKSet((await (await fetch(emulator.endpoints.jwks)).json()) as never);
    const { payload, protectedHeader } = await jwtVerify(fragment.get('id_token') ?? '', jwks, {
      issuer: emulator.endpoints.issuer,
      audience: CLIENT,
      currentDate: new Date(clock),
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: emulator.users[0]?.id,
      nonce: 'nn',
      email: 'twitchdev@example.com',
      preferred_username: 'TwitchDev',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    const expected = createHash('sha256')
      .update(fragment.get('access_token') ?? '')
      .digest()
      .subarray(0, 16)
      .toString('base64url');
    expect(payload['at_hash']).toBe(expected);
  });

  it('grants every scope asked but the declined ones (declineScopes): fragment, validate and the ID token agree', async () => {
    emulator.declineScopes(['user:read:email', 'openid']);
    const fragment = fragmentOf(
      await consent({
        scope: 'openid user:read:email user:read:follows',
        claims: JSON.stringify({ id_token: { email: null } }),
      }),
    );
    expect(fragment.get('scope')).toBe('openid user:read:follows'); // openid is never declined
    const validated = (await (
      await fetch(emulator.endpoints.validate, {
        headers: { authorization: `OAuth ${fragment.get('access_token') ?? ''}` },
      })
    ).json()) as { scopes: string[] };
    expect(validated.scopes).toEqual(['openid', 'user:read:follows']);
    const [, payload = ''] = (fragment.get('id_token') ?? '').split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).not.toHaveProperty('email');
    emulator.declineScopes([]);
    expect(fragmentOf(await consent()).get('scope')).toBe('openid user:read:email');
  });

  it('leaves email out without user:read:email', async () => {
    const fragment = fragmentOf(
      await consent({ scope: 'openid', claims: JSON.stringify({ id_token: { email: null } }) }),
    );
    const [, payload = ''] = (fragment.get('id_token') ?? '').split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).not.toHaveProperty('email');
  });

  it('puts a denial in the query string', async () => {
    const location = new URL((await consent({}, 'deny')).headers.get('location') ?? '');
    expect(location.hash).toBe('');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied you access',
      state: 'st',
    });
  });

  it('sends a mismatched redirect_uri’s error to the first registered URL, as Twitch does', async () => {
    const response = await fetch(
      authorizeUrl({ redirect_uri: 'http://localhost:5173/callback/' }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('redirect_mismatch');
  });

  it('refuses id_token response types without openid, unknown scopes and bad claims', async () => {
    const error = async (params: Record<string, string>) =>
      new URL(
        (await fetch(authorizeUrl(params), { redirect: 'manual' })).headers.get('location') ?? '',
      ).searchParams.get('error');
    expect(await error({ scope: 'user:read:email' })).toBe('unsupported_response_type');
    expect(await error({ scope: 'openid user_read' })).toBe('invalid_scope');
    expect(await error({ claims: '{not json' })).toBe('invalid_request');
    expect(await error({ response_type: 'code' })).toBe('unsupported_response_type');
  });

  it('refuses an unknown client with an error page and no redirect', async () => {
    const response = await fetch(authorizeUrl({ client_id: 'nobody' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('skips the consent page after an earlier consent unless force_verify=true', async () => {
    const cookie = (await consent()).headers.get('set-cookie')?.split(';')[0] ?? '';
    const again = await fetch(authorizeUrl(), { redirect: 'manual', headers: { cookie } });
    expect(again.status).toBe(302);
    expect(fragmentOf(again).get('access_token')).toMatch(/^[a-z0-9]{30}$/);
    const forced = await fetch(authorizeUrl({ force_verify: 'true' }), {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(forced.status).toBe(200);
  });
});

describe('tokens', () => {
  const token = () =>
    emulator.issueToken({
      clientId: CLIENT,
      userId: emulator.users[0]?.id ?? '',
      scopes: ['user:read:email'],
    });

  it('validates with OAuth or Bearer, counting expires_in down', async () => {
    const t = token();
    const first = await fetch(emulator.endpoints.validate, {
      headers: { authorization: `OAuth ${t}` },
    });
    expect(await first.json()).toEqual({
      client_id: CLIENT,
      login: 'twitchdev',
      scopes: ['user:read:email'],
      user_id: emulator.users[0]?.id,
      expires_in: 5_184_000,
    });
    clock += 10_000;
    const second = await fetch(emulator.endpoints.validate, {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(((await second.json()) as { expires_in: number }).expires_in).toBe(5_183_990);
  });

  it('answers validate with Twitch’s 401 bodies', async () => {
    const missing = await fetch(emulator.endpoints.validate);
    expect([missing.status, await missing.json()]).toEqual([
      401,
      { status: 401, message: 'missing authorization token' },
    ]);
    const bad = await fetch(emulator.endpoints.validate, {
      headers: { authorization: 'OAuth nope' },
    });
    expect([bad.status, await bad.json()]).toEqual([
      401,
      { status: 401, message: 'invalid access token' },
    ]);
  });

  it('revokes with a form body: 200, then 400 Invalid token; 404 for an unknown client', async () => {
    const t = token();
    const revoke = (body: Record<string, string>) =>
      fetch(emulator.endpoints.revoke, { method: 'POST', body: new URLSearchParams(body) });
    const ok = await revoke({ client_id: CLIENT, token: t });
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    expect(await (await revoke({ client_id: CLIENT, token: t })).json()).toEqual({
      status: 400,
      message: 'Invalid token',
    });
    expect(await (await revoke({ client_id: 'nobody', token: t })).json()).toEqual({
      status: 404,
      message: 'client does not exist',
    });
    expect(
      (await fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${t}` } }))
        .status,
    ).toBe(401);
  });

  it('expires tokens and applies a new lifetime to new tokens', async () => {
    const t = token();
    emulator.expireToken(t);
    expect(
      (await fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${t}` } }))
        .status,
    ).toBe(401);
    emulator.setTokenLifetime(60);
    const short = token();
    const body = (await (
      await fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${short}` } })
    ).json()) as { expires_in: number };
    expect(body.expires_in).toBe(60);
  });

  it('serves userinfo for a Bearer access token only', async () => {
    const t = token();
    const ok = await fetch(emulator.urls.userinfo, {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(await ok.json()).toMatchObject({
      sub: emulator.users[0]?.id,
      aud: CLIENT,
      iss: emulator.endpoints.issuer,
    });
    expect((await fetch(emulator.urls.userinfo)).status).toBe(401);
  });

  it('serves Helix Get Users with Bearer and a matching Client-Id, with rate-limit headers', async () => {
    const t = token();
    const users = `${emulator.endpoints.helix}/users`;
    const ok = await fetch(users, {
      headers: { authorization: `Bearer ${t}`, 'client-id': CLIENT },
    });
    expect(ok.headers.get('ratelimit-limit')).toBe('800');
    expect(ok.headers.get('ratelimit-remaining')).not.toBeNull();
    expect(((await ok.json()) as { data: { login: string; email?: string }[] }).data).toMatchObject(
      [{ login: 'twitchdev', email: 'twitchdev@example.com' }],
    );
    const others = await fetch(`${users}?login=twitch&login=streamer_ana`, {
      headers: { authorization: `Bearer ${t}`, 'client-id': CLIENT },
    });
    expect(((await others.json()) as { data: unknown[] }).data).toHaveLength(2);
    const message = async (headers: Record<string, string>) =>
      ((await (await fetch(users, { headers })).json()) as { message: string }).message;
    expect(await message({})).toBe('OAuth token is missing');
    expect(await message({ authorization: 'Bearer nope', 'client-id': CLIENT })).toBe(
      'Invalid OAuth token',
    );
    expect(await message({ authorization: `Bearer ${t}`, 'client-id': 'other' })).toBe(
      'Client ID and OAuth token do not match',
    );
  });
});

describe('keys, CORS and control', () => {
  it('hands the SDK exactly the endpoints it knows, so they pass its checks (device and token once it has them)', () => {
    expect(Object.keys(emulator.endpoints).sort()).toEqual(Object.keys(TWITCH_ENDPOINTS).sort());
    expect(resolveEndpoints(emulator.endpoints)).toEqual(emulator.endpoints);
    expect(emulator.urls).toMatchObject({
      device: `${emulator.url}/oauth2/device`,
      token: `${emulator.url}/oauth2/token`,
    });
  });

  it('keeps the old key published after a rotation and signs with the new one', async () => {
    const before = (
      (await (await fetch(emulator.endpoints.jwks)).json()) as { keys: { kid: string }[] }
    ).keys;
    await emulator.rotateKey();
    const after = (
      (await (await fetch(emulator.endpoints.jwks)).json()) as { keys: { kid: string }[] }
    ).keys;
    expect(after).toHaveLength(2);
    expect(after[0]?.kid).toBe(before[0]?.kid);
    const [header = ''] = (fragmentOf(await consent()).get('id_token') ?? '').split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString()).kid).toBe(after[1]?.kid);
  });

  it('publishes a discovery document pointing at itself', async () => {
    for (const path of [
      '/.well-known/openid-configuration',
      '/oauth2/.well-known/openid-configuration',
    ]) {
      const doc = (await (await fetch(`${emulator.url}${path}`)).json()) as Record<string, unknown>;
      expect(doc).toMatchObject({
        issuer: emulator.endpoints.issuer,
        jwks_uri: emulator.endpoints.jwks,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
  });

  it('refuses Client-Id in the validate preflight, as Twitch does, and allows it for Helix', async () => {
    const preflight = (path: string) =>
      fetch(`${emulator.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization,client-id',
        },
      });
    const validate =
      (await preflight('/oauth2/validate')).headers.get('access-control-allow-headers') ?? '';
    const helix =
      (await preflight('/helix/users')).headers.get('access-control-allow-headers') ?? '';
    expect(validate.toLowerCase()).not.toContain('client-id');
    expect(helix.toLowerCase()).toContain('client-id');
  });

  it('offers its controls over HTTP and logs requests without tokens', async () => {
    const t = emulator.issueToken({
      clientId: CLIENT,
      userId: emulator.users[0]?.id ?? '',
      scopes: [],
    });
    const post = (path: string, body: unknown = {}) =>
      fetch(`${emulator.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
    await post('revoke', { token: t });
    expect(
      (await fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${t}` } }))
        .status,
    ).toBe(401);
    expect(((await (await post('rotate-key')).json()) as { kid: string }).kid).toMatch(/^emu-/);
    const issued = (
      (await (
        await post('issue-token', { clientId: CLIENT, userId: emulator.users[0]?.id, scopes: [] })
      ).json()) as { access_token: string }
    ).access_token;
    const log = JSON.stringify(await (await fetch(`${emulator.url}/_emulator/requests`)).json());
    expect(log).toContain('/oauth2/validate');
    expect(log).not.toContain(t);
    expect(log).not.toContain(issued);
  });
});
