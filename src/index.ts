// Public API of twitch-spa-login. Every export is named on purpose; internals (parsers, the key
// set cache, timers) stay private so they can change without a breaking release.
export { createTwitchAuth } from './client.js';
export type { LoginOptions, LogoutOptions, TwitchAuth } from './twitch-auth.js';
export type { AuthorizeOptions } from './login/authorize.js';
export { TwitchAuthError, isTwitchAuthError, ERROR_CODES } from './internal/errors.js';
export type { TwitchAuthErrorCode, TwitchAuthErrorDetails } from './internal/errors.js';
export type {
  LogoutReason,
  TwitchAuthEventHandler,
  TwitchAuthEventName,
  TwitchAuthEvents,
} from './session/events.js';
export { TWITCH_ENDPOINTS } from './config/endpoints.js';
export type { TwitchEndpoints } from './config/endpoints.js';
export type { TwitchAuthOptions, TwitchClaim, TwitchClaimsRequest } from './config/options.js';
export { TWITCH_SCOPES } from './config/scopes.js';
export { TWITCH_SCOPE_NAMES, isTwitchScope } from './config/scope-names.js';
export type { TwitchScope } from './config/scope-names.js';
export type { AuthFetch } from './api/fetch-wrapper.js';
export type { Session, TwitchUser } from './session/session.js';
export { createMemoryStorage } from './session/storage.js';
export type { StorageLike, StorageOption } from './session/storage.js';
export type { ValidateResult } from './api/oauth-calls.js';
