// The refresh-token rules Twitch users ran into, which the emulator enforces so the SDK meets them
// in tests: a spent refresh token kills the connection (twitchdev/issues#903), a refresh revokes
// the previous access token, a confidential client's device refresh needs a secret (#943), and
// revoking an access token leaves the refresh token working (#943).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';

const CLIENT = 'emu-refresh';
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

interface Tokens {
  access_token: string;
  refresh_token: string;
}

const form = (url: string, body: Record<string, string>) =>
  fetch(url, { method: 'POST', body: new URLSearchParams(body) });
const json = async (response: Response): Promise<[number, unknown]> => [
  response.status,
  await response.json(),
];
const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
  form(emulator.urls.token, {
    client_id: CLIENT,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
const validate = (token: string) =>
  fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${token}` } });
const helix = (token: string, clientId = CLIENT) =>
  fetch(`${emulator.endpoints.helix}/users`, {
    headers: { authorization: `Bearer ${token}`, 'client-id': clientId },
  });
const revoke = (token: string) => form(emulator.endpoints.revoke, { client_id: CLIENT, token });

/** A device login approved in code, polled once: the user's tokens for `clientId`. */
async function signIn(userIndex = 0, clientId = CLIENT): Promise<Tokens> {
  const started = (await (
    await form(emulator.urls.device, { client_id: clientId, scopes: 'chat:read' })
  ).json()) as { device_code: string; user_code: string };
  emulator.approveDevice(started.user_code, emulator.users[userIndex]?.id);
  const response = await form(emulator.urls.token, {
    client_id: clientId,
    device_code: started.device_code,
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}
const rotate = async (tokens: Tokens): Promise<Tokens> => {
  const response = await refresh(tokens.refresh_token);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
};

describe('a spent refresh token sent again (twitchdev/issues#903)', () => {
  it('answers Invalid refresh token and kills every token of that user for the app', async () => {
    const first = await signIn();
    const second = await rotate(first);
    const sameUserOtherGrant = await signIn();
    const implicit = emulator.issueToken({
      clientId: CLIENT,
      userId: emulator.users[0]?.id ?? '',
      scopes: [],
    });
    const otherUser = await signIn(1);
    const otherApp = await signIn(0, 'other');

    expect(await json(await refresh(first.refresh_token))).toEqual([
      400,
      { status: 400, message: 'Invalid refresh token' },
    ]);
    for (const token of [second.access_token, sameUserOtherGrant.access_token, implicit]) {
      expect((await validate(token)).status).toBe(401);
      expect((await helix(token)).status).toBe(401);
    }
    // The live refresh tokens of every grant of that user for the app are dead too.
    for (const token of [second.refresh_token, sameUserOtherGrant.refresh_token])
      expect(await json(await refresh(token))).toEqual([
        400,
        { status: 400, message: 'Invalid refresh token' },
      ]);
    // Another user of the app, and the same user in another app, keep their tokens.
    expect((await validate(otherUser.access_token)).status).toBe(200);
    expect((await validate(otherApp.access_token)).status).toBe(200);
    expect((await refresh(otherUser.refresh_token)).status).toBe(200);
  });

  it('is only the token endpoint’s rule: revoking a spent refresh token is an unknown token', async () => {
    const first = await signIn();
    const second = await rotate(first);
    expect(await json(await revoke(first.refresh_token))).toEqual([
      400,
      { status: 400, message: 'Invalid token' },
    ]);
    expect((await validate(second.access_token)).status).toBe(200);
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });
});

describe('a successful refresh', () => {
  it('revokes the grant’s previous access token', async () => {
    const first = await signIn();
    const second = await rotate(first);
    expect((await validate(first.access_token)).status).toBe(401);
    expect((await helix(first.access_token)).status).toBe(401);
    expect((await validate(second.access_token)).status).toBe(200);
  });
});

describe('a confidential client (twitchdev/issues#943)', () => {
  it('completes a device login without a secret, but its refresh needs client_secret', async () => {
    emulator.setClientType(CLIENT, 'confidential');
    const tokens = await signIn();
    expect(await json(await refresh(tokens.refresh_token))).toEqual([
      400,
      { status: 400, message: 'missing client secret' },
    ]);
    // The refresh token was not used up by the refused request.
    expect((await refresh(tokens.refresh_token, { client_secret: 's3cret' })).status).toBe(200);
  });

  it('is registered over HTTP too, and a public client refreshes without a secret', async () => {
    const set = (type: string) =>
      fetch(`${emulator.urls.controls}/client-type`, {
        method: 'POST',
        body: JSON.stringify({ clientId: CLIENT, type }),
      });
    expect((await set('confidential')).status).toBe(204);
    const tokens = await signIn();
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
    expect((await set('public')).status).toBe(204);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    expect(() => emulator.setClientType('nobody', 'public')).toThrow('no such client');
  });
});

describe('POST /oauth2/revoke', () => {
  it('with an access token leaves the refresh token working', async () => {
    const tokens = await signIn();
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await validate(tokens.access_token)).status).toBe(401);
    const renewed = await rotate(tokens);
    expect((await validate(renewed.access_token)).status).toBe(200);
  });

  it('with a refresh token ends that grant: its refresh token and access tokens', async () => {
    const tokens = await signIn();
    const other = await signIn();
    expect((await revoke(tokens.refresh_token)).status).toBe(200);
    expect((await validate(tokens.access_token)).status).toBe(401);
    expect(await json(await refresh(tokens.refresh_token))).toEqual([
      400,
      { status: 400, message: 'Invalid refresh token' },
    ]);
    expect((await validate(other.access_token)).status).toBe(200);
    expect(emulator.refreshAttempts().at(-1)?.outcome).toBe('revoked');
  });
});

describe('refreshAttempts()', () => {
  it('records each refresh request’s outcome, never a token, also over HTTP; clearRefreshAttempts empties it', async () => {
    const first = await signIn();
    const second = await rotate(first);
    await refresh('made-up');
    emulator.setClientType(CLIENT, 'confidential');
    await refresh(second.refresh_token);
    emulator.setClientType(CLIENT, 'public');
    clock += 30 * 24 * 3600 * 1000;
    await refresh(second.refresh_token);
    clock -= 30 * 24 * 3600 * 1000;
    await refresh(first.refresh_token);
    await refresh(second.refresh_token);

    const attempts = emulator.refreshAttempts();
    expect(attempts.map((a) => a.outcome)).toEqual([
      'rotated',
      'unknown',
      'missing_client_secret',
      'idle_expired',
      'spent_reuse',
      'revoked',
    ]);
    const userId = emulator.users[0]?.id;
    expect(attempts[0]).toEqual({
      at: clock,
      clientId: CLIENT,
      userId,
      grantId: expect.any(String),
      outcome: 'rotated',
    });
    expect(attempts[1]).toEqual({ at: clock, clientId: CLIENT, outcome: 'unknown' });
    expect(new Set(attempts.map((a) => a.grantId).filter(Boolean)).size).toBe(1);

    const overHttp = await (await fetch(`${emulator.urls.controls}/refresh-attempts`)).text();
    expect(JSON.parse(overHttp)).toEqual(attempts);
    for (const token of [first.refresh_token, second.refresh_token, first.access_token])
      expect(overHttp).not.toContain(token);

    emulator.clearRefreshAttempts();
    expect(emulator.refreshAttempts()).toEqual([]);
    await refresh('made-up');
    const cleared = await fetch(`${emulator.urls.controls}/clear-refresh-attempts`, {
      method: 'POST',
    });
    expect(cleared.status).toBe(204);
    expect(await (await fetch(`${emulator.urls.controls}/refresh-attempts`)).json()).toEqual([]);
  });
});
