// The popup hand-back accepts the login response only from the popup it opened, on this page's
// origin, for this login's state: anything else on the page's message bus is ignored.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultTimers } from '../../../src/internal/env';
import {
  type PopupHost,
  type PopupSelf,
  handBack,
  openPopup,
  waitForPopup,
} from '../../../src/login/popup';
import { rejection } from '../../helpers/thrown';

const STATE = 'popup.state-under-test';
const HREF = 'http://localhost:3000/callback#access_token=x&state=popup.state-under-test';

/** A stand-in for the popup window: only `closed` is read. */
function fakePopup(): Window {
  return { closed: false } as unknown as Window;
}

function post(data: unknown, origin: string, source: unknown): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
}

const message = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  source: 'twitch-spa-login',
  state: STATE,
  href: HREF,
  ...overrides,
});

/** Settles with what the wait gave, or 'waiting' when nothing did within a few ticks. */
async function outcome(wait: Promise<string>): Promise<string> {
  const ticks = new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 30));
  return Promise.race([wait.catch((error: unknown) => `rejected: ${String(error)}`), ticks]);
}

/** What the wait has given by now, without letting any time pass (for fake timers). */
async function outcomeNow(wait: Promise<string>): Promise<string> {
  return Promise.race([
    wait.then(
      (href) => href,
      (error: unknown) => `rejected: ${String(error)}`,
    ),
    Promise.resolve('waiting'),
  ]);
}

const waits: { popup: Window }[] = [];
afterEach(() => {
  // End every wait that is still listening (the popup "closes"), so no listener outlives a test.
  for (const w of waits.splice(0)) (w.popup as { closed: boolean }).closed = true;
});

function start(Channel: typeof BroadcastChannel | null = BroadcastChannel): {
  popup: Window;
  wait: Promise<string>;
} {
  const popup = fakePopup();
  waits.push({ popup });
  const wait = waitForPopup(popup, STATE, 60_000, defaultTimers, Channel);
  wait.catch(() => undefined);
  return { popup, wait };
}

describe('popup hand-back', () => {
  it('takes the response from its own popup, on its own origin, for its state', async () => {
    const { popup, wait } = start();
    post(message(), location.origin, popup);
    await expect(outcome(wait)).resolves.toBe(HREF);
  });

  it.each([
    ['another origin', () => message(), 'https://evil.example', 'popup'],
    ['another window', () => message(), 'own', 'other'],
    ['another state', () => message({ state: 'popup.someone-elses' }), 'own', 'popup'],
    ['another sender tag', () => message({ source: 'not-us' }), 'own', 'popup'],
    ['no href', () => message({ href: 42 }), 'own', 'popup'],
    ['a string', () => 'access_token=x', 'own', 'popup'],
    ['nothing (null)', () => null, 'own', 'popup'],
  ])(
    'ignores a message from %s, and still takes the real one after it',
    async (_what, data, origin, source) => {
      const { popup, wait } = start();
      post(
        data(),
        origin === 'own' ? location.origin : origin,
        source === 'popup' ? popup : fakePopup(),
      );
      await expect(outcome(wait)).resolves.toBe('waiting');
      post(message(), location.origin, popup);
      await expect(outcome(wait)).resolves.toBe(HREF);
    },
  );
});

describe('opening the popup', () => {
  function host(opened: Window | null) {
    const calls: unknown[][] = [];
    const h = {
      screenX: 100,
      screenY: 50,
      outerWidth: 1301,
      outerHeight: 1000,
      open: (...args: unknown[]) => {
        calls.push(args);
        return opened;
      },
    };
    return { h: h as unknown as PopupHost & typeof h, calls };
  }

  it('opens the authorize URL in a named popup centred over the page', () => {
    const popup = fakePopup();
    const { h, calls } = host(popup);
    expect(openPopup('https://id.twitch.tv/oauth2/authorize?x=1', h)).toBe(popup);
    // left = 100 + (1301 - 500) / 2 = 500.5 → 501; top = 50 + (1000 - 720) / 2 = 190
    expect(calls).toEqual([
      [
        'https://id.twitch.tv/oauth2/authorize?x=1',
        'twitch-spa-login',
        'popup=yes,width=500,height=720,left=501,top=190',
      ],
    ]);
  });

  it('keeps the popup on screen when the page is smaller than the popup', () => {
    const { h, calls } = host(fakePopup());
    Object.assign(h, { screenX: 0, screenY: 0, outerWidth: 300, outerHeight: 400 });
    openPopup('https://id.twitch.tv/oauth2/authorize', h);
    expect(calls[0]?.[2]).toBe('popup=yes,width=500,height=720,left=0,top=0');
  });

  it('throws popup_blocked when the browser gives no window', () => {
    const { h } = host(null);
    expect(() => openPopup('https://id.twitch.tv/oauth2/authorize', h)).toThrow(
      expect.objectContaining({
        name: 'TwitchAuthError',
        code: 'popup_blocked',
        message: expect.stringMatching(/blocked the login popup.*in a click handler/),
      }),
    );
  });
});

