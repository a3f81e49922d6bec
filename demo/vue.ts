import { createApp, defineComponent, h, ref, watchEffect } from 'vue';
import { createTwitchAuth } from '../src/index';
import { createTwitchAuthPlugin, useTwitchAuth } from '../src/vue/index';
import { describeError } from './messages';

declare const __DEMO_CONFIG__: { clientId: string; endpoints: Record<string, string> };

const auth = createTwitchAuth({
  clientId: __DEMO_CONFIG__.clientId,
  redirectUri: `${location.origin}/vue.html`,
  endpoints: __DEMO_CONFIG__.endpoints,
});

const Account = defineComponent(() => {
  const { isLoading, isAuthenticated, user, error, login, logout } = useTwitchAuth();
  const helix = ref<string | null>(null);
  watchEffect(() => {
    if (!isLoading.value) document.body.dataset['ready'] = 'true';
  });
  const callHelix = async () => {
    try {
      const response = await auth.helix('/users');
      helix.value = `${response.status} ${JSON.stringify(await response.json())}`;
    } catch (failure) {
      helix.value = describeError(failure);
    }
  };
  return () => [
    h('h1', 'twitch-spa-login + Vue'),
    error.value === null
      ? null
      : h('p', { class: 'status', 'data-testid': 'status' }, describeError(error.value)),
    isLoading.value
      ? h('p', 'Loading…')
      : isAuthenticated.value
        ? [
            h('div', { class: 'user' }, [
              user.value?.picture === undefined
                ? null
                : h('img', { src: user.value.picture, alt: '', width: 56, height: 56 }),
              h(
                'div',
                { class: 'name', 'data-testid': 'user-name' },
                user.value?.displayName ?? user.value?.id,
              ),
            ]),
            h('div', { class: 'row' }, [
              h(
                'button',
                { class: 'primary', 'data-testid': 'call-helix', onClick: () => void callHelix() },
                'Call Helix',
              ),
              h('button', { 'data-testid': 'logout', onClick: () => void logout() }, 'Sign out'),
            ]),
            helix.value === null
              ? null
              : h('pre', { class: 'result', 'data-testid': 'helix-result' }, helix.value),
          ]
        : h('div', { class: 'row' }, [
            h(
              'button',
              { class: 'primary', 'data-testid': 'login', onClick: () => void login() },
              'Sign in with Twitch',
            ),
          ]),
  ];
});

createApp(Account).use(createTwitchAuthPlugin(auth)).mount('#app');
