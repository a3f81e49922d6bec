// Starting a login: the request kept for the callback, the URL that carries it, and the refusal of a
// redirect login that could not survive the page change.
import { describe, expect, it } from 'vitest';
import { type TwitchAuthOptions, resolveOptions } from '../../../src/config/options';
import { isTwitchAuthError } from '../../../src/internal/errors';
import { PENDING_KEY, type PendingRequest, createPendingStore } from '../../../src/login/pending';
import { POPUP_STATE_PREFIX } from '../../../src/login/popup';
import { createLoginStarter } from '../../../src/login/start-login';
import { createKeyValueStore } from '../../../src/session/storage';
import { type MapStorage, mapStorage } from '../../helpers/browser-tabs';
import { useFreshPage } from '../../helpers/page';
import { thrown } from '../../helpers/thrown';

useFreshPage();

const NOW = 1_700_000_000_000;
const PREFIX = 'p:';
const CALLBACK = 'https://app.example/callback';
const HEX_256_BITS = /^[0-9a-f]{64}$/;

interface Starter {
  readonly start: ReturnType<typeof createLoginStarter>;
  /** The pending requests as stored, by state. */
  readonly stored: () => Record<string, PendingRequest>;
}

/**
 * A login starter over a real pending store. `transient` is this tab's sessionStorage unless a
 * map storage is given (which is not web storage: as if sessionStorage could not be reached).
 */
function starter(
  options: Partial<TwitchAuthOptions> = {},
  { transient, granted = [] }: { transient?: MapStorage; granted?: readonly string[] } = {},
): Starter {
  const config = resolveOptions({ clientId: 'cid', redirectUri: CALLBACK, ...options });
  const store = createKeyValueStore(transient ?? 'session', PREFIX);
  const start = createLoginStarter({
    config,
    pending: createPendingStore(store),
    transient: store,
    granted: () => granted,
    now: () => NOW,
  });
  const stored = (): Record<string, PendingRequest> =>
    JSON.parse(
      (transient === undefined
        ? sessionStorage.getItem(PREFIX + PENDING_KEY)
        : transient.getItem(PREFIX + PENDING_KEY)) ?? '{}',
    ) as Record<string, PendingRequest>;
  return { start, stored };
}

describe('starting a login', () => {
  it('keeps the request in sessionStorage and sends its state and nonce to Twitch', () => {
    const { start, stored } = starter({}, { granted: ['chat:read'] });
    const url = new URL(start({ returnTo: '/settings' }, 'redirect'));
    const state = url.searchParams.get('state') ?? '';
    expect(state).toMatch(HEX_256_BITS);
    expect(Object.keys(stored())).toEqual([state]);
    expect(stored()[state]).toEqual({
      state,
      nonce: url.searchParams.get('nonce'),
      responseType: 'token id_token',
      scopes: ['chat:read', 'openid'],
      returnTo: `${location.origin}/settings`,
      redirectUri: CALLBACK,
      issuer: 'https://id.twitch.tv/oauth2',
      mode: 'redirect',
      createdAt: NOW,
    });
    expect(url.searchParams.get('scope')).toBe('chat:read openid');
  });

  it('marks a popup login in its state, both in the URL and in the kept request', () => {
    const { start, stored } = starter();
    const url = new URL(start({}, 'popup'));
    const state = url.searchParams.get('state') ?? '';
    expect(state.startsWith(POPUP_STATE_PREFIX)).toBe(true);
    expect(state.slice(POPUP_STATE_PREFIX.length)).toMatch(HEX_256_BITS);
    expect(stored()[state]).toMatchObject({ state, mode: 'popup' });
    const redirect = new URL(start({}, 'redirect')).searchParams.get('state') ?? '';
    expect(redirect).toMatch(HEX_256_BITS);
    expect(stored()[redirect]).toMatchObject({ mode: 'redirect' });
  });

  it("passes this login's options on to the URL: force_verify and extra scopes", () => {
    const { start } = starter();
    const url = new URL(start({ forceVerify: true, scopes: ['user:read:email'] }, 'redirect'));
    expect(url.searchParams.get('force_verify')).toBe('true');
    expect(url.searchParams.get('scope')).toBe('user:read:email openid');
  });

  it('refuses a redirect login without sessionStorage: storage_unavailable, nothing kept', () => {
    const transient = mapStorage();
    const { start } = starter({}, { transient });
    const error = thrown(() => start({}, 'redirect'));
    expect(isTwitchAuthError(error) && error.code).toBe('storage_unavailable');
    expect((error as Error).message).toMatch(/sessionStorage is unavailable.*popup: true/);
    expect(transient.map.size).toBe(0);
  });

  it('starts without sessionStorage a popup login, or a redirect login with storage "memory"', () => {
    for (const [storage, mode] of [
      ['session', 'popup'],
      ['memory', 'redirect'],
    ] as const) {
      const transient = mapStorage();
      const { start, stored } = starter({ storage }, { transient });
      const state = new URL(start({}, mode)).searchParams.get('state') ?? '';
      expect(stored()[state]).toMatchObject({ state, mode });
    }
  });
});
