// The SDK against an independent, certified OpenID provider (panva/oidc-provider) issuing real
// implicit `id_token token` responses: proof that the verification is standard OIDC, not a
// mirror of our own emulator.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { freePort } from './demo-server';
import { type StaticServer, startStaticServer } from './static-server';

const CLIENT_ID = 'certified-rp';
let browser: Browser;
let site: StaticServer;
let op: Server;
let issuer: string;

beforeAll(async () => {
  browser = await launchChromium();
  site = await startStaticServer();
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  // oidc-provider refuses implicit clients on http and localhost; its documented client-schema
  // override lifts exactly those two rules for tests.
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        response_types: ['id_token token'],
        grant_types: ['implicit'],
        redirect_uris: [`${site.url}/app.html`],
        token_endpoint_auth_method: 'none',
      },
    ],
    responseTypes: ['id_token token'],
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  });
  const schema = (
    provider.Client as unknown as {
      Schema: { prototype: { invalidate(message: string, code?: string): void } };
    }
  ).Schema.prototype;
  const invalidate = schema.invalidate;
  schema.invalidate = function (message: string, code?: string) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
  op = createServer(provider.callback());
  await new Promise<void>((resolve) => op.listen(port, '127.0.0.1', resolve));
  expect((op.address() as AddressInfo).port).toBe(port);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  op?.closeAllConnections();
  await new Promise<void>((resolve) => (op ? op.close(() => resolve()) : resolve()));
});

describe('against oidc-provider', () => {
  it('signs in with its real implicit id_token token response and verifies its tokens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const config = {
      options: {
        clientId: CLIENT_ID,
        redirectUri: `${site.url}/app.html`,
        endpoints: {
          issuer,
          authorize: `${issuer}/auth`,
          jwks: `${issuer}/jwks`,
          validate: `${issuer}/no-validate-endpoint`,
          revoke: `${issuer}/token/revocation`,
          helix: `${issuer}/helix`,
        },
      },
    };
    await page.goto(`${site.url}/app.html?config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('[data-testid="login"]');
    await page.fill('input[name="login"]', 'alice');
    const password = page.locator('input[name="password"]');
    if ((await password.count()) > 0) await password.fill('any');
    await page.click('button.login-submit');
    await page.click('button.login-submit'); // consent
    await page.waitForSelector('body[data-state="signed-in"]');
    expect(await page.textContent('[data-testid="user"]')).toBe('alice');
    expect(page.url()).toBe(`${site.url}/app.html`);
    expect(await page.textContent('[data-testid="status"]')).toBe('');
    await context.close();
  });
});
