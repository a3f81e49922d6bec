// Checks that guard a live session and that no earlier test reached (issue 13): validate naming
// another user or app, a second session's own expiry notice, and where a login returns to.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json } from '../helpers/fake-fetch';
import { useFreshPage } from '../helpers/page';
import { rejection } from '../helpers/thrown';
import { VALIDATE_URL, createHarness, validateBody } from '../helpers/twitch';
import { recordEvents } from '../helpers/events';

const created = useFreshPage();

const record = recordEvents;

afterEach(() => {
  vi.useRealTimers();
});

describe('validate naming someone else', () => {
  it.each([
    ['another user', { user_id: '999' }],
    ['another app', { client_id: 'someone-elses-client' }],
  ])('ends the session when Twitch says the token belongs to %s', async (_who, overrides) => {
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    // The login's own start-up check passes; the next one names someone else.
    h.fake
      .expect({ url: VALIDATE_URL, respond: json(validateBody()) })
      .expect({ url: VALIDATE_URL, respond: json(validateBody(overrides)) });
    const events = record(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());

    const error = await rejection(h.auth.validate());
    expect(error).toMatchObject({ code: 'token_invalid' });
    expect(h.auth.session).toBeNull();
    expect(events.logout).toEqual([{ reason: 'token_invalid', error }]);
    expect(h.storage.getItem(`twitch-spa-login:test-client-id:session`)).toBeNull();
  });

  it('keeps the session when validate names the same user and app', async () => {
    const h = await createHarness();
    created.push(h.auth);
    await h.auth.handleRedirect(await h.callbackUrl());
    await h.auth.validate();
    expect(h.auth.isAuthenticated()).toBe(true);
  });

  it('does not end a newer session when an older validation answers late', async () => {
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    let answer: (response: Response) => void = () => undefined;
    h.fake
      .expect({
        url: VALIDATE_URL,
        respond: () => new Promise<Response>((resolve) => (answer = resolve)),
      })
      .expect({ url: VALIDATE_URL, respond: json(validateBody()), times: Infinity });
    const events = record(h.auth);
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'firsttokenfirsttokenfirsttoken' }),
    );
    await vi.waitFor(() => expect(h.fake.requests).toHaveLength(2)); // key set + the first validate
    await h.auth.logout({ revoke: false });
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'secondtokensecondtokensecondtk' }),
    );

    answer(json(validateBody({ user_id: '999' }))); // the first session's late answer
    await vi.waitFor(() => expect(h.fake.requests.length).toBeGreaterThanOrEqual(3));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.auth.session?.accessToken).toBe('secondtokensecondtokensecondtk');
    expect(events.logout).toEqual([{ reason: 'user' }]);
  });
});

describe('expiring', () => {
  it('gives a second session its own notice', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = await createHarness({ validate: false });
    created.push(h.auth);
    h.fake.expect({
      url: VALIDATE_URL,
      respond: json(validateBody({ expires_in: 600 })),
      times: Infinity,
    });
    const events = record(h.auth);

    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'firsttokenfirsttokenfirsttoken' }),
    );
    await vi.advanceTimersByTimeAsync(301_000);
    expect(events.expiring).toHaveLength(1);
    await h.auth.logout({ revoke: false });

    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'secondtokensecondtokensecondtk' }),
    );
    await vi.advanceTimersByTimeAsync(299_000);
    expect(events.expiring).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.expiring).toHaveLength(2);
    expect(events.expiring[1]?.expiresAt).toBeGreaterThan(
      events.expiring[0]?.expiresAt ?? Infinity,
    );
  });
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
