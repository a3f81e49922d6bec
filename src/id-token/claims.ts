// Who the user is, from an ID token's verified claims (the callback path only).
import type { TwitchUser } from '../session/session.js';

/** The ID token claims the SDK reads (after verification). */
export interface IdTokenClaims {
  readonly sub: string;
  readonly preferred_username?: unknown;
  readonly email?: unknown;
  readonly email_verified?: unknown;
  readonly picture?: unknown;
  readonly [claim: string]: unknown;
}

/** Builds a {@link TwitchUser} from verified claims, ignoring claims of the wrong type. */
export function userFromClaims(claims: IdTokenClaims, login?: string): TwitchUser {
  const user: { -readonly [K in keyof TwitchUser]: TwitchUser[K] } = { id: claims.sub };
  if (login !== undefined) user.login = login;
  if (typeof claims.preferred_username === 'string' && claims.preferred_username !== '')
    user.displayName = claims.preferred_username;
  // Twitch sends email: null when the address is unverified.
  if (typeof claims.email === 'string' && claims.email !== '') user.email = claims.email;
  if (typeof claims.email_verified === 'boolean') user.emailVerified = claims.email_verified;
  if (typeof claims.picture === 'string' && /^https?:\/\//.test(claims.picture))
    user.picture = claims.picture;
  return Object.freeze(user);
}
