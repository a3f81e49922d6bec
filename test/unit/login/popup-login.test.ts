// A popup login in the unit suite, with a stand-in for window.open: the popup opens inside the
// click, the callback path starts loading while the user consents, the popup's answer is verified
// by this page, and every way it can end (blocked, closed, timed out, empty) is a typed error.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallbackUrl } from '../../../src/callback/url';
import { defaultTimers } from '../../../src/internal/env';
import type { PopupHost } from '../../../src/login/popup';
import { loginWithPopup } from '../../../src/login/popup-login';
import type { Session } from '../../../src/session/session';
import { recordEvents } from '../../helpers/events';
import { useFreshPage } from '../../helpers/page';
import { rejection } from '../../helpers/thrown';
import { JWKS_URL, createHarness } from '../../helpers/twitch';

const created = useFreshPage();
afterEach(() => vi.useRealTimers());

interface FakePopup {
  closed: boolean;
  closeCalls: number;
  close(): void;
}

/** A window.open stand-in that records what it opened and returns one fake popup. */
function popupHost(opens: 'a popup' | 'nothing' = 'a popup') {
  const opened: string[] = [];
  const popup: FakePopup = {
    closed: false,
    closeCalls: 0,
    close() {
      this.closeCalls += 1;
      this.closed = true;
    },
  };
  const host: PopupHost = {
    screenX: 0,
    screenY: 0,
    outerWidth: 1200,
    outerHeight: 900,
    open: (url?: string | URL) => {
      opened.push(String(url));
      return opens === 'a popup' ? (popup as unknown as Window) : null;
    },
  };
  return { host, opened, popup };
}

/** What the popup's callback page posts back to this page. */
function handBack(popup: FakePopup, href: string): void {
  const state = new URL(href.replace('#', '?')).searchParams.get('state');
  window.dispatchEvent(
    new MessageEvent('message', {
      data: { source: 'twitch-spa-login', state, href },
      origin: location.origin,
      source: popup as unknown as Window,
    }),
  );
}

const SESSION = { accessToken: 'verified' } as unknown as Session;

describe('loginWithPopup', () => {
  function deps(host: PopupHost, complete = async (_c: CallbackUrl) => SESSION as Session | null) {
    const calls: string[] = [];
    const seen: CallbackUrl[] = [];
    return {
      calls,
      seen,
      deps: {
        timeoutMs: 60_000,
        timers: defaultTimers,
        host,
        prepare: () => void calls.push('prepare'),
        complete: (callback: CallbackUrl) => {
          calls.push('complete');
          seen.push(callback);
          return complete(callback);
        },
      },
    };
  }

  it('opens the URL, prepares while the user consents, closes the popup and completes', async () => {
    const { host, opened, popup } = popupHost();
    const d = deps(host);
    const href = 'http://localhost:3000/callback#access_token=t&state=popup.s1';
    const login = loginWithPopup(
      'https://id.twitch.tv/oauth2/authorize?state=popup.s1',
      'popup.s1',
      d.deps,
    );
    expect(opened).toEqual(['https://id.twitch.tv/oauth2/authorize?state=popup.s1']);
    expect(d.calls).toEqual(['prepare']);
    handBack(popup, href);
    await expect(login).resolves.toBe(SESSION);
    expect(popup.closeCalls).toBe(1);
    expect(d.calls).toEqual(['prepare', 'complete']);
    expect(d.seen[0]?.href).toBe(href);
    expect(d.seen[0]?.hasResponse).toBe(true);
  });

  it('throws popup_blocked from the click itself, preparing nothing', () => {
    const { host } = popupHost('nothing');
    const d = deps(host);
    expect(() => loginWithPopup('https://id.twitch.tv/', 'popup.s2', d.deps)).toThrow(
      expect.objectContaining({ code: 'popup_blocked' }),
    );
    expect(d.calls).toEqual([]);
  });

  it('still completes when closing the popup throws (cut off by COOP)', async () => {
    const { host, popup } = popupHost();
    popup.close = () => {
      throw new Error('blocked by COOP');
    };
    const d = deps(host);
    const login = loginWithPopup('https://id.twitch.tv/', 'popup.s3', d.deps);
    handBack(popup, 'http://localhost:3000/callback#access_token=t&state=popup.s3');
    await expect(login).resolves.toBe(SESSION);
  });

  it('is invalid_callback when the popup brought back no login response', async () => {
    const { host, popup } = popupHost();
    const d = deps(host, async () => null);
    const login = loginWithPopup('https://id.twitch.tv/', 'popup.s4', d.deps);
    handBack(popup, 'http://localhost:3000/callback?state=popup.s4');
    const error = await rejection(login);
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'invalid_callback',
      message: expect.stringMatching(/returned no login response/),
    });
  });
});

