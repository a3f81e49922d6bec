// The device code grant and refresh-token rotation, as a browser SDK meets them: Twitch's
// `{status, message}` bodies, RFC 8628 polling rules, single-use refresh tokens and the controls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';

const CLIENT = 'emu-device';
const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
let emulator: TwitchEmulator;
let clock = 1_700_000_000_000;

beforeEach(async () => {
  clock = 1_700_000_000_000;
  emulator = await startTwitchEmulator({
    now: () => clock,
    clients: [
      { clientId: CLIENT, name: 'TV app', redirectUris: [] },
      { clientId: 'other', name: 'Other', redirectUris: [] },
    ],
  });
});
afterEach(() => emulator.close());

interface DeviceStart {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}
interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string[];
  token_type: string;
  expires_in: number;
}

const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body: new URLSearchParams(body), headers });
const json = async (response: Response): Promise<[number, unknown]> => [
  response.status,
  await response.json(),
];

async function startDevice(scopes = 'user:read:follows chat:read'): Promise<DeviceStart> {
  const response = await form(emulator.urls.device, { client_id: CLIENT, scopes });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceStart;
}
const poll = (deviceCode: string, clientId = CLIENT) =>
  form(emulator.urls.token, { client_id: clientId, device_code: deviceCode, grant_type: GRANT });
const refresh = (refreshToken: string, clientId = CLIENT) =>
  form(emulator.urls.token, {
    client_id: clientId,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });

/** Approves on the activation page as a user would, and polls once for the tokens. */
async function signIn(scopes?: string): Promise<Tokens> {
  const device = await startDevice(scopes);
  await form(`${emulator.url}/activate`, {
    user_code: device.user_code,
    user_id: emulator.users[1]?.id ?? '',
    decision: 'authorize',
  });
  const response = await poll(device.device_code);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}
