// Twitch's refresh rules (twitchdev/issues#903, applied by the emulator) in every engine: a spent
// refresh token sent again kills the user's whole connection to the app, so the SDK sends each at
// most once, by any tab. (a) A duplicated tab (its sessionStorage copied) never sends the token
// the first tab spent: it ends its session once. (b) Two tabs without Web Locks (the storage
// claim) meeting a 401 together make one token request and both go on with the new token.
// (c) A page importing only the core ESM build restores a device session and refreshes it: the
// core loads dist/chunks/refresher.js itself and never dist/device.js.
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import { type E2EContext, type E2EPage, engines, useBrowser, waitFor } from './driver';

const CLIENT_ID = 'e2e-refresh-rules';
const SESSION_KEY = `twitch-spa-login:${CLIENT_ID}:session`;
const ROOT = process.cwd();

/** The script-tag build, on a page that creates no client until the test says so. */
const TV =
  '<!doctype html><title>TV</title><script src="/sdk.js"></script><script src="/sdk-device.js"></script>';
/** The same, in a browser without Web Locks: the page removes them before the SDK loads. */
const NO_LOCKS =
  '<!doctype html><title>TV without Web Locks</title>' +
  "<script>Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });</script>" +
  '<script src="/sdk.js"></script><script src="/sdk-device.js"></script>';
/** The core ESM build alone, served from dist/ as published (jose through an import map). */
const CORE = `<!doctype html><title>core only</title>
<script type="importmap">{"imports":{"jose/base64url":"/jose/dist/webapi/util/base64url.js"}}</script>
<script type="module">
  import { createTwitchAuth } from '/dist/twitch-spa-login.js';
  window.TwitchCore = { createTwitchAuth };
  document.body.dataset.ready = 'true';
</script><body></body>`;

let emulator: TwitchEmulator;
let server: Server;
let site: string;
/** Paths the site served since the test began. */
let requested: string[] = [];

/** A file under `dir`, or undefined when the path leaves it. */
function fileUnder(dir: string, path: string): Buffer | undefined {
  const full = normalize(join(dir, path));
  if (!full.startsWith(dir)) return undefined;
  try {
    return readFileSync(full);
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  // The core script and the device add-on, as a script-tag TV page loads them.
  const scripts: Record<string, Buffer | undefined> = {
    '/sdk.js': readFileSync(join(ROOT, 'dist/twitch-spa-login.iife.js')),
    '/sdk-device.js': readFileSync(join(ROOT, 'dist/twitch-spa-login.device.iife.js')),
  };
  const pages: Record<string, string> = { '/tv.html': TV, '/no-locks.html': NO_LOCKS };
  pages['/core.html'] = CORE;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const page = pages[path];
    const body =
      page ??
      scripts[path] ??
      (path.startsWith('/dist/')
        ? fileUnder(join(ROOT, 'dist'), path.slice('/dist/'.length))
        : path.startsWith('/jose/')
          ? fileUnder(join(ROOT, 'node_modules/jose'), path.slice('/jose/'.length))
          : undefined);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, {
        'content-type': page === undefined ? 'text/javascript' : 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://localhost:${(server.address() as AddressInfo).port}`;
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT_ID, name: 'e2e refresh rules', redirectUris: [] }],
    deviceFlow: { intervalSeconds: 1 },
  });
});
afterAll(async () => {
  await emulator?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) =>
    server === undefined ? resolve() : server.close(() => resolve()),
  );
});

interface Auth {
  fetch: typeof fetch;
  session: { accessToken: string } | null;
  start(): void;
  destroy(): void;
  on(name: string, handler: (event: { reason?: string }) => void): void;
}
interface TestWindow {
  TwitchLogin: Record<string, (...a: unknown[]) => unknown>;
  TwitchCore: Record<string, (...a: unknown[]) => unknown>;
  auth: Auth;
  logouts: string[];
}
declare const window: Window & TestWindow;

/**
 * Creates `window.auth` on the open page, from the script-tag build or the core ESM build, after
 * writing `seed` (storage key → value) into `storage` (a copied sessionStorage, a stored record).
 */
async function createAuth(
  page: E2EPage,
  storage: 'session' | 'local',
  sdk: 'TwitchLogin' | 'TwitchCore' = 'TwitchLogin',
  seed: Record<string, string> = {},
): Promise<void> {
  await page.evaluate(
    ([clientId, endpoints, where, entry, items]) => {
      const store = where === 'local' ? localStorage : sessionStorage;
      for (const [key, value] of Object.entries(items)) store.setItem(key, value);
      const auth = window[entry]['createTwitchAuth']!({
        clientId,
        redirectUri: location.href,
        storage: where,
        endpoints,
      }) as Auth;
      window.logouts = [];
      auth.on('logout', (event) => window.logouts.push(event.reason ?? '?'));
      auth.start();
      window.auth = auth;
    },
    [CLIENT_ID, emulator.endpoints, storage, sdk, seed] as const,
  );
}

/** A device login in the page (the SDK's own), approved at the emulator as its first user. */
async function deviceLogin(page: E2EPage): Promise<void> {
  const userCode = await page.evaluate(async () => {
    const device = (await window.TwitchLogin['startDeviceLogin']!(window.auth, {
      scopes: ['user:read:follows'],
    })) as { userCode: string; session: Promise<unknown> };
    (window as unknown as { signedIn: Promise<unknown> }).signedIn = device.session;
    return device.userCode;
  });
  emulator.approveDevice(userCode);
  await page.evaluate(() => (window as unknown as { signedIn: Promise<unknown> }).signedIn);
}

