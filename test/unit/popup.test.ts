// The popup hand-back accepts the login response only from the popup it opened, on this page's
// origin, for this login's state: anything else on the page's message bus is ignored.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTimers } from '../../src/env';
import { waitForPopup } from '../../src/popup';

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

const waits: { popup: Window }[] = [];
afterEach(() => {
  // End every wait that is still listening (the popup "closes"), so no listener outlives a test.
  for (const w of waits.splice(0)) (w.popup as { closed: boolean }).closed = true;
});

function start(): { popup: Window; wait: Promise<string> } {
  const popup = fakePopup();
  waits.push({ popup });
  const wait = waitForPopup(popup, STATE, 60_000, defaultTimers);
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
