// Issue 16 (scope upgrades) and issue 14.6 (a stale callback never disturbs a live session).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTwitchAuthError } from '../../../src/index';
import type { TwitchAuth, TwitchAuthEvents } from '../../../src/index';
import { json } from '../../helpers/fake-fetch';
import { USER_ID, VALIDATE_URL, createHarness, validateBody } from '../../helpers/twitch';
import { useFreshPage } from '../../helpers/page';
import { rejection, thrown } from '../../helpers/thrown';

const created = useFreshPage();
const OTHER_USER = '999000111';
const FIRST = 'firsttokenfirsttokenfirsttoken';
const SECOND = 'secondtokensecondtokensecondtk';

type Events = { [K in keyof TwitchAuthEvents]: [K, TwitchAuthEvents[K]] }[keyof TwitchAuthEvents];

function record(auth: TwitchAuth): Events[] {
  const events: Events[] = [];
  for (const name of ['login', 'logout', 'change', 'error'] as const) {
    auth.on(name, (payload) => events.push([name, payload] as Events));
  }
  return events;
}

/**
 * A signed-in client whose validate answers from a token → answer table, so each token keeps the
 * scopes and the user Twitch gave it.
 */
async function signedIn(options: { openid?: boolean } = {}) {
  const h = await createHarness({ validate: false, scopes: ['user:read:email'], ...options });
  created.push(h.auth);
  const answers = new Map<string, Record<string, unknown>>([
    [FIRST, validateBody({ scopes: ['openid', 'user:read:email'] })],
  ]);
  h.fake.expect({
    url: VALIDATE_URL,
    times: Infinity,
    respond: (request) => {
      const token = request.headers.get('authorization')?.replace(/^OAuth /, '') ?? '';
      const answer = answers.get(token);
      return answer === undefined
        ? json({ status: 401, message: 'invalid access token' }, 401)
        : json(answer);
    },
  });
  await h.auth.handleRedirect(await h.callbackUrl({ accessToken: FIRST }));
  await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());
  return { ...h, answers };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scope upgrades', () => {
  it('asks Twitch for the configured, the granted and the new scopes together', async () => {
    const h = await signedIn();
    const urls: string[] = [];
    await h.auth.login({
      scopes: ['channel:read:polls', 'user:read:email'],
      navigate: (url) => urls.push(url),
    });
    const scope = new URL(urls[0] ?? '').searchParams.get('scope')?.split(' ');
    expect(scope?.sort()).toEqual(['channel:read:polls', 'openid', 'user:read:email']);
    const fromUrl = new URL(h.auth.authorizeUrl({ scopes: ['bits:read'] })).searchParams.get(
      'scope',
    );
    expect(fromUrl?.split(' ').sort()).toEqual(['bits:read', 'openid', 'user:read:email']);
  });

  it('refuses scopes that are not scope tokens', async () => {
    const h = await signedIn();
    const error = thrown(() => h.auth.authorizeUrl({ scopes: ['bad scope' as 'bits:read'] }));
    expect(isTwitchAuthError(error) && error.code).toBe('invalid_options');
  });

  it('same user: the new session replaces the old one with one change and no login or logout', async () => {
    const h = await signedIn();
    expect(h.auth.hasScopes('channel:read:polls')).toBe(false);
    const events = record(h.auth);
    const url = await h.callbackUrl({
      accessToken: SECOND,
      login: { scopes: ['channel:read:polls'] },
    });
    const session = await h.auth.handleRedirect(url);

    expect(session?.accessToken).toBe(SECOND);
    expect(session?.user?.id).toBe(USER_ID);
    expect(h.auth.session).toBe(session);
    expect(events).toEqual([['change', { session }]]);
    expect(h.auth.hasScopes('channel:read:polls', 'user:read:email')).toBe(true);
    expect(h.storage.getItem(`twitch-spa-login:test-client-id:session`)).toContain(SECOND);
  });

  it('another user: the old session ends (switched_user), then a login', async () => {
    const h = await signedIn();
    const events = record(h.auth);
    const url = await h.callbackUrl({
      accessToken: SECOND,
      claims: { sub: OTHER_USER },
      login: { scopes: ['bits:read'] },
    });
    const session = await h.auth.handleRedirect(url);

    expect(session?.user?.id).toBe(OTHER_USER);
    expect(
      events.map(([name, payload]) =>
        name === 'logout' ? `logout:${(payload as { reason: string }).reason}` : name,
      ),
    ).toEqual(['change', 'logout:switched_user', 'change', 'login']);
    expect(h.auth.session).toBe(session);
  });

  it('a declined scope is no error: the session lacks it, from the callback and from validate', async () => {
    const h = await signedIn();
    const events = record(h.auth);
    const url = await h.callbackUrl({
      accessToken: SECOND,
      login: { scopes: ['channel:read:polls', 'bits:read'] },
      // Twitch reports what it granted: bits:read was declined.
      fragment: (params) => params.set('scope', 'openid user:read:email channel:read:polls'),
    });
    h.answers.set(
      SECOND,
      validateBody({ scopes: ['openid', 'user:read:email', 'channel:read:polls'] }),
    );
    const session = await h.auth.handleRedirect(url);
    expect(session?.scopes).toEqual(['openid', 'user:read:email', 'channel:read:polls']);
    expect(h.auth.hasScopes('channel:read:polls')).toBe(true);
    expect(h.auth.hasScopes('channel:read:polls', 'bits:read')).toBe(false);
    await vi.waitFor(() => expect(h.auth.session?.validatedAt).toBeDefined());
    expect(h.auth.hasScopes('bits:read')).toBe(false);
    expect(events.filter(([name]) => name === 'error' || name === 'logout')).toEqual([]);
  });

  it('takes the scopes Twitch names at validate over the ones the callback named', async () => {
    const h = await signedIn();
    h.answers.set(FIRST, validateBody({ scopes: ['openid'] }));
    await h.auth.validate();
    expect(h.auth.session?.scopes).toEqual(['openid']);
    expect(h.auth.hasScopes('user:read:email')).toBe(false);
  });

  it('plain OAuth mode: learns whose token came back from validate before deciding', async () => {
    const h = await signedIn({ openid: false });
    await vi.waitFor(() => expect(h.auth.user?.id).toBe(USER_ID));
    const events = record(h.auth);
    h.answers.set(SECOND, validateBody({ scopes: ['user:read:email', 'bits:read'] }));
    const session = await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: SECOND, login: { scopes: ['bits:read'] } }),
    );
    expect(session?.user?.id).toBe(USER_ID);
    expect(events.map(([name]) => name)).toEqual(['change']);

    h.answers.set(
      'thirdtokenthirdtokenthirdtoken',
      validateBody({ user_id: OTHER_USER, scopes: [] }),
    );
    await h.auth.handleRedirect(
      await h.callbackUrl({ accessToken: 'thirdtokenthirdtokenthirdtoken' }),
    );
    expect(h.auth.user?.id).toBe(OTHER_USER);
    expect(events.map(([name]) => name)).toContain('login');
  });

  it('hasScopes is false when signed out, and true for no scopes only when signed in', async () => {
    const h = await createHarness();
    created.push(h.auth);
    expect(h.auth.hasScopes()).toBe(false);
    expect(h.auth.hasScopes('openid')).toBe(false);
    await h.auth.handleRedirect(await h.callbackUrl());
    expect(h.auth.hasScopes()).toBe(true);
    expect(h.auth.hasScopes('openid')).toBe(true);
  });
});

describe('a stale or replayed callback while signed in (the Back button)', () => {
  it.each([
    ['no_pending_request', false],
    ['state_mismatch', true],
  ])(
    'rejects with %s and leaves the live session, its storage and its events alone',
    async (code, newerLogin) => {
      const h = await signedIn();
      const used = await h.callbackUrl({ accessToken: SECOND });
      await h.auth.handleRedirect(used);
      const live = h.auth.session;
      // Authorizing again from the consent page the Back button showed: the old state comes back.
      if (newerLogin) h.auth.authorizeUrl(); // another login is pending meanwhile
      const events = record(h.auth);
      const error = await rejection(
        h.auth.handleRedirect(used.replace(SECOND, 'thirdtokenthirdtokenthirdtoken')),
      );
      expect(isTwitchAuthError(error) && error.code).toBe(code);
      expect(h.auth.session).toBe(live);
      expect(events).toEqual([]);
      expect(h.storage.getItem(`twitch-spa-login:test-client-id:session`)).toContain(SECOND);
    },
  );
});