describe('waiting for the popup', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up with popup_timeout after the timeout, and stops listening', async () => {
    vi.useFakeTimers();
    const popup = fakePopup();
    const wait = waitForPopup(popup, STATE, 10_000, defaultTimers);
    const result = rejection(wait);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(await outcomeNow(wait)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toMatchObject({
      code: 'popup_timeout',
      message: expect.stringMatching(/did not finish in time/),
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports popup_closed shortly after the user closes the popup', async () => {
    vi.useFakeTimers();
    const popup = fakePopup();
    const wait = waitForPopup(popup, STATE, 60_000, defaultTimers);
    const result = rejection(wait);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(await outcomeNow(wait)).toBe('waiting');
    (popup as { closed: boolean }).closed = true;
    await vi.advanceTimersByTimeAsync(500);
    // Closed is seen at the next poll, then a short grace lets a message on its way arrive.
    expect(await outcomeNow(wait)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(300);
    expect(await result).toMatchObject({
      code: 'popup_closed',
      message: expect.stringMatching(/closed before the login finished/),
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('still takes a response that arrives in the grace after the popup closed', async () => {
    vi.useFakeTimers();
    const popup = fakePopup();
    const wait = waitForPopup(popup, STATE, 60_000, defaultTimers);
    (popup as { closed: boolean }).closed = true;
    await vi.advanceTimersByTimeAsync(500);
    post(message(), location.origin, popup);
    await expect(wait).resolves.toBe(HREF);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps waiting while reading `closed` throws (a cross-origin popup)', async () => {
    vi.useFakeTimers();
    const popup = {
      get closed(): boolean {
        throw new Error('SecurityError');
      },
    } as unknown as Window;
    const wait = waitForPopup(popup, STATE, 5_000, defaultTimers);
    const result = rejection(wait);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcomeNow(wait)).toBe('waiting');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await result).toMatchObject({ code: 'popup_timeout' });
  });

  it('takes the response over the state-keyed channel when window.opener was cut', async () => {
    const { wait } = start();
    const other = new BroadcastChannel('twitch-spa-login:popup:popup.another-state');
    other.postMessage(message());
    other.close();
    await expect(outcome(wait)).resolves.toBe('waiting');
    const channel = new BroadcastChannel(`twitch-spa-login:popup:${STATE}`);
    channel.postMessage(message({ state: 'popup.another-state' }));
    await expect(outcome(wait)).resolves.toBe('waiting');
    channel.postMessage(message());
    channel.close();
    await expect(outcome(wait)).resolves.toBe(HREF);
  });

  it('without BroadcastChannel, takes the response from the message bus alone', async () => {
    const { popup, wait } = start(null);
    const channel = new BroadcastChannel(`twitch-spa-login:popup:${STATE}`);
    channel.postMessage(message());
    channel.close();
    await expect(outcome(wait)).resolves.toBe('waiting');
    post(message(), location.origin, popup);
    await expect(outcome(wait)).resolves.toBe(HREF);
  });

  it("uses the page's BroadcastChannel when none is passed", async () => {
    const popup = fakePopup();
    waits.push({ popup });
    const wait = waitForPopup(popup, STATE, 60_000, defaultTimers);
    const channel = new BroadcastChannel(`twitch-spa-login:popup:${STATE}`);
    channel.postMessage(message());
    channel.close();
    await expect(outcome(wait)).resolves.toBe(HREF);
  });
});

describe('handing the response back', () => {
  afterEach(() => vi.useRealTimers());
  function self(opener: unknown): PopupSelf & { opener: unknown; closed: number } {
    return {
      opener,
      closed: 0,
      location: { origin: 'http://localhost:3000' } as Location,
      close() {
        this.closed += 1;
      },
    };
  }

  it('posts to the opener on its own origin only, and on the state-keyed channel', async () => {
    const posted: unknown[][] = [];
    const opener = { postMessage: (...args: unknown[]) => void posted.push(args) };
    const channel = new BroadcastChannel(`twitch-spa-login:popup:${STATE}`);
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    expect(handBack(HREF, STATE, defaultTimers, self(opener))).toBe(true);
    expect(posted).toEqual([[message(), 'http://localhost:3000']]);
    await expect(heard).resolves.toEqual(message());
    channel.close();
  });

  it('does not post to itself when it has no opener of its own', () => {
    const posted: unknown[] = [];
    const me = self(null);
    me.opener = me;
    (me as unknown as { postMessage: (m: unknown) => void }).postMessage = (m) =>
      void posted.push(m);
    expect(handBack(HREF, STATE, defaultTimers, me)).toBe(true);
    expect(posted).toEqual([]);
  });

  it('still hands back over the channel when posting to the opener throws', async () => {
    const opener = {
      postMessage: () => {
        throw new Error('opener gone');
      },
    };
    const channel = new BroadcastChannel(`twitch-spa-login:popup:${STATE}`);
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    expect(handBack(HREF, STATE, defaultTimers, self(opener))).toBe(true);
    await expect(heard).resolves.toEqual(message());
    channel.close();
  });

  it('without BroadcastChannel, posts to the opener alone', () => {
    const posted: unknown[][] = [];
    const opener = { postMessage: (...args: unknown[]) => void posted.push(args) };
    expect(handBack(HREF, STATE, defaultTimers, self(opener), null)).toBe(true);
    expect(posted).toEqual([[message(), 'http://localhost:3000']]);
  });

  it.each([
    ['no opener', null],
    [
      'an opener that throws',
      {
        postMessage: () => {
          throw new Error('opener gone');
        },
      },
    ],
  ])(
    'without BroadcastChannel and with %s, reports nobody to hand to and stays open',
    async (_what, opener) => {
      vi.useFakeTimers();
      const me = self(opener);
      expect(handBack(HREF, STATE, defaultTimers, me, null)).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(me.closed).toBe(0);
    },
  );

  it('closes the popup 50 ms after handing back, so the message leaves first', async () => {
    vi.useFakeTimers();
    const me = self({ postMessage: () => undefined });
    handBack(HREF, STATE, defaultTimers, me);
    await vi.advanceTimersByTimeAsync(49);
    expect(me.closed).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(me.closed).toBe(1);
  });
});
