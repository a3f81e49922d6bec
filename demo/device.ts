// The device login demo: the code big, a QR code of the verification URI (qrcode-generator is a
// demo dependency only, never in the SDK), Helix calls, and a refresh after the emulator expires
// the access token.
import qrcode from 'qrcode-generator';
import { startDeviceLogin, type DeviceLogin } from '../src/device/index';
import { type TwitchAuthEvents, createTwitchAuth } from '../src/index';
import { describeError } from './messages';
import { $, log } from './page';

interface DemoConfig {
  readonly clientId: string;
  readonly endpoints: Record<string, string>;
  readonly emulator: string | null;
}
declare const __DEMO_CONFIG__: DemoConfig;
const config = __DEMO_CONFIG__;

// 'local': the session (and its refresh token) survives reloads and is shared by tabs. See
// SECURITY.md for what that means for a long-lived credential.
const auth = createTwitchAuth({
  clientId: config.clientId,
  redirectUri: `${location.origin}/device.html`,
  storage: 'local',
  endpoints: config.endpoints,
});

const status = (text: string): void => {
  $('status').textContent = text;
};

let device: DeviceLogin | undefined;

function render(): void {
  const session = auth.session;
  $('signed-in').hidden = session === null;
  $('signed-out').hidden = session !== null || device !== undefined;
  $('code').hidden = session !== null || device === undefined;
  if (session !== null) {
    $('user-name').textContent = session.user?.login ?? session.user?.id ?? '';
    $('expiry').textContent =
      session.expiresAt === undefined
        ? ''
        : `Access token expires at ${new Date(session.expiresAt).toLocaleTimeString()}`;
  }
}

async function start(): Promise<void> {
  try {
    device = await startDeviceLogin(auth, { scopes: ['user:read:follows'] });
  } catch (error) {
    status(`No code could be shown. ${describeError(error)}`);
    return;
  }
  $('user-code').textContent = device.userCode;
  const link = $<HTMLAnchorElement>('verification-uri');
  link.href = device.verificationUri;
  link.textContent = device.verificationUri;
  const qr = qrcode(0, 'M');
  qr.addData(device.verificationUri);
  qr.make();
  $<HTMLImageElement>('qr').src = qr.createDataURL(4, 2);
  $('code-expiry').textContent =
    `The code expires at ${new Date(device.expiresAt).toLocaleTimeString()}.`;
  render();
  try {
    const session = await device.session;
    status(`Signed in as ${session.user?.login ?? session.user?.id ?? 'someone'}.`);
  } catch (error) {
    status(describeError(error));
  } finally {
    device = undefined;
    render();
  }
}

$('start').addEventListener('click', () => void start());
$('cancel').addEventListener('click', () => device?.cancel());
$('logout').addEventListener('click', () => void auth.logout());
$('call-helix').addEventListener('click', async () => {
  const helix = config.endpoints['helix'] ?? 'https://api.twitch.tv/helix';
  const result = $('helix-result');
  try {
    const response = await auth.fetch(`${helix}/users`);
    result.textContent = `${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
  } catch (error) {
    result.textContent = describeError(error);
  }
  result.hidden = false;
});
$('expire').hidden = config.emulator === null;
$('expire').addEventListener('click', async () => {
  // The emulator's HTTP control (a simple request: no preflight). The next Helix call gets a 401
  // and the SDK refreshes once, then retries it.
  await fetch(`${config.emulator}/_emulator/expire`, { method: 'POST', body: '{}' });
  status('The emulator expired every access token: call Helix to see the refresh.');
});

for (const name of ['login', 'logout', 'change', 'expiring', 'error'] as const) {
  auth.on(name, (payload) => {
    const detail =
      name === 'logout'
        ? (payload as TwitchAuthEvents['logout']).reason
        : name === 'error'
          ? describeError((payload as TwitchAuthEvents['error']).error)
          : name === 'change'
            ? (payload as TwitchAuthEvents['change']).session === null
              ? 'signed out'
              : 'session updated'
            : '';
    log(name, detail);
    render();
  });
}

$('backend').textContent =
  config.emulator === null ? 'Talking to real Twitch.' : 'Talking to the local Twitch emulator.';
auth.start();
render();
document.body.dataset['ready'] = 'true';
