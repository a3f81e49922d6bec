// The demo in every engine against the local Twitch emulator: what a person does with it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DemoServer, control, startDemo } from './demo-server';
import {
  type E2EContext,
  type E2EPage,
  attribute,
  engines,
  text,
  texts,
  useBrowser,
  waitFor,
} from './driver';

let demo: DemoServer;

beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

describe.each(engines)('%s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;
  let page: E2EPage;

  beforeEach(async () => {
    await control(demo.emulator, 'reset-consent');
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  async function open(path = '/'): Promise<void> {
    await page.goto(`${demo.url}${path}`);
    await waitFor(page, 'body[data-ready="true"]');
  }

  async function signIn(path = '/'): Promise<void> {
    await open(path);
    await page.click('[data-testid="login"]');
    await page.click('[data-testid="authorize"]');
    await waitFor(page, 'body[data-state="signed-in"]');
  }

  /** The session record the SDK keeps in sessionStorage (empty when there is none). */
  const stored = (): Promise<{ accessToken?: string; validatedAt?: number }> =>
    page.evaluate(() => {
      for (let i = 0; i < sessionStorage.length; i += 1) {
        const key = sessionStorage.key(i) ?? '';
        if (key.endsWith(':session')) return JSON.parse(sessionStorage.getItem(key) ?? '{}');
      }
      return {};
    });
  const storedToken = async (): Promise<string> => (await stored()).accessToken ?? '';

  const logoutEvents = (): Promise<string[]> => texts(page, '[data-event="logout"]');

  describe('demo against the emulator', () => {
    it('serves its callback page with Referrer-Policy: no-referrer and loads nothing from third parties', async () => {
      const response = await fetch(`${demo.url}/`);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      await signIn();
      await page.click('[data-testid="call-helix"]');
      await waitFor(page, '[data-testid="helix-result"]:not([hidden])');
      // Every load of the signed-in document (scripts, styles, avatar, Helix call), as the page saw it.
      const hosts = await page.evaluate(() => [
        location.hostname,
        ...performance.getEntriesByType('resource').map((entry) => new URL(entry.name).hostname),
      ]);
      expect(hosts.length).toBeGreaterThan(1);
      expect(hosts.filter((host) => host !== 'localhost' && host !== '127.0.0.1')).toEqual([]);
    });

    it('signs in by redirect and leaves no token in the address bar', async () => {
      await signIn();
      expect(await page.url()).toBe(`${demo.url}/`);
      expect(await text(page, '[data-testid="user-name"]')).not.toBe('');
      expect(await attribute(page, '#avatar', 'src')).toMatch(/^http/);
    });

    it('shows access_denied when the user denies consent', async () => {
      await open();
      await page.click('[data-testid="login"]');
      await page.click('[data-testid="deny"]');
      await expect
        .poll(() => text(page, '[data-testid="status"]').catch(() => null))
        .toContain('access_denied');
      expect(await attribute(page, 'body', 'data-state')).toBe('signed-out');
      expect(await page.url()).not.toContain('error=');
    });

    it('calls Helix through auth.fetch', async () => {
      await signIn();
      await page.click('[data-testid="call-helix"]');
      await waitFor(page, '[data-testid="helix-result"]:not([hidden])');
      const result = (await text(page, '[data-testid="helix-result"]')) ?? '';
      expect(result.startsWith('200')).toBe(true);
      expect(result).toContain('"login"');
    });

    it('keeps the session across a reload', async () => {
      await signIn();
      const name = await text(page, '[data-testid="user-name"]');
      await page.reload();
      await waitFor(page, 'body[data-state="signed-in"]');
      expect(await text(page, '[data-testid="user-name"]')).toBe(name);
    });

    it('ends the session once when a token revoked at Twitch meets a 401', async () => {
      await signIn();
      // After the start-up validation (else it, not the Helix call, meets the revoked token).
      await expect.poll(async () => (await stored()).validatedAt).toBeGreaterThan(0);
      await control(demo.emulator, 'revoke', { token: await storedToken() });
      await page.click('[data-testid="call-helix"]');
      await waitFor(page, 'body[data-state="signed-out"]');
      await expect.poll(logoutEvents).toHaveLength(1);
      expect((await logoutEvents())[0]).toContain('unauthorized');
    });

    it('signs out and revokes the token', async () => {
      await signIn();
      const token = await storedToken();
      await page.click('[data-testid="logout"]');
      await waitFor(page, 'body[data-state="signed-out"]');
      const status = async (): Promise<number> =>
        (
          await fetch(`${demo.emulator}/oauth2/validate`, {
            headers: { authorization: `OAuth ${token}` },
          })
        ).status;
      await expect.poll(status).toBe(401);
    });

    it('revokes the token although the page navigates away right after logout (keepalive)', async () => {
      await signIn();
      const token = await storedToken();
      await control(demo.emulator, 'clear-requests');
      // Sign out and leave the page in the same task: the navigation starts before the revoke answers.
      await page.evaluate(() => {
        document.getElementById('logout')?.click();
        location.href = '/react.html';
      });
      await expect.poll(() => page.url()).toMatch(/react\.html$/);
      const revoked = async (): Promise<boolean> => {
        const log = (await (await fetch(`${demo.emulator}/_emulator/requests`)).json()) as {
          method: string;
          path: string;
        }[];
        return log.some((entry) => entry.method === 'POST' && entry.path === '/oauth2/revoke');
      };
      await expect.poll(revoked).toBe(true);
      const status = async (): Promise<number> =>
        (
          await fetch(`${demo.emulator}/oauth2/validate`, {
            headers: { authorization: `OAuth ${token}` },
          })
        ).status;
      await expect.poll(status).toBe(401);
    });

    it('accepts a login signed with a rotated key', async () => {
      await signIn();
      await page.click('[data-testid="logout"]');
      await waitFor(page, 'body[data-state="signed-out"]');
      await control(demo.emulator, 'rotate-key');
      await control(demo.emulator, 'reset-consent');
      await signIn();
      expect(await text(page, '[data-testid="user-name"]')).not.toBe('');
    });

    it('skips the consent screen on a later login, as Twitch does with force_verify=false', async () => {
      await signIn();
      await page.click('[data-testid="logout"]');
      await waitFor(page, 'body[data-state="signed-out"]');
      await page.click('[data-testid="login"]');
      await waitFor(page, 'body[data-state="signed-in"]');
      expect(await page.url()).toBe(`${demo.url}/`);
    });

    it.each(['react', 'vue'])('works in the %s example', async (framework) => {
      await page.goto(`${demo.url}/${framework}.html`);
      await page.click('[data-testid="login"]');
      await page.click('[data-testid="authorize"]');
      await waitFor(page, '[data-testid="user-name"]');
      expect(await page.url()).toBe(`${demo.url}/${framework}.html`);
      expect(await text(page, '[data-testid="user-name"]')).toBe('TwitchDev');
      await page.click('[data-testid="call-helix"]');
      await expect.poll(() => text(page, '[data-testid="helix-result"]')).toMatch(/^200/);
      await page.click('[data-testid="logout"]');
      await waitFor(page, '[data-testid="login"]');
    });

    it('works from a plain script tag with the IIFE bundle', async () => {
      await signIn('/script-tag.html');
      expect(await page.url()).toBe(`${demo.url}/script-tag.html`);
      await page.click('[data-testid="call-helix"]');
      await waitFor(page, '[data-testid="helix-result"]:not([hidden])');
      expect(await text(page, '[data-testid="helix-result"]')).toMatch(/^200/);
    });
  });
});
