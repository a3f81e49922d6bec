// The device login end to end in every engine, through the script-tag build against the emulator:
// the TV page shows the code, the "phone" page approves it, the session arrives and calls Helix; an
// expired access token is refreshed once; two tabs hitting 401 together spend one refresh token
// (Web Locks and BroadcastChannel, which each engine implements on its own).
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import { type E2EContext, type E2EPage, engines, useBrowser, waitFor } from './driver';

const CLIENT_ID = 'e2e-device-sdk';
let emulator: TwitchEmulator;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT_ID, name: 'e2e TV app', redirectUris: [] }],
    deviceFlow: { intervalSeconds: 1 },
  });
  // The core script and the device add-on, as a script-tag TV page loads them.
  const scripts: Record<string, Buffer> = {
    '/sdk.js': readFileSync(join(process.cwd(), 'dist/twitch-spa-login.iife.js')),
    '/sdk-device.js': readFileSync(join(process.cwd(), 'dist/twitch-spa-login.device.iife.js')),
  };
  site = createServer((req, res) => {
    const script = scripts[req.url ?? ''];
    if (script !== undefined) res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><title>TV</title><script src="/sdk.js"></script><script src="/sdk-device.js"></script>',
        );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/tv.html`;
});
afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => site?.close(resolve));
});

interface TvWindow {
  TwitchLogin: Record<string, (...a: unknown[]) => unknown>;
  auth: { fetch: typeof fetch; session: { accessToken: string } | null; start(): void };
  signedIn: Promise<string | undefined>;
}
declare const window: Window & TvWindow;

/** Opens the TV page and creates `window.auth` (storage 'local', the emulator's endpoints). */
async function tvPage(context: E2EContext): Promise<E2EPage> {
  const page = await context.newPage();
  await page.goto(siteUrl);
  await page.evaluate(
    ([clientId, endpoints]) => {
      const auth = window.TwitchLogin['createTwitchAuth']!({
        clientId,
        redirectUri: location.href,
        storage: 'local',
        endpoints,
      }) as TvWindow['auth'];
      auth.start();
      window.auth = auth;
    },
    [CLIENT_ID, emulator.endpoints] as const,
  );
  return page;
}

/** auth.fetch to Helix /users from the page: the status and the token it ended with. */
const callHelix = (page: E2EPage) =>
  page.evaluate(async (helix) => {
    const response = await window.auth.fetch(`${helix}/users`);
    return { status: response.status, token: window.auth.session?.accessToken };
  }, emulator.endpoints.helix);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fails naming the step, and what the emulator saw last, when a step hangs: the test once timed
 * out (60 s) on a loaded CI machine and passed on its retry, with nothing to say where it stood.
 */
async function step<T>(name: string, run: Promise<T>, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const seen = emulator.requestLog.slice(-8).map((r) => `${r.method} ${r.path}`);
      reject(
        new Error(`${name}: no answer within ${ms} ms; the emulator saw last: ${seen.join(', ')}`),
      );
    }, ms);
  });
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

const refreshes = () =>
  emulator.requestLog.filter((r) => r.method === 'POST' && r.path === '/oauth2/token').length;

describe.each(engines)('device login with the SDK in %s', (engine) => {
  const browser = useBrowser(engine);

  it('signs in with a code approved on another page, calls Helix, refreshes once, and keeps two tabs on one refresh', async () => {
    const context = await browser().newContext();
    try {
      const tv = await tvPage(context);
      const userCode = await tv.evaluate(async () => {
        const device = (await window.TwitchLogin['startDeviceLogin']!(window.auth, {
          scopes: ['user:read:follows'],
        })) as { userCode: string; session: Promise<{ user?: { id: string } }> };
        window.signedIn = device.session.then((s) => s.user?.id);
        return device.userCode;
      });
      expect(userCode).toMatch(/^[A-Z0-9-]{6,}$/);

      // The phone: the activate page with the code typed in (its form is a GET), then consent.
      const phone = await context.newPage();
      await phone.goto(`${emulator.urls.activate}?device-code=${encodeURIComponent(userCode)}`);
      await phone.click('[data-testid="authorize"]');
      await waitFor(phone, '[data-testid="done"]');
      await phone.close();

      const userId = await step(
        'the TV page signing in',
        tv.evaluate(() => window.signedIn),
      );
      expect(userId).toMatch(/^\d+$/);
      const first = await step('the first Helix call', callHelix(tv));
      expect(first.status).toBe(200);
      const stored = await tv.evaluate(
        (key) => localStorage.getItem(key),
        `twitch-spa-login:${CLIENT_ID}:session`,
      );
      const refreshToken = (JSON.parse(stored ?? '{}') as { refresh?: { token?: string } }).refresh
        ?.token;
      expect(refreshToken).toMatch(/^\w{20,}$/);
      expect(await tv.evaluate(() => JSON.stringify(window.auth.session))).not.toContain(
        refreshToken,
      );

      // The access token dies: the next call refreshes once and succeeds with a new token.
      emulator.requestLog.length = 0;
      emulator.expireToken();
      const second = await step('the Helix call that refreshes', callHelix(tv));
      expect(second.status).toBe(200);
      expect(second.token).not.toBe(first.token);
      expect(refreshes()).toBe(1);

      // A second tab with the same stored session; both hit 401 at once: one refresh token spent.
      const tab2 = await tvPage(context);
      expect(await tab2.evaluate(() => window.auth.session?.accessToken)).toBe(second.token);
      await sleep(500); // its start-up validation
      emulator.requestLog.length = 0;
      emulator.expireToken();
      const [a, b] = await step(
        'two tabs refreshing together',
        Promise.all([callHelix(tv), callHelix(tab2)]),
      );
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(refreshes()).toBe(1);
      expect(a.token).toBe(b.token);
      expect(a.token).not.toBe(second.token);
      // Twitch's rule (#903), applied by the emulator: no refresh token was ever sent twice.
      expect(emulator.refreshAttempts().map((attempt) => attempt.outcome)).not.toContain(
        'spent_reuse',
      );
    } finally {
      await context.close();
    }
  }, 60_000);
});
