// The script-tag build on a strict-CSP page against the emulator, in every engine: forged
// responses, popups, Twitch's validation, expiry, and tabs in step.
import { SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import {
  type E2EContext,
  type E2EPage,
  closeReportingCsp,
  engines,
  text,
  texts,
  useBrowser,
  waitFor,
} from './driver';
import { type StaticServer, startStaticServer } from './static-server';

const CLIENT_ID = 'e2e-client';
let emulator: TwitchEmulator;
let site: StaticServer;

beforeAll(async () => {
  site = await startStaticServer();
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT_ID, name: 'e2e app', redirectUris: [`${site.url}/app.html`] }],
  });
});
afterAll(async () => {
  await site?.close();
  await emulator?.close();
});

interface TestAuth {
  session: { accessToken: string } | null;
  authorizeUrl(): string;
}
declare const window: Window & { testAuth: TestAuth };

describe.each(engines)('%s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;
  let pages: E2EPage[];

  beforeEach(async () => {
    emulator.resetConsent();
    emulator.setTokenLifetime(5_184_000);
    context = await browser().newContext();
    pages = [];
  });
  afterEach(async () => {
    expect(await closeReportingCsp(context, pages)).toEqual([]);
  });

  async function openApp(
    options: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<E2EPage> {
    const page = await context.newPage();
    pages.push(page);
    const config = {
      options: {
        clientId: CLIENT_ID,
        redirectUri: `${site.url}/app.html`,
        endpoints: emulator.endpoints,
        ...options,
      },
      ...extra,
    };
    await page.goto(`${site.url}/app.html?config=${encodeURIComponent(JSON.stringify(config))}`);
    await waitFor(page, 'body[data-ready="true"]');
    return page;
  }

  async function consent(page: E2EPage): Promise<void> {
    await page.click('[data-testid="authorize"]');
  }

  async function signInByRedirect(page: E2EPage): Promise<void> {
    await page.click('[data-testid="login"]');
    await consent(page);
    await waitFor(page, 'body[data-state="signed-in"]');
  }

  const events = (page: E2EPage): Promise<string[]> => texts(page, '[data-event]');

  /** Starts a login in the page and returns its state and nonce, as an attacker's page would not know. */
  async function pendingLogin(page: E2EPage): Promise<{ state: string; nonce: string }> {
    const url = new URL(await page.evaluate(() => window.testAuth.authorizeUrl()));
    return {
      state: url.searchParams.get('state') ?? '',
      nonce: url.searchParams.get('nonce') ?? '',
    };
  }

  const atHash = (token: string): string =>
    base64url.encode(createHash('sha256').update(token).digest().subarray(0, 16));

  describe('strict CSP page with the IIFE', () => {
    it('signs a user in from a Twitch-shaped redirect', async () => {
      const page = await openApp();
      await signInByRedirect(page);
      expect(await page.url()).toBe(`${site.url}/app.html`);
      expect(await text(page, '[data-testid="user"]')).toBe(emulator.users[0]?.id);
    });

    it('enforces Trusted Types, and the page reports a violation (so a clean run means none)', async () => {
      const page = await openApp();
      const blocked = await page.evaluate(() => {
        try {
          document.body.insertAdjacentHTML('beforeend', '<b>untrusted</b>');
          return false;
        } catch {
          return true;
        }
      });
      expect(blocked).toBe(true);
      await expect
        .poll(() => page.evaluate(() => sessionStorage.getItem('csp-violations')))
        .toContain('require-trusted-types-for');
      await page.evaluate(() => sessionStorage.removeItem('csp-violations'));
    });

    it('rejects forged responses and stores nothing', async () => {
      const page = await openApp();
      const rogue = await generateKeyPair('RS256');
      const kid =
        ((await (await fetch(emulator.endpoints.jwks)).json()) as { keys: { kid: string }[] })
          .keys[0]?.kid ?? '';
      const forge = async (
        mutate: (claims: Record<string, unknown>) => void,
        sign: (jwt: SignJWT) => Promise<string>,
      ): Promise<string> => {
        const { state, nonce } = await pendingLogin(page);
        const accessToken = 'forgedforgedforgedforgedforged';
        const now = Math.floor(Date.now() / 1000);
        const claims: Record<string, unknown> = {
          iss: emulator.endpoints.issuer,
          sub: '666',
          aud: CLIENT_ID,
          iat: now,
          exp: now + 900,
          nonce,
          at_hash: atHash(accessToken),
        };
        mutate(claims);
        const idToken = await sign(new SignJWT(claims));
        const fragment = new URLSearchParams({
          access_token: accessToken,
          id_token: idToken,
          scope: 'openid',
          state,
          token_type: 'bearer',
        });
        await page.goto('about:blank'); // a new document, as after Twitch's redirect
        await page.goto(`${site.url}/app.html#${fragment}`);
        await waitFor(page, 'body[data-ready="true"]');
        expect(await page.url()).toBe(`${site.url}/app.html`);
        return (await text(page, '[data-testid="status"]')) ?? '';
      };
      const rsa = (jwt: SignJWT) =>
        jwt.setProtectedHeader({ alg: 'RS256', kid }).sign(rogue.privateKey);
      const rogueJwk = { ...(await exportJWK(rogue.publicKey)), kid };

      expect(await forge(() => undefined, rsa)).toBe('signature_invalid');
      expect(
        await forge(
          () => undefined,
          (jwt) =>
            jwt.setProtectedHeader({ alg: 'RS256', kid, jwk: rogueJwk }).sign(rogue.privateKey),
        ),
      ).toBe('id_token_invalid');
      expect(
        await forge(
          () => undefined,
          (jwt) =>
            jwt
              .setProtectedHeader({ alg: 'HS256', kid })
              .sign(new TextEncoder().encode(JSON.stringify(rogueJwk))),
        ),
      ).toBe('alg_not_allowed');
      expect(
        await forge(
          () => undefined,
          async (jwt) => {
            const [header, payload] = (await rsa(jwt)).split('.');
            return `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${payload ?? header}.`;
          },
        ),
      ).toBe('alg_not_allowed');
      expect(await page.evaluate(() => window.testAuth.session)).toBeNull();
    });
  });

  describe('popup login', () => {
    it('resolves with the session from the popup', async () => {
      const page = await openApp();
      const popup = await page.popup(() => page.click('[data-testid="login-popup"]'));
      await consent(popup);
      await waitFor(page, 'body[data-state="signed-in"]');
      await expect.poll(() => popup.isClosed()).toBe(true);
      expect(await events(page)).toEqual(['login']);
    });

    it('fails with popup_closed when the user closes the popup', async () => {
      const page = await openApp();
      const popup = await page.popup(() => page.click('[data-testid="login-popup"]'));
      await popup.close();
      await expect
        .poll(() => text(page, '[data-testid="status"]'), { timeout: 5000 })
        .toBe('popup_closed');
    });

    it('fails at once with popup_blocked when the browser refuses the popup', async () => {
      const page = await openApp({}, { blockPopups: true });
      await page.click('[data-testid="login-popup"]');
      await expect.poll(() => text(page, '[data-testid="status"]')).toBe('popup_blocked');
    });
  });

  describe('session life', () => {
    it('keeps the session across a reload', async () => {
      const page = await openApp();
      await signInByRedirect(page);
      const user = await text(page, '[data-testid="user"]');
      await page.reload();
      await waitFor(page, 'body[data-state="signed-in"]');
      expect(await text(page, '[data-testid="user"]')).toBe(user);
    });

    it('signs out and revokes the token at Twitch', async () => {
      const page = await openApp();
      await signInByRedirect(page);
      const token = (await page.evaluate(() => window.testAuth.session?.accessToken)) ?? '';
      await page.click('[data-testid="logout"]');
      await waitFor(page, 'body[data-state="signed-out"]');
      const status = async (): Promise<number> =>
        (await fetch(emulator.endpoints.validate, { headers: { authorization: `OAuth ${token}` } }))
          .status;
      await expect.poll(status).toBe(401);
      expect((await events(page)).at(-1)).toBe('logout user');
    });

    it('ends the session at the next validation when the token is revoked behind the app’s back', async () => {
      const page = await openApp({ validateIntervalMs: 1500 });
      await signInByRedirect(page);
      const token = (await page.evaluate(() => window.testAuth.session?.accessToken)) ?? '';
      emulator.revokeToken(token);
      await waitFor(page, 'body[data-state="signed-out"]');
      expect((await events(page)).filter((e) => e.startsWith('logout'))).toEqual([
        'logout token_invalid',
      ]);
    });

    it('warns before expiry and ends the session on time', async () => {
      emulator.setTokenLifetime(6);
      const page = await openApp({ expiringNoticeSeconds: 4 });
      await signInByRedirect(page);
      const started = Date.now();
      await waitFor(page, 'body[data-state="signed-out"]', 15_000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(9_000);
      const log = await events(page);
      expect(log.filter((e) => e.startsWith('expiring'))).toHaveLength(1);
      expect(log.at(-1)).toBe('logout expired');
    });
  });

  describe('tabs in step', () => {
    it('brings a login and a logout in one tab to the others within a second (storage: local)', async () => {
      const first = await openApp({ storage: 'local' });
      const second = await openApp({ storage: 'local' });
      // Each page stamps its events with Date.now(); both read the same machine clock.
      const stamp = (page: E2EPage, event: string): Promise<number> =>
        page.evaluate(
          (e) => Number(document.querySelector<HTMLElement>(`[data-event="${e}"]`)?.dataset['at']),
          event,
        );
      await signInByRedirect(first);
      await waitFor(second, 'body[data-state="signed-in"]');
      expect((await stamp(second, 'login')) - (await stamp(first, 'login'))).toBeLessThan(1000);
      await first.click('[data-testid="logout"]');
      await waitFor(second, 'body[data-state="signed-out"]');
      expect((await stamp(second, 'logout')) - (await stamp(first, 'logout'))).toBeLessThan(1000);
      expect(await events(second)).toEqual(['login', 'logout other_tab']);
    });
  });
});
