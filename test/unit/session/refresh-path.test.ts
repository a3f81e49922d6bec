// The refresh code of device sessions, loaded on demand (src/session/refresh-path.ts), in a real
// client: a page that cannot load it (a script tag without the device add-on, a chunk that fails
// to download) fails the call that needed it, says so once in the background, and loads it again
// at the next need.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client.js';
import { type TwitchAuth, createMemoryStorage } from '../../../src/index.js';
import type { ImportRefresher } from '../../../src/session/refresh-path.js';
import { createSession, serializeRecord } from '../../../src/session/session.js';
import { type RecordedEvents, recordEvents } from '../../helpers/events.js';
import { type FakeFetch, createFakeFetch, json } from '../../helpers/fake-fetch.js';
import { testRefreshPage } from '../../helpers/refresh-page.js';
import { rejection } from '../../helpers/thrown.js';
import {
  CLIENT_ID,
  HELIX,
  TOKEN_ANSWER,
  USER_ID,
  VALIDATE_URL,
  lazyParts,
  validateBody,
} from '../../helpers/twitch.js';

const KEY = `twitch-spa-login:${CLIENT_ID}:session`;
const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';
const USERS = `${HELIX}/users`;

let fake: FakeFetch;
let created: TwitchAuth[];
beforeEach(() => {
  fake = createFakeFetch();
  created = [];
});
afterEach(() => {
  for (const auth of created) auth.destroy();
});

/** A client whose stored session (at-0) is a device login's (refresh token rt-0) unless told. */
function deviceClient(
  refresher: ImportRefresher,
  { refreshToken = true } = {},
): { auth: TwitchAuth; events: RecordedEvents } {
  const storage = createMemoryStorage();
  const session = createSession({
    accessToken: 'at-0',
    tokenType: 'bearer',
    scopes: ['chat:read'],
    user: { id: USER_ID, login: 'twitchdev' },
    createdAt: Date.now() - 1000,
    expiresAt: Date.now() + 3_600_000,
  });
  const refresh = { token: 'rt-0', lineage: 'lineage-0', generation: 0 };
  storage.setItem(KEY, serializeRecord(refreshToken ? { session, refresh } : { session }));
  const auth = createClient(
    {
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage,
      fetch: fake.fetch,
    },
    { ...lazyParts(), refresher },
    { refresh: testRefreshPage(createMemoryStorage()) },
  );
  created.push(auth);
  return { auth, events: recordEvents(auth) };
}

/** The refresh code's import: fails `failures` times (then loads the module), counting calls. */
function importFailing(failures: number) {
  const loadError = new TypeError('Failed to fetch dynamically imported module');
  let calls = 0;
  const load: ImportRefresher = () => {
    calls += 1;
    return calls <= failures
      ? Promise.reject(loadError)
      : import('../../../src/device/refresher.js');
  };
  return { load, loadError, calls: () => calls };
}

const notLoaded = {
  code: 'network_error',
  message: 'The refresh code could not be loaded.',
};

describe('the refresh path', () => {
  it('fails a 401 with network_error when the refresh code cannot load, and loads it at the next 401', async () => {
    const code = importFailing(1);
    fake.expect({
      url: USERS,
      times: 3,
      respond: (request) =>
        request.headers.get('authorization') === 'Bearer at-1'
          ? json({ data: [{ id: USER_ID }] })
          : json({ status: 401, message: 'Invalid OAuth token' }, 401),
    });
    fake.expect({ method: 'POST', url: TOKEN_URL, respond: json(TOKEN_ANSWER) });
    fake.expect({ url: VALIDATE_URL, times: Infinity, respond: json(validateBody()) });
    const { auth } = deviceClient(code.load);

    const error = await rejection(auth.fetch(USERS));
    expect(error).toMatchObject(notLoaded);
    expect((error as Error).cause).toBe(code.loadError);

    expect((await auth.fetch(USERS)).status).toBe(200);
    expect(code.calls()).toBe(2);
    expect(auth.session?.accessToken).toBe('at-1');
  });

  it('says once that the refresh code cannot load, however often the session needs it', async () => {
    const code = importFailing(Infinity);
    fake.expect({ url: VALIDATE_URL, times: Infinity, respond: json(validateBody()) });
    const { auth, events } = deviceClient(code.load);

    auth.start(); // listens for the other tabs' refreshes: needs the refresh code
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.error).toEqual([{ error: expect.objectContaining(notLoaded) }]);
    await auth.logout({ revoke: false }); // spends the refresh token on its revocation: needs it too
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(code.calls()).toBe(2);
    expect(events.error).toEqual([{ error: expect.objectContaining(notLoaded) }]);
    expect(events.logout).toEqual([{ reason: 'user' }]);
  });

  it('reports an import that brings no refresh code (a chunk of another build) as a failed load', async () => {
    fake.expect({ url: VALIDATE_URL, times: Infinity, respond: json(validateBody()) });
    const stale = {} as Awaited<ReturnType<ImportRefresher>>; // no createRefresher in it
    const { auth, events } = deviceClient(() => Promise.resolve(stale));

    auth.start();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(events.error).toEqual([
      {
        error: expect.objectContaining({
          code: 'network_error',
          message: 'Loading the refresh code failed.',
          cause: expect.any(TypeError),
        }),
      },
    ]);
  });

  it('never loads the refresh code for a session without a refresh token', async () => {
    const code = importFailing(Infinity);
    fake.expect({
      url: USERS,
      respond: json({ status: 401, message: 'Invalid OAuth token' }, 401),
    });
    const { auth, events } = deviceClient(code.load, { refreshToken: false });

    expect((await auth.fetch(USERS)).status).toBe(401);
    await auth.logout({ revoke: false });

    expect(code.calls()).toBe(0);
    expect(events.logout).toEqual([{ reason: 'unauthorized' }]);
    expect(events.error).toEqual([]);
  });
});
