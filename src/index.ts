// Public API of twitch-spa-login. Every export is named on purpose; internals (parsers, the key
// set cache, timers) stay private so they can change without a breaking release.
export { createTwitchAuth } from './client';
export type { LoginCallOptions, LoginOptions, LogoutOptions, TwitchAuth } from './client';
export { TwitchAuthError, isTwitchAuthError, ERROR_CODES } from './errors';
export type { TwitchAuthErrorCode, TwitchAuthErrorDetails } from './errors';
export type {
  LogoutReason,
  TwitchAuthEventHandler,
  TwitchAuthEventName,
  TwitchAuthEvents,
} from './events';
export { TWITCH_ENDPOINTS } from './endpoints';
export type { TwitchEndpoints } from './endpoints';
export type { TwitchAuthOptions, TwitchClaim, TwitchClaimsRequest } from './options';
export { TWITCH_SCOPES, isTwitchScope } from './scopes';
export type { TwitchScope } from './scopes';
export type { Session, TwitchUser } from './session';
export { createMemoryStorage } from './storage';
export type { StorageLike, StorageOption } from './storage';
export type { ValidateResult } from './twitch-api';
