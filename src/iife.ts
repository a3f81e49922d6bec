// The script-tag build: Vite wraps this module's exports in `var TwitchLogin = (...)`, so
// `window.TwitchLogin` carries exactly the ESM entry's exports.
export * from './index.js';
