import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { createTwitchAuthPlugin, useTwitchAuth } from '../../src/vue/index';
import { useFreshPage } from '../helpers/page';
import { createHarness } from '../helpers/twitch';

const created = useFreshPage();

const Status = defineComponent(() => {
  const { isLoading, isAuthenticated, user, error } = useTwitchAuth();
  return () =>
    h(
      'p',
      `${isLoading.value ? 'loading' : isAuthenticated.value ? `in:${user.value?.id}` : 'out'}${error.value === null ? '' : ` error:${error.value.code}`}`,
    );
});

describe('vue adapter', () => {
  it('handles the redirect on install and reacts to login and logout', async () => {
    const harness = await createHarness();
    created.push(harness.auth);
    history.replaceState(null, '', await harness.callbackUrl());
    const wrapper = mount(Status, { global: { plugins: [createTwitchAuthPlugin(harness.auth)] } });
    expect(wrapper.text()).toBe('loading');
    await vi.waitFor(() => expect(wrapper.text()).toBe('in:141981764'));
    await harness.auth.logout({ revoke: false });
    await nextTick();
    expect(wrapper.text()).toBe('out');
    wrapper.unmount();
  });

  it('exposes callback errors', async () => {
    const harness = await createHarness();
    created.push(harness.auth);
    history.replaceState(null, '', '/callback#access_token=a&state=nope&token_type=bearer');
    const wrapper = mount(Status, { global: { plugins: [createTwitchAuthPlugin(harness.auth)] } });
    await vi.waitFor(() => expect(wrapper.text()).toBe('out error:no_pending_request'));
  });

  it('keeps error null for a stale callback while signed in (the Back button), and follows hasScopes', async () => {
    const harness = await createHarness();
    created.push(harness.auth);
    const used = await harness.callbackUrl();
    await harness.auth.handleRedirect(used);
    history.replaceState(null, '', used); // the consent page again, Authorize: the used state comes back
    const Scopes = defineComponent(() => {
      const { hasScopes, error, isLoading } = useTwitchAuth();
      return () =>
        h(
          'p',
          `${isLoading.value ? 'loading' : 'ready'} openid:${hasScopes('openid')}${error.value === null ? '' : ` error:${error.value.code}`}`,
        );
    });
    const wrapper = mount(Scopes, { global: { plugins: [createTwitchAuthPlugin(harness.auth)] } });
    await vi.waitFor(() => expect(wrapper.text()).toBe('ready openid:true'));
    expect(harness.auth.isAuthenticated()).toBe(true);
    await harness.auth.logout({ revoke: false });
    await nextTick();
    expect(wrapper.text()).toBe('ready openid:false');
    wrapper.unmount();
  });

  it('throws a clear error without the plugin', () => {
    expect(() => mount(Status)).toThrow(/createTwitchAuthPlugin/);
  });
});
