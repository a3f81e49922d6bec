import { createTwitchAuth } from '../src/index';
import { describeError } from './messages';
import { $, log } from './page';

interface DemoConfig {
  readonly clientId: string;
  readonly endpoints: Record<string, string>;
  readonly emulator: string | null;
}
declare const __DEMO_CONFIG__: DemoConfig;
const config = __DEMO_CONFIG__;

const auth = createTwitchAuth({
  clientId: config.clientId,
  redirectUri: `${location.origin}/`,
  scopes: ['user:read:email'],
  claims: {
    id_token: { email: null, email_verified: null, picture: null, preferred_username: null },
  },
  endpoints: config.endpoints,
});

function status(message: string): void {
  $('status').textContent = message;
}

function render(): void {
  const session = auth.session;
  $('signed-in').hidden = session === null;
  $('signed-out').hidden = session !== null;
  document.body.dataset['state'] = session === null ? 'signed-out' : 'signed-in';
  if (session === null) {
    $('helix-result').hidden = true;
    return;
  }
  const user = session.user;
  $('user-name').textContent = user?.displayName ?? user?.login ?? user?.id ?? 'Twitch user';
  $('user-detail').textContent = [user?.login, user?.email].filter(Boolean).join(' · ');
  const avatar = $<HTMLImageElement>('avatar');
  if (user?.picture !== undefined) avatar.src = user.picture;
  $('expiry').textContent =
    session.expiresAt === undefined
      ? 'Token expiry: asking Twitch…'
      : `Token expires ${new Date(session.expiresAt).toLocaleString()}`;
}

auth.on('login', ({ session }) => {
  log(
    'login',
    `user ${session.user?.id ?? '?'} with scopes: ${session.scopes.join(' ') || '(none)'}`,
  );
  render();
});
auth.on('logout', ({ reason }) => {
  log('logout', `reason: ${reason}`);
  render();
});
auth.on('expiring', ({ secondsLeft }) => log('expiring', `${secondsLeft} s left`));
auth.on('error', ({ error }) => log('error', describeError(error)));

$('login').addEventListener('click', () => {
  auth.login().catch(showError);
});
$('login-popup').addEventListener('click', () => {
  auth.login({ popup: true }).then(render, showError);
});
$('logout').addEventListener('click', () => {
  void auth.logout().then(render);
});
$('validate').addEventListener('click', () => {
  auth.validate().then((result) => {
    log('info', `validated: ${result.expiresIn ?? '∞'} s left`);
    render();
  }, showError);
});
$('call-helix').addEventListener('click', async () => {
  const output = $('helix-result');
  try {
    // Relative to endpoints.helix: the same line works against Twitch and the emulator.
    const response = await auth.helix('/users');
    output.textContent = `${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
  } catch (error) {
    output.textContent = describeError(error);
  }
  output.hidden = auth.session === null;
  render();
});

function showError(error: unknown): void {
  status(describeError(error));
  render();
}

$('backend').textContent =
  config.emulator === null ? 'Talking to real Twitch.' : 'Talking to the local Twitch emulator.';

auth.handleRedirect().then(
  () => {
    render();
    document.body.dataset['ready'] = 'true';
  },
  (error: unknown) => {
    showError(error);
    document.body.dataset['ready'] = 'true';
  },
);
render();
