// Public API of twitch-spa-login. Every export is named on purpose; internals (parsers, the key
// set cache, timers) stay private so they can change without a breaking release.
export { createTwitchAuth } from './client.js';
export type { LoginCallOptions, LogoutOptions, TwitchAuth } from './twitch-auth.js';
export type { LoginOptions } from './authorize.js';
export { TwitchAuthError, isTwitchAuthError, ERROR_CODES } from './errors.js';
export type { TwitchAuthErrorCode, TwitchAuthErrorDetails } from './errors.js';
export type {
  LogoutReason,
  TwitchAuthEventHandler,
  TwitchAuthEventName,
  TwitchAuthEvents,
} from './events.js';
export { TWITCH_ENDPOINTS } from './endpoints.js';
export type { TwitchEndpoints } from './endpoints.js';
export type { TwitchAuthOptions, TwitchClaim, TwitchClaimsRequest } from './options.js';
export { TWITCH_SCOPES, isTwitchScope } from './scopes.js';
export type { TwitchScope } from './scopes.js';
export type { Session, TwitchUser } from './session.js';
export { createMemoryStorage } from './storage.js';
export type { StorageLike, StorageOption } from './storage.js';
export type { ValidateResult } from './twitch-api.js';
