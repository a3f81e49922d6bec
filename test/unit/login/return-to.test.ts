// Where a completed login returns to: the page it started from, never another origin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useFreshPage } from '../../helpers/page';
import { createHarness } from '../../helpers/twitch';

const created = useFreshPage();

afterEach(() => {
  vi.useRealTimers();
});

describe('returnTo', () => {
  const PENDING_PREFIX = 'twitch-spa-login:test-client-id:';

  it('puts the page the login started from back in the address bar', async () => {
    const h = await createHarness();
    created.push(h.auth);
    history.replaceState(null, '', await h.callbackUrl({ login: { returnTo: '/settings?tab=2' } }));
    await h.auth.handleRedirect();
    expect(location.href).toBe('http://localhost:3000/settings?tab=2');
  });

  it('stays on the callback page for a returnTo on another origin', async () => {
    const h = await createHarness();
    created.push(h.auth);
    history.replaceState(
      null,
      '',
      await h.callbackUrl({ login: { returnTo: 'https://evil.example/x' } }),
    );
    await h.auth.handleRedirect();
    expect(location.href).toBe('http://localhost:3000/callback');
  });

  it('checks a stored returnTo again: one edited in sessionStorage is not followed', async () => {
    const h = await createHarness();
    created.push(h.auth);
    const url = await h.callbackUrl({ login: { returnTo: '/settings' } });
    let edited = 0;
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i) ?? '';
      const value = sessionStorage.getItem(key) ?? '';
      if (!key.startsWith(PENDING_PREFIX) || !value.includes('/settings')) continue;
      sessionStorage.setItem(
        key,
        value.replaceAll('http://localhost:3000/settings', 'https://evil.example/steal'),
      );
      edited += 1;
    }
    expect(edited).toBe(1);
    history.replaceState(null, '', url);
    await h.auth.handleRedirect();
    expect(h.auth.isAuthenticated()).toBe(true);
    expect(location.href).toBe('http://localhost:3000/callback');
  });
});