describe('auth.login({ popup: true })', () => {
  it('signs in with the answer its own popup hands back', async () => {
    const { host, opened, popup } = popupHost();
    const h = await createHarness({ popupHost: host });
    created.push(h.auth);
    const events = recordEvents(h.auth);
    const login = h.auth.login({ popup: true });
    expect(opened).toHaveLength(1);
    const authorize = new URL(opened[0] ?? '');
    expect(authorize.searchParams.get('state')).toMatch(/^popup\./);
    handBack(popup, await h.callbackUrl({ authorize: authorize.href }));
    const session = await login;
    expect(session?.user?.id).toBe('141981764');
    expect(h.auth.session).toBe(session);
    expect(events.login).toEqual([{ session }]);
    expect(popup.closed).toBe(true);
  });

  it('loads the callback path and the key set while the user consents in the popup', async () => {
    const { host, popup } = popupHost();
    let imports = 0;
    const h = await createHarness({
      popupHost: host,
      importCompleteLogin: () => ((imports += 1), import('../../../src/callback/complete-login')),
    });
    created.push(h.auth);
    const login = h.auth.login({ popup: true });
    login.catch(() => undefined);
    await vi.waitFor(() => expect(h.fake.requests.map((r) => r.url)).toContain(JWKS_URL));
    expect(imports).toBe(1);
    popup.closed = true; // the wait ends (popup_closed) instead of outliving the test
  });

  it('stays where it is (no returnTo navigation) after a popup login', async () => {
    const { host, opened, popup } = popupHost();
    const h = await createHarness({ popupHost: host });
    created.push(h.auth);
    history.replaceState(null, '', 'http://localhost:3000/app');
    const login = h.auth.login({ popup: true, returnTo: '/elsewhere' });
    handBack(popup, await h.callbackUrl({ authorize: opened[0] ?? '' }));
    await login;
    expect(location.href).toBe('http://localhost:3000/app');
  });

  it('rejects with popup_blocked when no popup opens', async () => {
    const { host } = popupHost('nothing');
    const h = await createHarness({ popupHost: host });
    created.push(h.auth);
    const error = await rejection(h.auth.login({ popup: true }));
    expect(error).toMatchObject({ code: 'popup_blocked' });
    expect(h.auth.session).toBeNull();
  });

  it('rejects with popup_timeout after popupTimeoutMs', async () => {
    vi.useFakeTimers();
    const { host } = popupHost();
    const h = await createHarness({ popupHost: host, popupTimeoutMs: 30_000 });
    created.push(h.auth);
    const result = rejection(h.auth.login({ popup: true }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await result).toMatchObject({ code: 'popup_timeout' });
  });

  it('is invalid_callback, signing nobody in, when its popup hands back no response', async () => {
    const { host, opened, popup } = popupHost();
    const h = await createHarness({ popupHost: host });
    created.push(h.auth);
    const login = h.auth.login({ popup: true });
    const state = new URL(opened[0] ?? '').searchParams.get('state');
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { source: 'twitch-spa-login', state, href: 'http://localhost:3000/callback' },
        origin: location.origin,
        source: popup as unknown as Window,
      }),
    );
    expect(await rejection(login)).toMatchObject({
      name: 'TwitchAuthError',
      code: 'invalid_callback',
    });
    expect(h.auth.session).toBeNull();
  });

  it('refuses an answer for another login (a forged state)', async () => {
    const { host, popup } = popupHost();
    const h = await createHarness({ popupHost: host });
    created.push(h.auth);
    const login = h.auth.login({ popup: true });
    // A response for a login this page started by redirect, not the popup's.
    handBack(popup, await h.callbackUrl());
    popup.closed = true;
    const error = await rejection(login);
    expect(error).toMatchObject({ code: 'popup_closed' });
    expect(h.auth.session).toBeNull();
  });
});
