import { describe, expect, it } from 'vitest';
import { createAuthFetch, helixUrl } from '../../../src/api/fetch-wrapper';
import { createFakeFetch, json } from '../../helpers/fake-fetch';

const HELIX = 'https://api.twitch.tv';
const TOKEN = 'tokentokentokentokentokentoken';

function setup(token: string | null = TOKEN, helixOrigin = HELIX) {
  const fake = createFakeFetch();
  const unauthorized: string[] = [];
  const mismatches: string[] = [];
  const authFetch = createAuthFetch({
    helixOrigin,
    onOriginMismatch: (origin) => mismatches.push(origin),
    clientId: 'cid',
    fetch: () => fake.fetch,
    accessToken: () => token ?? undefined,
    onUnauthorized: (t) => void unauthorized.push(t),
  });
  return { fake, authFetch, unauthorized, mismatches };
}

describe('C10 fetch wrapper', () => {
  it('returns what onUnauthorized answers: the request sent again with another token', async () => {
    const fake = createFakeFetch();
    const seen: string[] = [];
    fake.expect({
      url: `${HELIX}/helix/users`,
      times: 2,
      respond: (request) => {
        seen.push(request.headers.get('authorization') ?? '');
        return seen.length === 1 ? json({ status: 401 }, 401) : json({ data: [] });
      },
    });
    const authFetch = createAuthFetch({
      helixOrigin: HELIX,
      clientId: 'cid',
      fetch: () => fake.fetch,
      accessToken: () => TOKEN,
      onUnauthorized: (_token, resend) => resend('newtokennewtokennewtokennewtok'),
      onOriginMismatch: () => undefined,
    });
    const response = await authFetch(`${HELIX}/helix/users`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(seen).toEqual([`Bearer ${TOKEN}`, 'Bearer newtokennewtokennewtokennewtok']);
    fake.assertDone();
  });

  it('C10.1 reports each 401 with the token it carried (the client turns them into one logout)', async () => {
    const { fake, authFetch, unauthorized } = setup();
    fake.expect({
      url: `${HELIX}/helix/users`,
      times: 20,
      respond: () => json({ status: 401 }, 401),
    });
    await Promise.all(Array.from({ length: 20 }, () => authFetch(`${HELIX}/helix/users`)));
    expect(unauthorized).toEqual(Array.from({ length: 20 }, () => TOKEN));
  });

  it.each([[403], [429], [500], [503]])('C10.3 status %i is not reported', async (status) => {
    const { fake, authFetch, unauthorized } = setup();
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({ status }, status) });
    expect((await authFetch(`${HELIX}/helix/users`)).status).toBe(status);
    expect(unauthorized).toEqual([]);
  });

  it('C10.3 a network TypeError propagates as is and is not reported', async () => {
    const { fake, authFetch, unauthorized } = setup();
    const failure = new TypeError('Failed to fetch');
    fake.expect({ url: `${HELIX}/helix/users`, respond: failure });
    await expect(authFetch(`${HELIX}/helix/users`)).rejects.toBe(failure);
    expect(unauthorized).toEqual([]);
  });

  it('C10.4 a 401 with or without WWW-Authenticate is reported alike', async () => {
    const { fake, authFetch, unauthorized } = setup();
    fake.expect({
      url: `${HELIX}/a`,
      respond: new Response(null, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      }),
    });
    fake.expect({ url: `${HELIX}/b`, respond: new Response(null, { status: 401 }) });
    await authFetch(`${HELIX}/a`);
    await authFetch(`${HELIX}/b`);
    expect(unauthorized).toHaveLength(2);
  });

  it('C10.6 sends no token to https://api.twitch.tv@evil.com/ (fetch itself refuses such URLs)', async () => {
    const { fake, authFetch } = setup();
    await expect(authFetch('https://api.twitch.tv@evil.com/')).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    'https://api.twitch.tv.evil.com/helix/users',
    'http://api.twitch.tv/helix/users',
    'https://api.twitch.tv:8443/helix/users',
    '/helix/users',
  ])('C10.6 sends no token to %s', async (url) => {
    const { fake, authFetch } = setup();
    const absolute = new URL(url, location.href).href;
    fake.expect({ url: absolute, respond: json({}) });
    await authFetch(url);
    expect(fake.requests[0]?.headers.get('authorization')).toBeNull();
    expect(fake.requests[0]?.headers.get('client-id')).toBeNull();
  });

  it.each([
    ['Headers', () => ({ headers: new Headers({ Authorization: 'Bearer mine' }) })],
    ['a plain object', () => ({ headers: { Authorization: 'Bearer mine' } })],
    ['an array', () => ({ headers: [['Authorization', 'Bearer mine']] as [string, string][] })],
  ])(
    'C10.7 keeps a caller-set Authorization given as %s, and its 401 is not the session’s',
    async (_name, init) => {
      const { fake, authFetch, unauthorized } = setup();
      fake.expect({ url: `${HELIX}/helix/users`, respond: json({}, 401) });
      await authFetch(`${HELIX}/helix/users`, init());
      expect(fake.requests[0]?.headers.get('authorization')).toBe('Bearer mine');
      expect(fake.requests[0]?.headers.get('client-id')).toBe('cid');
      expect(unauthorized).toEqual([]);
    },
  );

  it('C10.7 keeps a caller-set Authorization on a Request input', async () => {
    const { fake, authFetch } = setup();
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({}) });
    await authFetch(
      new Request(`${HELIX}/helix/users`, {
        headers: { Authorization: 'Bearer mine', 'Client-Id': 'other' },
      }),
    );
    expect(fake.requests[0]?.headers.get('authorization')).toBe('Bearer mine');
    expect(fake.requests[0]?.headers.get('client-id')).toBe('other');
  });

  it('C10.8 token-bearing requests refuse redirects', async () => {
    const { fake, authFetch } = setup();
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({}) });
    await authFetch(`${HELIX}/helix/users`, { redirect: 'follow' });
    expect(fake.requests[0]?.redirect).toBe('error');
  });

  it('C10.9 with no token the request goes out untouched and a 401 is not reported', async () => {
    const { fake, authFetch, unauthorized } = setup(null);
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({}, 401) });
    await authFetch(`${HELIX}/helix/users`);
    expect(fake.requests[0]?.headers.get('authorization')).toBeNull();
    expect(unauthorized).toEqual([]);
  });

  it('C10.10 passes a Request body and an abort signal through', async () => {
    const { fake, authFetch } = setup();
    fake.expect({
      method: 'POST',
      url: `${HELIX}/helix/chat/messages`,
      respond: async (request) => json({ echoed: await request.text() }),
    });
    const response = await authFetch(
      new Request(`${HELIX}/helix/chat/messages`, { method: 'POST', body: 'hello' }),
    );
    expect(await response.json()).toEqual({ echoed: 'hello' });
    expect(fake.requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);

    const controller = new AbortController();
    fake.expect({
      url: `${HELIX}/helix/slow`,
      respond: (request) =>
        new Promise<Response>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        ),
    });
    const pending = authFetch(`${HELIX}/helix/slow`, { signal: controller.signal });
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('C10.11 sends a token the SDK thinks expired anyway and lets the 401 path decide', async () => {
    // The wrapper has no clock: expiry is the lifecycle's job, which ends the session on time.
    const { fake, authFetch } = setup();
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({}) });
    await authFetch(`${HELIX}/helix/users`);
    expect(fake.requests[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });
});

