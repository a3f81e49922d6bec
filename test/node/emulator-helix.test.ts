// Helix in the emulator: a scope-guarded endpoint with Twitch's 401 bodies, the Twitch CLI
// `/mock/` layout, and a real twurple ApiClient pointed at it (TWURPLE_MOCK_API_PORT).
import { ApiClient } from '@twurple/api';
import { StaticAuthProvider } from '@twurple/auth';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';

const CLIENT = 'emu-helix';
let emulator: TwitchEmulator;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

beforeEach(async () => {
  emulator = await startTwitchEmulator({
    port: await freePort(),
    clients: [{ clientId: CLIENT, name: 'Helix app', redirectUris: ['http://localhost:5173/'] }],
  });
});
afterEach(() => emulator.close());

const [me, twitch, ana] = ['141981764', '12826', '44322889'];
const token = (scopes: string[]) =>
  emulator.issueToken({ clientId: CLIENT, userId: me ?? '', scopes });
const get = (url: string, accessToken?: string, clientId = CLIENT) =>
  fetch(url, {
    headers: {
      ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
      'client-id': clientId,
    },
  });
const json = async (response: Response): Promise<[number, unknown]> => [
  response.status,
  await response.json(),
];
const unauthorized = (message: string) => [401, { error: 'Unauthorized', status: 401, message }];

describe('Get Followed Channels (needs user:read:follows)', () => {
  const followed = (query = `user_id=${me}`) =>
    `${emulator.endpoints.helix}/channels/followed?${query}`;

  it('lists the channels the token’s user follows, with Helix’s shape and rate-limit headers', async () => {
    const response = await get(followed(), token(['user:read:follows']));
    expect(response.headers.get('ratelimit-limit')).toBe('800');
    const body = (await response.json()) as {
      total: number;
      data: Record<string, string>[];
      pagination: object;
    };
    expect(body.total).toBe(2);
    expect(body.data.map((d) => d['broadcaster_id'])).toEqual([twitch, ana]);
    expect(Object.keys(body.data[0] ?? {}).sort()).toEqual([
      'broadcaster_id',
      'broadcaster_login',
      'broadcaster_name',
      'followed_at',
    ]);
    expect(body.data[0]?.['followed_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.pagination).toEqual({});
    const one = (await (
      await get(followed(`user_id=${me}&broadcaster_id=${ana}`), token(['user:read:follows']))
    ).json()) as { total: number };
    expect(one.total).toBe(1);
  });

  it('answers 401 without a token, with a bad token, with another client, and without the scope', async () => {
    expect(await json(await get(followed()))).toEqual(unauthorized('OAuth token is missing'));
    expect(await json(await get(followed(), 'nope'))).toEqual(unauthorized('Invalid OAuth token'));
    expect(await json(await get(followed(), token(['user:read:follows']), 'other'))).toEqual(
      unauthorized('Client ID and OAuth token do not match'),
    );
    expect(await json(await get(followed(), token(['user:read:email'])))).toEqual(
      unauthorized('Missing scope: user:read:follows'),
    );
  });

  it('answers 400 without user_id and 401 for another user’s', async () => {
    const t = token(['user:read:follows']);
    expect(await json(await get(followed(''), t))).toEqual([
      400,
      { error: 'Bad Request', status: 400, message: 'Missing required parameter "user_id"' },
    ]);
    const [status] = await json(await get(followed(`user_id=${twitch}`), t));
    expect(status).toBe(401);
  });

  it('gives 401 once the token expires or is revoked', async () => {
    const t = token(['user:read:follows']);
    emulator.expireToken(t);
    expect(await json(await get(followed(), t))).toEqual(unauthorized('Invalid OAuth token'));
  });
});

describe('the /mock layout (Twitch CLI mock API, where twurple sends its calls)', () => {
  it('serves the same Helix under /mock and /auth/validate for twurple', async () => {
    const t = token(['user:read:follows']);
    const users = (await (await get(`${emulator.urls.mock}/users?id=${twitch}`, t)).json()) as {
      data: { login: string }[];
    };
    expect(users.data.map((u) => u.login)).toEqual(['twitch']);
    expect((await get(`${emulator.urls.mock}/channels/followed?user_id=${me}`, t)).status).toBe(
      200,
    );
    expect(await json(await get(`${emulator.urls.mock}/users`))).toEqual(
      unauthorized('OAuth token is missing'),
    );
    const validate = await fetch(`${emulator.url}/auth/validate`, {
      headers: { authorization: `OAuth ${t}` },
    });
    expect(((await validate.json()) as { user_id: string }).user_id).toBe(me);
  });

  it('allows a page on another origin: the preflight allows Authorization and Client-Id', async () => {
    const preflight = await fetch(`${emulator.urls.mock}/users`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,client-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(
      /authorization.*client-id/,
    );
    const response = await fetch(`${emulator.urls.mock}/users`, {
      headers: {
        origin: 'http://localhost:5173',
        authorization: `Bearer ${token([])}`,
        'client-id': CLIENT,
      },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers a real twurple ApiClient pointed at it with TWURPLE_MOCK_API_PORT', async () => {
    // twurple 8 has no `mockServerPort` option any more: its getMockApiPort() reads this variable
    // (process.env, else import.meta.env) for every Helix and auth call.
    process.env['TWURPLE_MOCK_API_PORT'] = String(emulator.port);
    onTestFinished(() => {
      delete process.env['TWURPLE_MOCK_API_PORT'];
    });
    const authProvider = new StaticAuthProvider(CLIENT, token(['user:read:follows']));
    const api = new ApiClient({ authProvider });
    const user = await api.users.getUserById(twitch ?? '');
    expect(user?.name).toBe('twitch');
    expect(user?.displayName).toBe('Twitch');
    const follows = await api.channels.getFollowedChannels(me ?? '');
    expect(follows.data.map((f) => f.broadcasterDisplayName)).toEqual(['Twitch', 'Streamer_Ana']);
    const paths = emulator.requestLog.map((r) => r.path);
    expect(paths).toContain('/mock/users');
    expect(paths).toContain('/mock/channels/followed');
    expect(paths).toContain('/auth/validate');
  });
});

describe('redirect URIs over HTTP', () => {
  it('adds a redirect URI without a restart', async () => {
    const authorize = (redirectUri: string) => {
      const url = new URL(emulator.endpoints.authorize);
      url.search = new URLSearchParams({
        client_id: CLIENT,
        redirect_uri: redirectUri,
        response_type: 'token',
        scope: '',
      }).toString();
      return fetch(url, { redirect: 'manual' });
    };
    expect((await authorize('http://localhost:4000/cb')).status).toBe(302);
    const added = await fetch(`${emulator.urls.controls}/redirect-uri`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: CLIENT, uri: 'http://localhost:4000/cb' }),
    });
    expect(added.status).toBe(204);
    expect((await authorize('http://localhost:4000/cb')).status).toBe(200);
  });
});
