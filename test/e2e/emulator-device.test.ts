// The emulator's device login as a browser meets it: a page on another origin starts it and polls
// with fetch (CORS), and a user approves on the activation page, which runs under its own strict
// CSP with no script.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import { launchChromium } from './browser';

const CLIENT_ID = 'e2e-device';
let browser: Browser;
let emulator: TwitchEmulator;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  browser = await launchChromium();
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT_ID, name: 'e2e TV app', redirectUris: [] }],
    deviceFlow: { intervalSeconds: 1 },
  });
  site = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>TV</title>'),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await new Promise((resolve) => site?.close(resolve));
});

/** A form POST from the page, as an SDK would send it; returns status and JSON body. */
const post = (page: Page, url: string, body: Record<string, string>) =>
  page.evaluate(
    async ([target, fields]) => {
      const response = await fetch(target, { method: 'POST', body: new URLSearchParams(fields) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    [url, body] as const,
  );

describe('device login in Chromium', () => {
  it('starts and polls cross-origin, is approved on the activation page, then refreshes', async () => {
    const context = await browser.newContext();
    const tv = await context.newPage();
    await tv.goto(siteUrl);
    const start = await post(tv, emulator.urls.device, {
      client_id: CLIENT_ID,
      scopes: 'user:read:follows',
    });
    expect(start.status).toBe(200);
    const {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
    } = start.body as Record<string, string>;
    const poll = () =>
      post(tv, emulator.urls.token, {
        client_id: CLIENT_ID,
        device_code: deviceCode ?? '',
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      });
    expect(await poll()).toEqual({
      status: 400,
      body: { status: 400, message: 'authorization_pending' },
    });

    const phone = await context.newPage();
    const cspViolations: string[] = [];
    phone.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    // The user types the code (in lower case) rather than following the link.
    await phone.goto(`${emulator.urls.activate}`);
    await phone.fill('[data-testid="code"]', (userCode ?? '').toLowerCase());
    await phone.click('[data-testid="submit"]');
    await phone.waitForSelector('[data-testid="authorize"]');
    expect(await phone.textContent('[data-testid="user-code"]')).toBe(userCode);
    expect(verificationUri).toContain(userCode);
    await phone.click('[data-testid="authorize"]');
    expect(await phone.textContent('[data-testid="done"]')).toContain('Success');
    expect(cspViolations).toEqual([]);

    await tv.waitForTimeout(1_100);
    const tokens = await poll();
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ scope: ['user:read:follows'], token_type: 'bearer' });
    const refreshed = await post(tv, emulator.urls.token, {
      client_id: CLIENT_ID,
      grant_type: 'refresh_token',
      refresh_token: String(tokens.body['refresh_token']),
    });
    expect(refreshed.status).toBe(200);
    const reused = await post(tv, emulator.urls.token, {
      client_id: CLIENT_ID,
      grant_type: 'refresh_token',
      refresh_token: String(tokens.body['refresh_token']),
    });
    expect(reused).toEqual({
      status: 400,
      body: { status: 400, message: 'Invalid refresh token' },
    });
    await context.close();
  });
});
