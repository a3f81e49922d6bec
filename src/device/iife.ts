// The device add-on script (twitch-spa-login.device.iife.js), loaded after the core script: it
// puts startDeviceLogin, and the refresh code the core asks for, on window.TwitchLogin. A script
// entry, never imported: running on load is its whole purpose.
import { startDeviceLogin } from './index.js';
import * as refresher from './refresher.js';

const core = (globalThis as { TwitchLogin?: Record<PropertyKey, unknown> }).TwitchLogin;
if (core === undefined) {
  console.error(
    'twitch-spa-login.device.iife.js needs window.TwitchLogin: load twitch-spa-login.iife.js first.',
  );
} else {
  core['startDeviceLogin'] = startDeviceLogin;
  core[Symbol.for('twitch-spa-login.refresher')] = refresher;
}
