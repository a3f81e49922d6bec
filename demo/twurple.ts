// twurple's ApiClient over our session: Helix calls with the signed-in user's token, a scope
// upgrade when a call needs more, and a 401 that ends the session once.
import { ApiClient } from '@twurple/api';
import { type TwitchAuthEvents, createTwitchAuth, isTwitchAuthError } from '../src/index';
import { describeError } from './messages';
import { createTwurpleAuthProvider } from '../src/twurple/index';

interface DemoConfig {
  readonly clientId: string;
  readonly endpoints: Record<string, string>;
}
declare const __DEMO_CONFIG__: DemoConfig;

const auth = createTwitchAuth({
  clientId: __DEMO_CONFIG__.clientId,
  redirectUri: `${location.origin}/twurple.html`,
  claims: { id_token: { preferred_username: null } },
  endpoints: __DEMO_CONFIG__.endpoints,
});
const api = new ApiClient({ authProvider: createTwurpleAuthProvider(auth) });

const $ = (id: string): HTMLElement => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing`);
  return element;
};

function log(name: keyof TwitchAuthEvents, detail: string): void {
  const item = document.createElement('li');
  item.dataset['event'] = name;
  item.textContent = `${name} ${detail}`;
  $('event-log').prepend(item);
}

function render(): void {
  const session = auth.session;
  $('signed-in').hidden = session === null;
  $('signed-out').hidden = session !== null;
  $('user-name').textContent = session?.user?.displayName ?? session?.user?.id ?? '';
  $('scopes').textContent = session?.scopes.join(' ') ?? '';
  $('upgrade').hidden = session === null || auth.hasScopes('user:read:follows');
  document.body.dataset['state'] = session === null ? 'signed-out' : 'signed-in';
}

async function show(call: () => Promise<unknown>): Promise<void> {
  const result = $('result');
  try {
    result.textContent = JSON.stringify(await call());
    result.dataset['outcome'] = 'ok';
  } catch (error) {
    result.textContent = describeError(error);
    result.dataset['outcome'] = isTwitchAuthError(error) ? error.code : 'error';
  }
}

auth.on('change', render);
auth.on('login', () => log('login', ''));
auth.on('logout', ({ reason }) => log('logout', reason));

$('login').onclick = () => void auth.login();
$('logout').onclick = () => void auth.logout();
$('upgrade').onclick = () => void auth.login({ scopes: ['user:read:follows'] });
$('get-me').onclick = () =>
  void show(async () => {
    const user = await api.users.getUserById(auth.user?.id ?? '');
    return { id: user?.id, displayName: user?.displayName };
  });
$('get-follows').onclick = () =>
  void show(async () => {
    const follows = await api.channels.getFollowedChannels(auth.user?.id ?? '');
    return { total: follows.total, first: follows.data[0]?.broadcasterDisplayName };
  });

auth
  .handleRedirect()
  .then(
    () => ($('status').textContent = ''),
    (error: unknown) => ($('status').textContent = describeError(error)),
  )
  .finally(() => {
    render();
    document.body.dataset['ready'] = 'true';
  });
