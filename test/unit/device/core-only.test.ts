// A page that imports only the core (`twitch-spa-login`, src/index.ts) and restores a device
// session refreshes it on a 401: the core loads the refresh code itself (a dynamic import of
// src/device/refresher.ts), never the device entry. The mock below makes any import of
// src/device/index.ts throw, so a core that reached for it fails this test.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTwitchAuth } from '../../../src/index.js';
import { createSession, serializeRecord } from '../../../src/session/session.js';
import { mapStorage } from '../../helpers/browser-tabs.js';
import { CLIENT_ID } from '../../helpers/twitch.js';
import { USERS_URL, createTwitchRules } from '../../helpers/twitch-token-rules.js';

vi.mock('../../../src/device/index', () => {
  throw new Error('the device entry was imported');
});

const PREFIX = `twitch-spa-login:${CLIENT_ID}:`;

afterEach(() => {
  // The refresh code keeps its ledger in the page's localStorage (happy-dom's, per file).
  localStorage.clear();
});

describe('the core alone', () => {
  it('the mock really refuses the device entry (by the path src imports it with)', async () => {
    // vitest wraps the factory's error in its own; the import fails either way.
    await expect(import('../../../src/device/index.js')).rejects.toThrow(/mocking a module/);
  });

  it('restores a device session and refreshes it on a 401 through auth.fetch', async () => {
    const rules = createTwitchRules();
    const { accessToken, refreshToken } = rules.issue('alice');
    const storage = mapStorage();
    storage.setItem(
      `${PREFIX}session`,
      serializeRecord({
        session: createSession({
          accessToken,
          tokenType: 'bearer',
          scopes: ['chat:read'],
          user: { id: 'alice', login: 'alice' },
          createdAt: Date.now(),
          expiresAt: Date.now() + 14_000_000,
        }),
        refresh: { token: refreshToken, lineage: 'lineage-core', generation: 0 },
      }),
    );
    const auth = createTwitchAuth({
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:3000/callback',
      storage,
      fetch: rules.fetch,
    });
    const logouts: unknown[] = [];
    const errors: unknown[] = [];
    auth.on('logout', (event) => logouts.push(event));
    auth.on('error', (event) => errors.push(event.error));
    try {
      expect(auth.session?.accessToken).toBe(accessToken);
      rules.expire(accessToken); // the next call meets a 401
      const response = await auth.fetch(USERS_URL);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: [{ id: 'alice' }] });
      expect(rules.refreshSends).toEqual([refreshToken]);
      const now = auth.session?.accessToken;
      expect(now).not.toBe(accessToken);
      expect(rules.isLive(now ?? '')).toBe(true);
      const stored = JSON.parse(storage.getItem(`${PREFIX}session`) ?? '{}') as {
        accessToken?: string;
        refresh?: { generation?: number };
      };
      expect(stored.accessToken).toBe(now);
      expect(stored.refresh?.generation).toBe(1);
      expect(logouts).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      auth.destroy();
    }
  });
});