describe('Helix calls that follow the endpoints', () => {
  it('tells the client when a token could not go to api.twitch.tv because endpoints.helix is elsewhere', async () => {
    const { fake, authFetch, mismatches } = setup(TOKEN, 'http://localhost:4000');
    fake.expect({ url: `${HELIX}/helix/users`, times: 2, respond: () => json({}) });
    fake.expect({ url: 'https://example.com/x', respond: json({}) });
    await authFetch(`${HELIX}/helix/users`);
    await authFetch(`${HELIX}/helix/users`);
    await authFetch('https://example.com/x');
    expect(mismatches).toEqual([HELIX]); // a hint, told once
    expect(fake.requests[0]?.headers.get('authorization')).toBeNull();
    const signedOut = setup(null, 'http://localhost:4000');
    signedOut.fake.expect({ url: `${HELIX}/helix/users`, respond: json({}) });
    await signedOut.authFetch(`${HELIX}/helix/users`);
    expect(signedOut.mismatches).toEqual([]);
  });

  it('builds the URL under endpoints.helix and refuses paths that leave it', () => {
    expect(helixUrl('https://api.twitch.tv/helix', '/users?login=a&id=1')).toBe(
      'https://api.twitch.tv/helix/users?login=a&id=1',
    );
    expect(helixUrl('http://localhost:4000/helix/', '/users')).toBe(
      'http://localhost:4000/helix/users',
    );
    expect(helixUrl('http://localhost:4000', '/mock/users')).toBe(
      'http://localhost:4000/mock/users',
    );
    for (const path of [
      'https://evil.example/',
      'users',
      '//evil.example/',
      '/\\evil.example/',
      '/..',
      '/../x',
      '/a/../../x',
      '/%2e%2E/x',
      '/.%2e/x',
      42 as unknown as string,
    ]) {
      expect(() => helixUrl('https://api.twitch.tv/helix', path), String(path)).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
  });
});

describe('which requests carry the token', () => {
  const bearer = (request: Request | undefined) => request?.headers.get('authorization');

  it('a URL object for Helix carries it', async () => {
    const { fake, authFetch } = setup();
    fake.expect({ url: `${HELIX}/helix/users`, respond: json({}) });
    await authFetch(new URL(`${HELIX}/helix/users`));
    expect(bearer(fake.requests[0])).toBe(`Bearer ${TOKEN}`);
  });

  it('a relative URL carries it when the page itself is served from the Helix origin', async () => {
    const { fake, authFetch } = setup(TOKEN, location.origin);
    fake.expect({ url: `${location.origin}/helix/users`, respond: json({}) });
    await authFetch('/helix/users');
    expect(bearer(fake.requests[0])).toBe(`Bearer ${TOKEN}`);
  });

  it('a URL that does not parse goes out untouched, for fetch to refuse', async () => {
    const sent: unknown[][] = [];
    const mismatches: string[] = [];
    const authFetch = createAuthFetch({
      helixOrigin: HELIX,
      clientId: 'cid',
      fetch:
        () =>
        async (...args: unknown[]) => (sent.push(args), new Response('')),
      accessToken: () => TOKEN,
      onUnauthorized: () => undefined,
      onOriginMismatch: (origin) => void mismatches.push(origin),
    });
    await authFetch('http://[', { method: 'GET' });
    expect(sent).toEqual([['http://[', { method: 'GET' }]]);
    expect(mismatches).toEqual([]);
  });
});

describe('helix paths', () => {
  it('refuses anything but a path, saying what it takes', () => {
    expect(() => helixUrl('https://api.twitch.tv/helix', 'users')).toThrow(
      /auth\.helix\(\) takes a path like '\/users'/,
    );
  });
});
