// "Not you?" on the consent page: a browser that signed in before is remembered (a cookie) and
// skips consent it already gave, so the page offers a way to forget it, as Twitch's does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';

const CLIENT = 'emu-consent';
const REDIRECT = 'http://localhost:5173/callback';
let emulator: TwitchEmulator;

beforeEach(async () => {
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT, name: 'Test app', redirectUris: [REDIRECT] }],
  });
});
afterEach(() => emulator.close());

const params = { client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'token', scope: '' };
const authorize = (cookie = '', extra: Record<string, string> = {}) =>
  fetch(`${emulator.endpoints.authorize}?${new URLSearchParams({ ...params, ...extra })}`, {
    redirect: 'manual',
    headers: cookie === '' ? {} : { cookie },
  });
/** Consents as `userIndex` on the page's form; returns the cookie the browser keeps. */
async function consentAs(userIndex: number): Promise<string> {
  const response = await fetch(emulator.endpoints.authorize, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      ...params,
      decision: 'authorize',
      user_id: emulator.users[userIndex]?.id ?? '',
    }),
  });
  expect(response.status).toBe(302);
  return response.headers.get('set-cookie')?.split(';')[0] ?? '';
}
const notYouHref = (html: string): string =>
  /href="([^"]+)" data-testid="not-you"/.exec(html)?.[1]?.replaceAll('&#38;', '&') ?? '';

describe('the consent page of a remembered browser', () => {
  it('says who is signed in, pre-selects them, and offers "Not you?"', async () => {
    const cookie = await consentAs(1);
    expect((await authorize(cookie)).status).toBe(302); // consent given: skipped, as at Twitch
    const page = await authorize(cookie, { force_verify: 'true' });
    const html = await page.text();
    expect(html).toContain('Signed in as <strong>Twitch</strong>');
    expect(html).toMatch(new RegExp(`value="${emulator.users[1]?.id}" checked`));
    expect(notYouHref(html)).toMatch(/^\/_emulator\/forget-me\?return=/);
    const fresh = await (await authorize()).text();
    expect(fresh).not.toContain('not-you');
    expect(fresh).toMatch(new RegExp(`value="${emulator.users[0]?.id}" checked`));
  });

  it('"Not you?" forgets the user and returns to the same authorize request, now with the choice and Cancel', async () => {
    const cookie = await consentAs(1);
    const page = await authorize(cookie, { force_verify: 'true', state: 'st' });
    const forget = await fetch(new URL(notYouHref(await page.text()), emulator.url), {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(forget.status).toBe(302);
    expect(forget.headers.get('set-cookie')).toMatch(/^emu_user=; Path=\/; Max-Age=0/);
    const back = new URL(forget.headers.get('location') ?? '', emulator.url);
    expect(back.pathname).toBe('/oauth2/authorize');
    expect(Object.fromEntries(back.searchParams)).toMatchObject({
      force_verify: 'true',
      state: 'st',
    });
    // Without the cookie the browser sees the full choice again, even without force_verify.
    const again = await authorize('');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('data-testid="deny"');
    const cancelled = await fetch(emulator.endpoints.authorize, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...params, decision: 'deny' }),
    });
    expect(new URL(cancelled.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'access_denied',
    );
  });

  it('GET /_emulator/forget-me (urls.forgetMe) clears the cookie and says so, never redirecting elsewhere', async () => {
    expect(emulator.urls.forgetMe).toBe(`${emulator.url}/_emulator/forget-me`);
    for (const url of [
      emulator.urls.forgetMe,
      `${emulator.urls.forgetMe}?return=${encodeURIComponent('https://evil.example/')}`,
      `${emulator.urls.forgetMe}?return=${encodeURIComponent('//evil.example/')}`,
    ]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toMatch(/^emu_user=; .*Max-Age=0/);
      expect(await response.text()).toContain('data-testid="forgotten"');
    }
  });
});

describe('the pages on a phone', () => {
  // Checked in headless Chromium: both pages' scrollWidth equals a 320 and a 375 px viewport
  // (the activation page was 391 px wide at 375 before). These keep the rules that made it fit.
  it('use the device width, border-box sizing and no fixed width', async () => {
    const device = (await (
      await fetch(emulator.urls.device, {
        method: 'POST',
        body: new URLSearchParams({ client_id: CLIENT }),
      })
    ).json()) as { verification_uri: string };
    for (const url of [emulator.urls.activate, device.verification_uri]) {
      const html = await (await fetch(url)).text();
      expect(html).toContain('name="viewport" content="width=device-width,initial-scale=1"');
      expect(html).toContain('*,*::before,*::after{box-sizing:border-box}');
      expect(html).toContain('max-width:420px');
      expect(html).not.toMatch(/[{;]\s*(?:min-)?width:\s*\d+px/);
    }
    const consent = await (await authorize()).text();
    expect(consent).toContain('*,*::before,*::after{box-sizing:border-box}');
    expect(consent).not.toMatch(/[{;]\s*(?:min-)?width:\s*\d+px/);
  });
});
