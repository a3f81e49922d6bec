// The twurple entry: twurple's own ApiClient over our session, against a strict fake fetch.
import { ApiClient } from '@twurple/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTwitchAuthError } from '../../src/index';
import type { LogoutReason } from '../../src/index';
import { createTwurpleAuthProvider } from '../../src/twurple/index';
import { missingScopes } from '../../src/twurple/scope-sets';
import { json } from '../helpers/fake-fetch';
import { CLIENT_ID, USER_ID, createHarness } from '../helpers/twitch';
import { useFreshPage } from '../helpers/page';
import { rejection } from '../helpers/thrown';

const created = useFreshPage();
const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';

async function signedIn(scopes: string[] = ['openid']) {
  const h = await createHarness();
  created.push(h.auth);
  await h.auth.handleRedirect(
    await h.callbackUrl({ fragment: (params) => params.set('scope', scopes.join(' ')) }),
  );
  return h;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createTwurpleAuthProvider', () => {
  it('hands twurple the signed-in user’s token with its scopes', async () => {
    const h = await signedIn(['openid', 'user:read:follows']);
    const provider = createTwurpleAuthProvider(h.auth);
    expect(provider.clientId).toBe(CLIENT_ID);
    expect(provider.getCurrentScopesForUser(USER_ID)).toEqual(['openid', 'user:read:follows']);
    expect(provider.getCurrentScopesForUser('someone-else')).toEqual([]);
    const token = await provider.getAccessTokenForUser({ id: USER_ID }, ['user:read:follows']);
    expect(token).toMatchObject({
      accessToken: TOKEN,
      refreshToken: null,
      userId: USER_ID,
      scope: ['openid', 'user:read:follows'],
    });
    expect(await provider.getAnyAccessToken()).toMatchObject({
      accessToken: TOKEN,
      userId: USER_ID,
    });
    expect(await provider.getAccessTokenForIntent('chat')).toMatchObject({ userId: USER_ID });
  });

  it('names the missing scopes (scope_missing), refuses another user (user_mismatch) and a signed-out client (token_invalid)', async () => {
    const h = await signedIn(['openid']);
    const provider = createTwurpleAuthProvider(h.auth);
    const missing = await rejection(
      provider.getAccessTokenForUser(
        USER_ID,
        ['channel:read:polls', 'channel:manage:polls'],
        ['bits:read'],
      ),
    );
    expect(isTwitchAuthError(missing) && missing.code).toBe('scope_missing');
    expect((missing as Error).message).toContain('channel:read:polls, bits:read');
    expect((missing as Error).message).not.toContain(TOKEN);
    const other = await rejection(provider.getAccessTokenForUser('12345'));
    expect(isTwitchAuthError(other) && other.code).toBe('user_mismatch');
    await h.auth.logout({ revoke: false });
    const out = await rejection(provider.getAnyAccessToken());
    expect(isTwitchAuthError(out) && out.code).toBe('token_invalid');
  });

  it('missingScopes: one scope of each set is enough', () => {
    expect(missingScopes(['a'], [['a', 'b'], undefined, [], ['c', 'd'], ['c']])).toEqual(['c']);
  });

  it('a 401 through twurple’s ApiClient ends the session once and never loops', async () => {
    const h = await signedIn(['openid']);
    const reasons: LogoutReason[] = [];
    h.auth.on('logout', ({ reason }) => reasons.push(reason));
    let helixCalls = 0;
    // twurple uses the global fetch; stubbed, not patched, for this test only.
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      helixCalls += 1;
      expect(String(input)).toContain('/helix/users');
      return json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, 401);
    });
    const api = new ApiClient({ authProvider: createTwurpleAuthProvider(h.auth) });
    const first = await rejection(api.users.getUserById(USER_ID));
    expect(isTwitchAuthError(first) && first.code).toBe('token_invalid');
    const second = await rejection(api.users.getUserById(USER_ID)); // signed out now: no request
    expect(isTwitchAuthError(second) && second.code).toBe('token_invalid');
    expect(reasons).toEqual(['unauthorized']);
    expect(helixCalls).toBe(1); // no retry
    expect(h.auth.session).toBeNull();
  });

  it('calls Helix with our token through twurple’s ApiClient', async () => {
    const h = await signedIn(['openid']);
    const seen: { auth: string | null; clientId: string | null }[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      seen.push({ auth: headers.get('authorization'), clientId: headers.get('client-id') });
      expect(String(input)).toContain(`/helix/users?id=${USER_ID}`);
      return json({
        data: [
          {
            id: USER_ID,
            login: 'twitchdev',
            display_name: 'TwitchDev',
            type: '',
            broadcaster_type: '',
            description: '',
            profile_image_url: '',
            offline_image_url: '',
            view_count: 0,
            created_at: '2020-01-01T00:00:00Z',
          },
        ],
      });
    });
    const api = new ApiClient({ authProvider: createTwurpleAuthProvider(h.auth) });
    const user = await api.users.getUserById(USER_ID);
    expect(user?.displayName).toBe('TwitchDev');
    expect(seen).toEqual([{ auth: `Bearer ${TOKEN}`, clientId: CLIENT_ID }]);
  });
});
