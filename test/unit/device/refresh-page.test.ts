// What the refresh code takes from the page (src/device/refresh-page.ts): Web Locks, the message
// channel, the storage every tab shares and whether the browser is online. The lookups run on a
// page scope (the window); here a stand-in scope, nothing global is touched.
import { afterEach, describe, expect, it } from 'vitest';
import { type PageScope, pageOf } from '../../../src/device/refresh-page.js';
import { createKeyValueStore } from '../../../src/session/storage.js';
import { createChannelBus } from '../../helpers/channel.js';
import { createTestLocks } from '../../helpers/refresh-page.js';
import { CLIENT_ID } from '../../helpers/twitch.js';

const PREFIX = `twitch-spa-login:${CLIENT_ID}:`;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A page scope without listeners of its own: `navigator` as given. */
function scope(
  navigator?: PageScope['navigator'],
  BroadcastChannel?: typeof globalThis.BroadcastChannel,
): PageScope {
  return {
    ...(navigator && { navigator }),
    ...(BroadcastChannel && { BroadcastChannel }),
    addEventListener: () => {
      throw new Error('no listener expected');
    },
  };
}

/** An offline page: `goOnline()` fires its `online` event; `listening` is every listen's options. */
function offlinePage() {
  const target = new EventTarget();
  const listening: unknown[] = [];
  const page: PageScope = {
    navigator: { onLine: false },
    addEventListener: (type, listener, options) => {
      listening.push(options);
      target.addEventListener(type, listener, options);
    },
  };
  return { page, listening, goOnline: () => target.dispatchEvent(new Event('online')) };
}

afterEach(() => {
  localStorage.clear();
});

describe('the refresh page', () => {
  it('uses the Web Locks of the page', () => {
    const locks = createTestLocks();
    expect(pageOf(PREFIX, {}, scope({ onLine: true, locks })).locks).toBe(locks);
  });

  it('has no locks where the navigator has none, or where there is no navigator', () => {
    expect(pageOf(PREFIX, {}, scope({ onLine: true, locks: null })).locks).toBeNull();
    expect(pageOf(PREFIX, {}, scope({ onLine: true })).locks).toBeNull();
    expect(pageOf(PREFIX, {}, scope()).locks).toBeNull();
  });

  it("uses the page's BroadcastChannel, or none where the page has none", () => {
    const { Channel } = createChannelBus();
    expect(pageOf(PREFIX, {}, scope({ onLine: true }, Channel)).Channel).toBe(Channel);
    expect(pageOf(PREFIX, {}, scope({ onLine: true })).Channel).toBeNull();
  });

  it('is online at once when the browser does not say it is offline', async () => {
    await expect(pageOf(PREFIX, {}, scope({ onLine: true })).online()).resolves.toBeUndefined();
    await expect(pageOf(PREFIX, {}, scope()).online()).resolves.toBeUndefined();
  });

  it("waits for the page's online event (listening once) when the browser says it is offline", async () => {
    const offline = offlinePage();
    let online = false;
    void pageOf(PREFIX, {}, offline.page)
      .online()
      .then(() => (online = true));
    await flush();
    expect(online).toBe(false);

    offline.goOnline();
    await flush();
    expect(online).toBe(true);
    expect(offline.listening).toEqual([{ once: true }]);
  });

  it("keeps what tabs share in the origin's localStorage, under the client's prefix", () => {
    pageOf(PREFIX, {}, scope()).shared.set('spent', '{}');
    expect(localStorage.getItem(`${PREFIX}spent`)).toBe('{}');
    expect(createKeyValueStore('local', PREFIX).get('spent')).toBe('{}');
  });

  it('gives each page a random id of its own', () => {
    const [one, two] = [pageOf(PREFIX, {}, scope()), pageOf(PREFIX, {}, scope())];
    expect(one.tab).toMatch(/^[\w-]{16,}$/);
    expect(one.tab).not.toBe(two.tab);
  });

  it('takes the parts a test gives in place of its own', () => {
    const locks = createTestLocks();
    const page = pageOf(PREFIX, { locks, Channel: null, tab: 'tab-1' }, offlinePage().page);
    expect(page).toMatchObject({ locks, Channel: null, tab: 'tab-1' });
  });

  it('looks at the window when given no scope', async () => {
    // happy-dom: no Web Locks, Node's BroadcastChannel, always online.
    const page = pageOf(PREFIX);
    expect(page.locks).toBeNull();
    expect(page.Channel).toBe(BroadcastChannel);
    await expect(page.online()).resolves.toBeUndefined();
  });
});
