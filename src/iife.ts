// The script-tag build: Vite wraps this module's exports in `var TwitchLogin = (...)`, so
// `window.TwitchLogin` carries the ESM entry's exports, plus the device login (`TwitchLogin.startDeviceLogin`).
export * from './index.js';
export { startDeviceLogin } from './device/index.js';