const validate = (token: string) =>
  fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${token}` } });

describe('POST /oauth2/device', () => {
  it('hands out a device code, an eight-letter user code and Twitch’s verification URI, expiry and interval', async () => {
    const device = await startDevice();
    expect(Object.keys(device).sort()).toEqual([
      'device_code',
      'expires_in',
      'interval',
      'user_code',
      'verification_uri',
    ]);
    expect(device.user_code).toMatch(/^[A-Z]{8}$/);
    expect(device.verification_uri).toBe(
      `${emulator.url}/activate?device-code=${device.user_code}`,
    );
    expect([device.expires_in, device.interval]).toEqual([1800, 5]);
    expect(device.device_code).not.toContain(device.user_code);
  });

  it('refuses a missing or unknown client and an unknown scope with Twitch’s bodies', async () => {
    expect(await json(await form(emulator.urls.device, { scopes: 'chat:read' }))).toEqual([
      400,
      { status: 400, message: 'missing client_id' },
    ]);
    expect(await json(await form(emulator.urls.device, { client_id: 'nobody' }))).toEqual([
      400,
      { status: 400, message: 'invalid client' },
    ]);
    expect(
      await json(
        await form(emulator.urls.device, { client_id: CLIENT, scopes: 'chat:read user_read' }),
      ),
    ).toEqual([400, { status: 400, message: 'invalid scope requested' }]);
  });

  it('answers browser calls to /oauth2/device and /oauth2/token with CORS headers', async () => {
    const origin = { origin: 'http://localhost:5173' };
    const device = await form(emulator.urls.device, { client_id: CLIENT }, origin);
    expect(device.headers.get('access-control-allow-origin')).toBe('*');
    const token = await form(
      emulator.urls.token,
      { client_id: CLIENT, grant_type: 'refresh_token', refresh_token: 'x' },
      origin,
    );
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(emulator.urls.token, {
      method: 'OPTIONS',
      headers: {
        ...origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'content-type',
    );
  });
});

describe('polling /oauth2/token with the device code grant', () => {
  it('says authorization_pending, slow_down when polled early (+5 s each time), then pending again', async () => {
    const device = await startDevice();
    expect(await json(await poll(device.device_code))).toEqual([
      400,
      { status: 400, message: 'authorization_pending' },
    ]);
    clock += 4_000;
    expect(await json(await poll(device.device_code))).toEqual([
      400,
      { status: 400, message: 'slow_down' },
    ]);
    clock += 5_000; // the interval is 10 s now
    expect((await json(await poll(device.device_code)))[1]).toEqual({
      status: 400,
      message: 'slow_down',
    });
    clock += 15_000; // and 15 s
    expect((await json(await poll(device.device_code)))[1]).toEqual({
      status: 400,
      message: 'authorization_pending',
    });
  });

  it('returns tokens once after approval on the activation page; the code is then spent', async () => {
    const tokens = await signIn();
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(tokens).toMatchObject({
      scope: ['user:read:follows', 'chat:read'],
      token_type: 'bearer',
      expires_in: 14_400,
    });
    expect(tokens.access_token).toMatch(/^[a-z0-9]{30}$/);
    const [device] = emulator.deviceCodes();
    expect(device?.status).toBe('used');
    const again = await startDevice();
    emulator.approveDevice(again.user_code);
    expect((await poll(again.device_code)).status).toBe(200);
    expect(await json(await poll(again.device_code))).toEqual([
      400,
      { status: 400, message: 'invalid device code' },
    ]);
  });

  it('gives tokens that work with validate, Helix and revoke', async () => {
    const tokens = await signIn();
    expect(await (await validate(tokens.access_token)).json()).toMatchObject({
      client_id: CLIENT,
      login: 'twitch',
      user_id: emulator.users[1]?.id,
      scopes: ['user:read:follows', 'chat:read'],
      expires_in: 14_400,
    });
    const helix = await fetch(
      `${emulator.endpoints.helix}/channels/followed?user_id=${emulator.users[1]?.id}`,
      {
        headers: { authorization: `Bearer ${tokens.access_token}`, 'client-id': CLIENT },
      },
    );
    expect(helix.status).toBe(200);
    expect(
      (await form(emulator.endpoints.revoke, { client_id: CLIENT, token: tokens.access_token }))
        .status,
    ).toBe(200);
    expect((await validate(tokens.access_token)).status).toBe(401);
    // Revoking an access token leaves the refresh token working (twitchdev/issues#943).
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it('says access_denied after the user declines, and expired_token once the code expires', async () => {
    const denied = await startDevice();
    const page = await form(`${emulator.url}/activate`, {
      user_code: denied.user_code,
      decision: 'deny',
    });
    expect(await page.text()).toContain('Access denied');
    expect(await json(await poll(denied.device_code))).toEqual([
      400,
      { status: 400, message: 'access_denied' },
    ]);

    const late = await startDevice();
    clock += 1_800_000;
    expect(await json(await poll(late.device_code))).toEqual([
      400,
      { status: 400, message: 'expired_token' },
    ]);
    const approvedTooLate = await form(`${emulator.url}/activate`, {
      user_code: late.user_code,
      decision: 'authorize',
    });
    expect(approvedTooLate.status).toBe(400);
  });

  it('refuses a missing, unknown or another client’s device code, and grants a public client cannot use', async () => {
    const device = await startDevice();
    expect(
      await json(await form(emulator.urls.token, { client_id: CLIENT, grant_type: GRANT })),
    ).toEqual([400, { status: 400, message: 'missing device_code' }]);
    expect((await json(await poll('nope')))[1]).toEqual({
      status: 400,
      message: 'invalid device code',
    });
    expect((await json(await poll(device.device_code, 'other')))[1]).toEqual({
      status: 400,
      message: 'invalid device code',
    });
    expect(await json(await form(emulator.urls.token, { client_id: CLIENT }))).toEqual([
      400,
      { status: 400, message: 'missing grant_type' },
    ]);
    expect(
      await json(await form(emulator.urls.token, { client_id: 'nobody', grant_type: GRANT })),
    ).toEqual([400, { status: 400, message: 'invalid client' }]);
    expect(
      (
        await json(
          await form(emulator.urls.token, {
            client_id: CLIENT,
            grant_type: 'authorization_code',
            code: 'x',
          }),
        )
      )[1],
    ).toEqual({ status: 400, message: 'Invalid client credentials' });
    expect(
      (
        await json(await form(emulator.urls.token, { client_id: CLIENT, grant_type: 'password' }))
      )[1],
    ).toEqual({ status: 400, message: 'unsupported grant type' });
  });
});

describe('the activation page', () => {
  it('asks for the code, then shows the app, scopes and test users under a script-free CSP', async () => {
    const device = await startDevice();
    const entry = await fetch(`${emulator.url}/activate`);
    const entryHtml = await entry.text();
    expect(entry.status).toBe(200);
    expect(entryHtml).toContain('name="device-code"');
    expect(entryHtml).toContain('method="get"');

    const confirm = await fetch(device.verification_uri);
    const html = await confirm.text();
    const csp = confirm.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('script-src');
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
    expect(html).toContain('TV app');
    expect(html).toContain('user:read:follows');
    expect(html).toContain(device.user_code);
    expect(html).toContain('data-testid="authorize"');
    expect(html).toContain('data-testid="deny"');
  });

  it('accepts a typed code in any case, with spaces or a dash, and explains a wrong one', async () => {
    const device = await startDevice();
    const typed = `${device.user_code.slice(0, 4).toLowerCase()}-${device.user_code.slice(4)}`;
    expect(await (await fetch(`${emulator.url}/activate?device-code=${typed}`)).text()).toContain(
      'data-testid="authorize"',
    );
    const wrong = await fetch(`${emulator.url}/activate?device-code=ZZZZZZZZ`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('not valid');
  });

  it('approves as the chosen user and says so', async () => {
    const device = await startDevice();
    const done = await form(`${emulator.url}/activate`, {
      user_code: device.user_code,
      user_id: emulator.users[2]?.id ?? '',
      decision: 'authorize',
    });
    expect(await done.text()).toContain('Success');
    const tokens = (await (await poll(device.device_code)).json()) as Tokens;
    expect(((await (await validate(tokens.access_token)).json()) as { login: string }).login).toBe(
      'streamer_ana',
    );
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new access and refresh token, and the old refresh token is dead', async () => {
    const first = await signIn();
    const [status, second] = (await json(await refresh(first.refresh_token))) as [number, Tokens];
    expect(status).toBe(200);
    expect(second).toMatchObject({
      scope: ['user:read:follows', 'chat:read'],
      token_type: 'bearer',
      expires_in: 14_400,
    });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await validate(second.access_token)).status).toBe(200);
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it('refuses another client’s, a missing, and an idle (30 days) refresh token', async () => {
    const tokens = await signIn();
    expect((await json(await refresh(tokens.refresh_token, 'other')))[1]).toEqual({
      status: 400,
      message: 'Invalid refresh token',
    });
    expect(
      (
        await json(
          await form(emulator.urls.token, { client_id: CLIENT, grant_type: 'refresh_token' }),
        )
      )[1],
    ).toEqual({ status: 400, message: 'Invalid refresh token' });
    clock += 30 * 24 * 3600 * 1000;
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
  });

  it('answers a refresh from a browser page with CORS headers', async () => {
    const tokens = await signIn();
    const response = await form(
      emulator.urls.token,
      { client_id: CLIENT, grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { origin: 'http://localhost:5173' },
    );
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('device and grant controls', () => {
  it('approve, deny and expire device codes in code, by user code or device code', async () => {
    const a = await startDevice();
    emulator.approveDevice(a.user_code.toLowerCase(), emulator.users[2]?.id);
    expect((await poll(a.device_code)).status).toBe(200);
    const b = await startDevice();
    emulator.denyDevice(b.device_code);
    expect((await json(await poll(b.device_code)))[1]).toEqual({
      status: 400,
      message: 'access_denied',
    });
    const c = await startDevice();
    emulator.expireDeviceCode(c.user_code);
    expect((await json(await poll(c.device_code)))[1]).toEqual({
      status: 400,
      message: 'expired_token',
    });
    expect(emulator.deviceCodes().map((d) => d.status)).toEqual(['used', 'denied', 'expired']);
    expect(() => emulator.approveDevice('NOPE')).toThrow();
  });

  it('revokeGrant kills the refresh token and every access token of the grant, found by either token', async () => {
    const first = await signIn();
    const second = (await (await refresh(first.refresh_token)).json()) as Tokens;
    const other = await signIn();
    emulator.revokeGrant(first.access_token);
    for (const token of [first.access_token, second.access_token])
      expect((await validate(token)).status).toBe(401);
    expect((await refresh(second.refresh_token)).status).toBe(400);
    expect((await validate(other.access_token)).status).toBe(200);
    emulator.revokeGrant(other.refresh_token);
    expect((await validate(other.access_token)).status).toBe(401);
  });

  it('expireRefreshToken and expireToken (one or all) make the next refresh fail and Helix answer 401', async () => {
    const tokens = await signIn();
    const helix = () =>
      fetch(`${emulator.endpoints.helix}/users`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, 'client-id': CLIENT },
      });
    expect((await helix()).status).toBe(200);
    emulator.expireToken();
    const expired = await helix();
    expect(await json(expired)).toEqual([
      401,
      { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' },
    ]);
    const renewed = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
    expect((await validate(renewed.access_token)).status).toBe(200);
    emulator.expireRefreshToken(renewed.refresh_token);
    expect(await json(await refresh(renewed.refresh_token))).toEqual([
      400,
      { status: 400, message: 'Invalid refresh token' },
    ]);
  });

  it('offers the same controls over HTTP, and lists device codes without their device code', async () => {
    const post = (path: string, body: unknown = {}) =>
      fetch(`${emulator.urls.controls}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post('device-flow', { intervalSeconds: 1, codeLifetimeSeconds: 60 });
    const a = await startDevice();
    expect([a.interval, a.expires_in]).toEqual([1, 60]);
    const listed = JSON.stringify(
      await (await fetch(`${emulator.urls.controls}/device-codes`)).json(),
    );
    expect(listed).toContain(a.user_code);
    expect(listed).not.toContain(a.device_code);
    expect(
      (await post('device-approve', { code: a.user_code, userId: emulator.users[0]?.id })).status,
    ).toBe(204);
    const tokens = (await (await poll(a.device_code)).json()) as Tokens;
    expect(((await (await validate(tokens.access_token)).json()) as { login: string }).login).toBe(
      'twitchdev',
    );

    const b = await startDevice();
    await post('device-deny', { code: b.user_code });
    expect((await json(await poll(b.device_code)))[1]).toEqual({
      status: 400,
      message: 'access_denied',
    });
    const c = await startDevice();
    await post('device-expire', { code: c.device_code });
    expect((await json(await poll(c.device_code)))[1]).toEqual({
      status: 400,
      message: 'expired_token',
    });
    expect((await post('device-approve', { code: 'NOPE' })).status).toBe(404);

    await post('expire', {});
    expect((await validate(tokens.access_token)).status).toBe(401);
    const renewed = (await (await refresh(tokens.refresh_token)).json()) as Tokens;
    await post('expire-refresh-token', { token: renewed.refresh_token });
    expect((await refresh(renewed.refresh_token)).status).toBe(400);

    const other = await signIn();
    await post('revoke-grant', {});
    expect((await validate(other.access_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(400);
  });

  it('setTokenLifetime applies to device-flow access tokens too', async () => {
    emulator.setTokenLifetime(60);
    expect((await signIn()).expires_in).toBe(60);
  });
});
