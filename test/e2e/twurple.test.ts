// Issue 16 in Chromium against the emulator: twurple's ApiClient with our provider (the demo's
// twurple page), a scope upgrade by the same user, a declined scope, a 401 ending the session once,
// and the Back button's stale callback leaving the session alone (issue 14.6).
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
  await control(demo.emulator, 'decline-scopes', { scopes: [] });
  context = await browser.newContext();
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

async function signIn(): Promise<void> {
  await page.goto(`${demo.url}/twurple.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('[data-testid="login"]');
  await page.click('[data-testid="authorize"]');
  await page.waitForSelector('body[data-state="signed-in"]');
}

async function result(button: string): Promise<{ outcome: string; text: string }> {
  await page.evaluate(() => {
    const element = document.getElementById('result');
    if (element !== null) delete element.dataset['outcome'];
  });
  await page.click(`[data-testid="${button}"]`);
  const element = await page.waitForSelector('[data-testid="result"][data-outcome]', {
    state: 'attached',
  });
  return {
    outcome: (await element.getAttribute('data-outcome')) ?? '',
    text: (await element.textContent()) ?? '',
  };
}

const events = (): Promise<string[]> =>
  page.$$eval('[data-event]', (items) =>
    items.map((item) => (item.textContent ?? '').trim()).reverse(),
  );

describe('twurple and scope upgrades against the emulator', () => {
  it('calls Helix through twurple, upgrades scopes for the same user, and ends the session once on a 401', async () => {
    await signIn();
    const me = await result('get-me');
    expect(me.outcome).toBe('ok');
    expect(JSON.parse(me.text)).toMatchObject({ displayName: expect.any(String) });

    const missing = await result('get-follows');
    expect(missing.outcome).toBe('scope_missing');
    expect(missing.text).toContain('user:read:follows');

    await page.click('[data-testid="upgrade"]');
    await page.click('[data-testid="authorize"]');
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForFunction(() =>
      document.getElementById('scopes')?.textContent?.includes('user:read:follows'),
    );
    const follows = await result('get-follows');
    expect(follows.outcome).toBe('ok');
    expect(await events()).toEqual([]); // this load completed the upgrade: a change, no login

    await control(demo.emulator, 'expire');
    const unauthorized = await result('get-me');
    expect(unauthorized.outcome).toBe('token_invalid');
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(await events()).toEqual(['logout unauthorized']);
  });

  it('a declined scope is no error: the session lacks it and the upgrade button stays', async () => {
    await signIn();
    await control(demo.emulator, 'decline-scopes', { scopes: ['user:read:follows'] });
    await page.click('[data-testid="upgrade"]');
    await page.click('[data-testid="authorize"]');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('[data-testid="status"]')).toBe('');
    expect(await page.textContent('[data-testid="scopes"]')).not.toContain('user:read:follows');
    expect(await page.isVisible('[data-testid="upgrade"]')).toBe(true);
    expect(await events()).toEqual([]); // same user: no login, no logout
  });

  it('the Back button to the consent page and Authorize again leaves the live session alone', async () => {
    await signIn();
    const stored = (): Promise<string> =>
      page.evaluate(() => {
        const raw = sessionStorage.getItem(
          Object.keys(sessionStorage).find((k) => k.endsWith(':session')) ?? '',
        );
        return (JSON.parse(raw ?? '{}') as { accessToken?: string }).accessToken ?? '';
      });
    const token = await stored();
    expect(token).not.toBe('');
    await page.goBack(); // the consent page
    await page.waitForSelector('[data-testid="authorize"]');
    await page.click('[data-testid="authorize"]');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('[data-testid="status"]')).toBe('no_pending_request');
    await page.waitForSelector('body[data-state="signed-in"]');
    expect(await stored()).toBe(token);
    expect(await events()).toEqual([]); // this page load saw no login and no logout
  });
});
