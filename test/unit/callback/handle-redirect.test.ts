// handleRedirect's eager half on its own: the address bar is cleaned before anything else runs,
// one attempt per URL is shared (and adopted by another owner), a settled attempt is forgotten, and
// a popup's callback page hands the response back instead of completing it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallbackUrl } from '../../../src/callback/url';
import { defaultTimers } from '../../../src/internal/env';
import { type RedirectDeps, handleRedirect } from '../../../src/callback/handle-redirect';
import type { Session } from '../../../src/session/session';
import { useFreshPage } from '../../helpers/page';
import { rejection } from '../../helpers/thrown';

useFreshPage();
afterEach(() => vi.useRealTimers());

const PAGE = 'http://localhost:3000/callback';
const SESSION = { accessToken: 'from-complete' } as unknown as Session;
let serial = 0;
/** A callback URL no other test uses (attempts are shared page-wide while in flight). */
const callbackHref = (state = 'state'): string =>
  `${PAGE}?keep=1#access_token=token${++serial}&state=${state}`;

interface Recorded extends RedirectDeps {
  readonly calls: string[];
  readonly completed: CallbackUrl[];
  /** Settles the newest completion. */
  finish(session: Session | null): void;
  fail(error: unknown): void;
}

function deps(owner: object = {}): Recorded {
  const calls: string[] = [];
  const completed: CallbackUrl[] = [];
  let settle: { resolve(s: Session | null): void; reject(e: unknown): void } | undefined;
  return {
    owner,
    calls,
    completed,
    timers: defaultTimers,
    start: () => void calls.push(`start at ${location.href}`),
    complete: (callback) => {
      calls.push('complete');
      completed.push(callback);
      return new Promise((resolve, reject) => (settle = { resolve, reject }));
    },
    adopt: (session) => {
      calls.push('adopt');
      return session === null ? null : ({ adopted: session } as unknown as Session);
    },
    finish: (session) => settle?.resolve(session),
    fail: (error) => settle?.reject(error),
  };
}

describe('the address bar', () => {
  it('is cleaned before start-up runs, keeping other parameters and the history state', async () => {
    const href = callbackHref();
    history.replaceState({ app: 'state' }, '', href);
    const d = deps();
    const result = handleRedirect(undefined, d);
    expect(d.calls).toEqual([`start at ${PAGE}?keep=1`, 'complete']);
    expect(location.href).toBe(`${PAGE}?keep=1`);
    expect(history.state).toEqual({ app: 'state' });
    expect(d.completed[0]?.href).toBe(href);
    d.finish(SESSION);
    await expect(result).resolves.toBe(SESSION);
  });

  it('is left alone when the URL handled is not the page’s own', async () => {
    history.replaceState(null, '', `${PAGE}#not-a-response`);
    const d = deps();
    const result = handleRedirect(callbackHref(), d);
    expect(location.href).toBe(`${PAGE}#not-a-response`);
    d.finish(SESSION);
    await result;
  });

  it('is left alone when the page carries no response, which resolves null', async () => {
    history.replaceState(null, '', `${PAGE}#/route?x=1`);
    const d = deps();
    await expect(handleRedirect(undefined, d)).resolves.toBeNull();
    expect(location.href).toBe(`${PAGE}#/route?x=1`);
    expect(d.calls).toEqual([`start at ${PAGE}#/route?x=1`]);
  });

  it('an unparseable URL is invalid_callback, before start-up', async () => {
    const d = deps();
    const error = await rejection(handleRedirect('http://[not-a-host', d));
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'invalid_callback',
      message: expect.stringMatching(/^handleRedirect\(\) got an invalid URL/),
      cause: expect.any(TypeError),
    });
    expect(d.calls).toEqual([]);
  });

  it('a relative URL is read against the page', async () => {
    history.replaceState(null, '', PAGE);
    const d = deps();
    const result = handleRedirect(`/callback#access_token=rel${++serial}&state=s`, d);
    expect(d.completed[0]?.href).toBe(`${PAGE}#access_token=rel${serial}&state=s`);
    d.finish(null);
    await expect(result).resolves.toBeNull();
  });
});

describe('one attempt per URL', () => {
  it('is shared with a second call of the same owner, by URL or by its cleaned URL', async () => {
    const href = callbackHref();
    history.replaceState(null, '', href);
    const d = deps();
    const first = handleRedirect(undefined, d);
    const again = handleRedirect(href, d);
    const cleaned = handleRedirect(undefined, d); // React StrictMode: the URL is clean by now
    expect(again).toBe(first);
    expect(cleaned).toBe(first);
    expect(d.calls.filter((c) => c === 'complete')).toHaveLength(1);
    d.finish(SESSION);
    await expect(first).resolves.toBe(SESSION);
  });

  it('is adopted by another owner (a second copy of the SDK), not repeated', async () => {
    const href = callbackHref();
    const mine = deps();
    const theirs = deps();
    const first = handleRedirect(href, mine);
    const second = handleRedirect(href, theirs);
    expect(theirs.calls).toEqual([`start at ${location.href}`]);
    mine.finish(SESSION);
    await expect(first).resolves.toBe(SESSION);
    await expect(second).resolves.toEqual({ adopted: SESSION });
    expect(theirs.calls).toEqual([`start at ${location.href}`, 'adopt']);
  });

  it('is forgotten once settled, fulfilled or rejected: handling it again completes again', async () => {
    const href = callbackHref();
    const d = deps();
    const first = handleRedirect(href, d);
    d.finish(SESSION);
    await first;
    const second = handleRedirect(href, d);
    expect(second).not.toBe(first);
    d.fail(new Error('no pending request'));
    await expect(second).rejects.toThrow('no pending request');
    const third = handleRedirect(href, d);
    expect(d.calls.filter((c) => c === 'complete')).toHaveLength(3);
    d.finish(null);
    await third;
  });

  it('an older attempt settling does not forget a newer one that shares its cleaned URL', async () => {
    const older = callbackHref();
    const newer = callbackHref();
    const a = deps();
    const b = deps();
    const first = handleRedirect(older, a);
    const second = handleRedirect(newer, b);
    a.finish(SESSION);
    await first;
    // The cleaned URL (the same page for both) still leads to the newer, unsettled attempt.
    expect(handleRedirect(`${PAGE}?keep=1`, b)).toBe(second);
    b.finish(null);
    await second;
  });
});

describe('a popup’s callback page', () => {
  it('hands a popup login’s response back and closes itself, without completing it', async () => {
    vi.useFakeTimers();
    const href = callbackHref('popup.abc');
    const channel = new BroadcastChannel('twitch-spa-login:popup:popup.abc');
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    const d = deps();
    await expect(handleRedirect(href, d)).resolves.toBeNull();
    expect(d.calls).not.toContain('complete');
    expect(vi.getTimerCount()).toBe(1); // the popup closes itself in 50 ms (popup.test.ts)
    vi.useRealTimers();
    await expect(heard).resolves.toEqual({ source: 'twitch-spa-login', state: 'popup.abc', href });
    channel.close();
  });

  it('completes a response whose state only mentions the popup prefix later on', async () => {
    const d = deps();
    const result = handleRedirect(callbackHref('xpopup.abc'), d);
    expect(d.calls).toContain('complete');
    d.finish(SESSION);
    await expect(result).resolves.toBe(SESSION);
  });
});