/** The SDK's own storage entries of the page (what a duplicated tab copies). */
const entries = (page: E2EPage, storage: 'session' | 'local') =>
  page.evaluate(
    ([where, prefix]) => {
      const store = where === 'local' ? localStorage : sessionStorage;
      const out: Record<string, string> = {};
      for (let i = 0; i < store.length; i += 1) {
        const key = store.key(i) ?? '';
        if (key.startsWith(prefix)) out[key] = store.getItem(key) ?? '';
      }
      return out;
    },
    [storage, `twitch-spa-login:${CLIENT_ID}:`] as const,
  );

/** auth.fetch to Helix /users from the page: the status and the token it ended with. */
const callHelix = (page: E2EPage) =>
  page.evaluate(async (helix) => {
    const response = await window.auth.fetch(`${helix}/users`);
    return { status: response.status, token: window.auth.session?.accessToken ?? null };
  }, emulator.endpoints.helix);

const token = (page: E2EPage) => page.evaluate(() => window.auth.session?.accessToken ?? null);
const outcomes = () => emulator.refreshAttempts().map((attempt) => attempt.outcome);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it gives `expected` (every step of a refresh is timed in the page). */
async function until<T>(read: () => Promise<T>, expected: T, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected)) {
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(last)} after ${ms} ms`);
    await sleep(100);
    last = await read();
  }
}

describe.each(engines)('refresh rules in %s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;

  beforeEach(async () => {
    emulator.clearRefreshAttempts();
    emulator.clearRequests();
    requested = [];
    context = await browser().newContext();
    return () => context.close();
  });

  it('(a) a duplicated tab never sends the token the first tab spent: it ends its session once', async () => {
    const first = await context.newPage();
    await first.goto(`${site}/tv.html`);
    await createAuth(first, 'session');
    await deviceLogin(first);
    const copied = await entries(first, 'session');
    expect(Object.keys(copied)).toContain(SESSION_KEY);

    // The duplicate: a second tab of the context with the first one's sessionStorage.
    const duplicate = await context.newPage();
    await duplicate.goto(`${site}/tv.html`);
    await createAuth(duplicate, 'session', 'TwitchLogin', copied);
    const before = await token(first);
    expect(await token(duplicate)).toBe(before);
    await sleep(1_000); // both tabs' start-up (validation, a look at storage and the ledger)

    emulator.expireToken();
    const refreshed = await callHelix(first);
    expect(refreshed.status).toBe(200);
    expect(refreshed.token).not.toBe(before);

    // The duplicate hears of the rotation, which its sessionStorage will never show: it ends.
    await until(() => token(duplicate), null, 'the duplicate signed in');
    expect(await duplicate.evaluate(() => window.logouts)).toEqual(['refresh_failed']);
    // A request it makes now sends no token, and no refresh.
    expect((await callHelix(duplicate)).status).toBe(401);
    await sleep(500);
    expect(await duplicate.evaluate(() => window.logouts)).toEqual(['refresh_failed']);
    expect(await first.evaluate(() => window.logouts)).toEqual([]);
    expect((await callHelix(first)).status).toBe(200);
    expect(outcomes()).toEqual(['rotated']);
  });

  it('(b) two tabs without Web Locks meeting a 401 together make one token request', async () => {
    const first = await context.newPage();
    await first.goto(`${site}/no-locks.html`);
    expect(await first.evaluate(() => navigator.locks === undefined)).toBe(true);
    await createAuth(first, 'local');
    await deviceLogin(first);
    const second = await context.newPage();
    await second.goto(`${site}/no-locks.html`);
    expect(await second.evaluate(() => navigator.locks === undefined)).toBe(true);
    await createAuth(second, 'local');
    const before = await token(first);
    expect(await token(second)).toBe(before);
    await sleep(2_000); // both tabs' start-up: validation, a look at storage under the claim

    emulator.clearRequests();
    emulator.expireToken();
    const [a, b] = await Promise.all([callHelix(first), callHelix(second)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.token).toBe(b.token);
    expect(a.token).not.toBe(before);
    expect(
      emulator.requestLog.filter((r) => r.method === 'POST' && r.path === '/oauth2/token'),
    ).toHaveLength(1);
    expect(outcomes()).toEqual(['rotated']);
    for (const page of [first, second])
      expect(await page.evaluate(() => window.logouts)).toEqual([]);
  });

  it('(c) a page importing only the core refreshes a restored device session; it loads the refresh chunk, never device.js', async () => {
    // The device session, from a device login in another page (the script-tag build), which
    // then goes away.
    const login = await context.newPage();
    await login.goto(`${site}/tv.html`);
    await createAuth(login, 'local');
    await deviceLogin(login);
    const record = (await entries(login, 'local'))[SESSION_KEY];
    expect(record).toContain('"refresh"');
    // Opened first: classic WebDriver (WebKit) ends the session when its last window closes.
    const page = await context.newPage();
    await login.evaluate(() => window.auth.destroy());
    await login.close();

    requested = [];
    await page.goto(`${site}/core.html`);
    await waitFor(page, 'body[data-ready="true"]');
    await createAuth(page, 'local', 'TwitchCore', { [SESSION_KEY]: record ?? '' });
    const before = await token(page);
    expect(before).not.toBeNull();
    await sleep(1_000); // its start-up validation

    emulator.expireToken();
    const after = await callHelix(page);
    expect(after.status).toBe(200);
    expect(after.token).not.toBe(before);
    expect(outcomes()).toEqual(['rotated']);
    expect(await page.evaluate(() => window.logouts)).toEqual([]);
    expect(requested).toContain('/dist/twitch-spa-login.js');
    expect(
      requested.filter((path) => /^\/dist\/chunks\/refresher[\w-]*\.js$/.test(path)),
    ).toHaveLength(1);
    expect(requested.filter((path) => path.endsWith('/device.js'))).toEqual([]);
    expect(requested).not.toContain('/sdk.js');
  });
});
