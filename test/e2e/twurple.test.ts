// Issue 16 in every engine against the emulator: twurple's ApiClient with our provider (the demo's
// twurple page), a scope upgrade by the same user, a declined scope, a 401 ending the session once,
// and the Back button's stale callback leaving the session alone (issue 14.6).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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

describe.each(engines)('twurple and scope upgrades against the emulator in %s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;
  let page: E2EPage;

  beforeEach(async () => {
    await control(demo.emulator, 'reset-consent');
    await control(demo.emulator, 'decline-scopes', { scopes: [] });
    context = await browser().newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  async function signIn(): Promise<void> {
    await page.goto(`${demo.url}/twurple.html`);
    await waitFor(page, 'body[data-ready="true"]');
    await page.click('[data-testid="login"]');
    await page.click('[data-testid="authorize"]');
    await waitFor(page, 'body[data-state="signed-in"]');
  }

  /** Back on the demo after consenting to an upgrade: the page has loaded and finished the callback. */
  async function consentAndReturn(): Promise<void> {
    await page.click('[data-testid="authorize"]');
    await waitFor(page, 'body[data-ready="true"]');
  }

  async function result(button: string): Promise<{ outcome: string; text: string }> {
    await page.evaluate(() => {
      const element = document.getElementById('result');
      if (element !== null) delete element.dataset['outcome'];
    });
    await page.click(`[data-testid="${button}"]`);
    await waitFor(page, '[data-testid="result"][data-outcome]');
    return {
      outcome: (await attribute(page, '[data-testid="result"]', 'data-outcome')) ?? '',
      text: (await text(page, '[data-testid="result"]')) ?? '',
    };
  }

  const events = async (): Promise<string[]> => (await texts(page, '[data-event]')).reverse();

  it('calls Helix through twurple, upgrades scopes for the same user, and ends the session once on a 401', async () => {
    await signIn();
    const me = await result('get-me');
    expect(me.outcome).toBe('ok');
    expect(JSON.parse(me.text)).toMatchObject({ displayName: expect.any(String) });

    const missing = await result('get-follows');
    expect(missing.outcome).toBe('scope_missing');
    expect(missing.text).toContain('user:read:follows');

    await page.click('[data-testid="upgrade"]');
    await consentAndReturn();
    await vi.waitFor(
      async () => expect(await text(page, '[data-testid="scopes"]')).toContain('user:read:follows'),
      { timeout: 10_000, interval: 50 },
    );
    const follows = await result('get-follows');
    expect(follows.outcome).toBe('ok');
    expect(await events()).toEqual([]); // this load completed the upgrade: a change, no login

    await control(demo.emulator, 'expire');
    const unauthorized = await result('get-me');
    expect(unauthorized.outcome).toBe('token_invalid');
    await waitFor(page, 'body[data-state="signed-out"]');
    expect(await events()).toEqual(['logout unauthorized']);
  });

  it('a declined scope is no error: the session lacks it and the upgrade button stays', async () => {
    await signIn();
    await control(demo.emulator, 'decline-scopes', { scopes: ['user:read:follows'] });
    await page.click('[data-testid="upgrade"]');
    await consentAndReturn();
    await waitFor(page, 'body[data-state="signed-in"]');
    expect(await text(page, '[data-testid="status"]')).toBe('');
    expect(await text(page, '[data-testid="scopes"]')).not.toContain('user:read:follows');
    expect(await attribute(page, '[data-testid="upgrade"]', 'hidden')).toBeNull();
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
    await page.back(); // the consent page
    await waitFor(page, '[data-testid="authorize"]');
    await consentAndReturn();
    await waitFor(page, 'body[data-state="signed-in"]');
    expect(await text(page, '[data-testid="status"]')).toMatch(/\(no_pending_request\)$/);
    expect(await stored()).toBe(token);
    expect(await events()).toEqual([]); // this page load saw no login and no logout
  });
});
