// What the SDK takes from the page: its fetch, found where the page keeps it, and its BroadcastChannel.
import { describe, expect, it } from 'vitest';
import { pageChannel, pageFetch } from '../../../src/internal/env';
import { thrown } from '../../helpers/thrown';

describe('the page’s fetch', () => {
  it('calls the page’s fetch on the page, with the request as given', async () => {
    const calls: unknown[][] = [];
    const scope = {
      fetch(this: unknown, ...args: unknown[]) {
        calls.push([this, ...args]);
        return Promise.resolve(new Response('ok'));
      },
    };
    const init = { method: 'POST' };
    const response = await pageFetch(scope)('https://id.twitch.tv/oauth2/validate', init);
    expect(await response.text()).toBe('ok');
    expect(calls).toEqual([[scope, 'https://id.twitch.tv/oauth2/validate', init]]);
  });

  it.each([
    ['no fetch', {}],
    ['a fetch that is not a function', { fetch: 'polyfill me' }],
  ])('is environment_unsupported with %s', (_what, scope) => {
    expect(thrown(() => pageFetch(scope))).toMatchObject({
      name: 'TwitchAuthError',
      code: 'environment_unsupported',
      message: expect.stringMatching(/No fetch/),
    });
  });
});

describe('the page’s BroadcastChannel', () => {
  it('is the page’s constructor, or null where the page has none', () => {
    expect(pageChannel()).toBe(BroadcastChannel);
    expect(pageChannel({ BroadcastChannel })).toBe(BroadcastChannel);
    expect(pageChannel({})).toBeNull();
  });
});
