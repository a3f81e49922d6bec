// The demo in a real Chromium against the local Twitch emulator: what a person does with it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { type DemoServer, control, startDemo } from './demo-server';

let browser: Browser;
let demo: DemoServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  demo = await startDemo();
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});
beforeEach(async () => {
  await control(demo.emulator, 'reset-consent');
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

async function open(path = '/'): Promise<void> {
  await page.goto(`${demo.url}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function signIn(path = '/'): Promise<void> {
  await open(path);
  await page.click('[data-testid="login"]');
  await page.waitForSelector('[data-testid="authorize"]');
  await page.click('[data-testid="authorize"]');
  await page.waitForSelector('body[data-state="signed-in"]');
}

async function storedToken(): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i) ?? '';
      if (key.endsWith(':session')) {
        return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { accessToken: string }).accessToken;
      }
    }
    return '';
  });
}

const logoutEvents = (): Promise<string[]> =>
  page.$$eval('[data-event="logout"]', (items) => items.map((item) => item.textContent ?? ''));

describe('demo against the emulator', () => {
  it('serves its callback page with Referrer-Policy: no-referrer and loads nothing from third parties', async () => {
    const response = await fetch(`${demo.url}/`);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const hosts = new Set<string>();
    page.on('request', (request) => hosts.add(new URL(request.url()).hostname));
    await signIn();
    await page.click('[data-testid="call-helix"]');
    await page.waitForSelector('[data-testid="helix-result"]:not([hidden])');
    expect([...hosts].filter((host) => host !== 'localhost' && host !== '127.0.0.1')).toEqual([]);
  });

  it('signs in by redirect and leaves no token in the address bar', async () => {
    await signIn();
    expect(page.url()).toBe(`${demo.url}/`);
    expect((await page.textContent('[data-testid="user-name"]'))?.trim()).not.toBe('');
    expect(await page.getAttribute('#avatar', 'src')).toMatch(/^http/);
  });

  it('shows access_denied when the user denies consent', async () => {
    await open();
    await page.click('[data-testid="login"]');
    await page.click('[data-testid="deny"]');
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => page.textContent('[data-testid="status"]')).toContain('access_denied');
    expect(await page.getAttribute('body', 'data-state')).toBe('signed-out');
    expect(page.url()).not.toContain('error=');
  });

  it('calls Helix through auth.fetch', async () => {
    await signIn();
    await page.click('[data-testid="call-helix"]');
    await page.waitForSelector('[data-testid="helix-result"]:not([hidden])');
    const text = (await page.textContent('[data-testid="helix-result"]')) ?? '';
    expect(text.startsWith('200')).toBe(true);
    expect(text).toContain('"login"');
  });

  it('keeps the session across a reload', async () => {
    await signIn();
    const name = await page.textContent('[data-testid="user-name"]');
    await page.reload();
    await page.waitForSelector('body[data-state="signed-in"]');
    expect(await page.textContent('[data-testid="user-name"]')).toBe(name);
  });

  it('ends the session once when a token revoked at Twitch meets a 401', async () => {
    await signIn();
    await control(demo.emulator, 'revoke', { token: await storedToken() });
    await page.click('[data-testid="call-helix"]');
    await page.waitForSelector('body[data-state="signed-out"]');
    await expect.poll(logoutEvents).toHaveLength(1);
    expect((await logoutEvents())[0]).toContain('unauthorized');
  });

  it('signs out and revokes the token', async () => {
    await signIn();
    const token = await storedToken();
    // Chromium logged `POST /oauth2/revoke net::ERR_ABORTED` for a revoke whose (empty) body was never read.
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`));
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('body[data-state="signed-out"]');
    const status = async (): Promise<number> =>
      (await fetch(`${demo.emulator}/oauth2/validate`, { headers: { authorization: `OAuth ${token}` } }))
        .status;
    await expect.poll(status).toBe(401);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500))); // the response has been read
    expect(failed).toEqual([]);
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
    await page.waitForURL(/react\.html$/);
    const revoked = async (): Promise<boolean> => {
      const log = (await (await fetch(`${demo.emulator}/_emulator/requests`)).json()) as { method: string; path: string }[];
      return log.some((entry) => entry.method === 'POST' && entry.path === '/oauth2/revoke');
    };
    await expect.poll(revoked).toBe(true);
    const status = async (): Promise<number> =>
      (await fetch(`${demo.emulator}/oauth2/validate`, { headers: { authorization: `OAuth ${token}` } })).status;
    await expect.poll(status).toBe(401);
    // The page left, so Chromium reports the page's view of the request as aborted; the request itself went on.
  });

  it('accepts a login signed with a rotated key', async () => {
    await signIn();
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('body[data-state="signed-out"]');
    await control(demo.emulator, 'rotate-key');
    await control(demo.emulator, 'reset-consent');
    await signIn();
    expect((await page.textContent('[data-testid="user-name"]'))?.trim()).not.toBe('');
  });

  it('skips the consent screen on a later login, as Twitch does with force_verify=false', async () => {
    await signIn();
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('body[data-state="signed-out"]');
    await page.click('[data-testid="login"]');
    await page.waitForSelector('body[data-state="signed-in"]');
    expect(page.url()).toBe(`${demo.url}/`);
  });

  it.each(['react', 'vue'])('works in the %s example', async (framework) => {
    await page.goto(`${demo.url}/${framework}.html`);
    await page.click('[data-testid="login"]');
    await page.click('[data-testid="authorize"]');
    await page.waitForSelector('[data-testid="user-name"]');
    expect(page.url()).toBe(`${demo.url}/${framework}.html`);
    expect((await page.textContent('[data-testid="user-name"]'))?.trim()).toBe('TwitchDev');
    await page.click('[data-testid="call-helix"]');
    await expect.poll(() => page.textContent('[data-testid="helix-result"]')).toMatch(/^200/);
    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login"]');
  });

  it('works from a plain script tag with the IIFE bundle', async () => {
    await signIn('/script-tag.html');
    expect(page.url()).toBe(`${demo.url}/script-tag.html`);
    await page.click('[data-testid="call-helix"]');
    await page.waitForSelector('[data-testid="helix-result"]:not([hidden])');
    expect(await page.textContent('[data-testid="helix-result"]')).toMatch(/^200/);
  });
});
