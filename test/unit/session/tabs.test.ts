// Tabs in step, at the transport level: BroadcastChannel where there is one, and the storage
// event. (The client-level behaviour, `logout` with reason `other_tab`, is in client.test.ts and
// the tabs e2e test.)
import { afterEach, describe, expect, it } from 'vitest';
import { type TabMessage, type TabSync, createTabSync } from '../../../src/session/tabs';

const KEY = 'twitch-spa-login:client:session';
const open: TabSync[] = [];
afterEach(() => {
  for (const sync of open.splice(0)) sync.close();
  localStorage.clear();
});

function listen(
  Channel: typeof BroadcastChannel | null,
  name = 'tabs-test',
  storage: Storage | 'none' = localStorage,
): TabMessage[] {
  const received: TabMessage[] = [];
  const area = storage === 'none' ? undefined : storage;
  open.push(createTabSync(name, KEY, area, (message) => received.push(message), Channel));
  return received;
}

const storageEvent = (init: StorageEventInit): void => {
  window.dispatchEvent(new StorageEvent('storage', init));
};

describe('tabs over BroadcastChannel', () => {
  it('reaches the other tab, not itself, and drops foreign messages', async () => {
    const mine = listen(BroadcastChannel);
    const theirs = listen(BroadcastChannel);
    open[0]?.post({ type: 'login' });
    const foreign = new BroadcastChannel('tabs-test');
    foreign.postMessage({ type: 'steal', token: 'x' });
    foreign.postMessage('logout');
    foreign.postMessage(null);
    foreign.postMessage(42);
    foreign.close();
    open[0]?.post({ type: 'logout' });
    await expect.poll(() => theirs.length).toBe(2);
    expect(theirs).toEqual([{ type: 'login' }, { type: 'logout' }]);
    expect(mine).toEqual([]);
  });

  it('also hears the storage event, which comes once the write is visible in this tab', () => {
    const received = listen(BroadcastChannel);
    storageEvent({ key: KEY, newValue: '{"v":1}', storageArea: localStorage });
    storageEvent({ key: KEY, newValue: null, storageArea: localStorage });
    expect(received).toEqual([{ type: 'login' }, { type: 'logout' }]);
  });
});

describe('tabs over the storage event (no BroadcastChannel)', () => {
  it('reads a write of the session key as login and its removal or a clear as logout', () => {
    const received = listen(null);
    storageEvent({ key: KEY, newValue: '{"v":1}', storageArea: localStorage });
    storageEvent({ key: KEY, newValue: null, storageArea: localStorage });
    storageEvent({ key: null, newValue: null, storageArea: localStorage });
    expect(received).toEqual([{ type: 'login' }, { type: 'logout' }, { type: 'logout' }]);
  });

  it('ignores other keys, other storage areas, and everything after close()', () => {
    const received = listen(null);
    storageEvent({
      key: 'twitch-spa-login:client:pending',
      newValue: '{}',
      storageArea: localStorage,
    });
    storageEvent({ key: KEY, newValue: '{}', storageArea: sessionStorage });
    open[0]?.post({ type: 'login' }); // the storage write is the message: post sends nothing
    expect(received).toEqual([]);
    open[0]?.close();
    storageEvent({ key: KEY, newValue: '{}', storageArea: localStorage });
    expect(received).toEqual([]);
  });

  it('hears no storage event when the session is not in localStorage', () => {
    const received = listen(null, 'tabs-test', 'none');
    storageEvent({ key: KEY, newValue: '{}', storageArea: localStorage });
    storageEvent({ key: KEY, newValue: '{}' });
    expect(received).toEqual([]);
  });
});
