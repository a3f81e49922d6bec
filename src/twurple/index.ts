// twurple's AuthProvider over a twitch-spa-login client: twurple's ApiClient asks it for the
// signed-in user's token, and a 401 it reports ends our session once. Only twurple's TYPES are
// imported, so an app that bundles this entry pulls in no twurple code through it.
import type {
  AccessToken,
  AccessTokenMaybeWithUserId,
  AccessTokenWithUserId,
  AuthProvider,
} from '@twurple/auth';
import type { TwitchAuth } from '../twitch-auth.js';
import { TwitchAuthError } from '../internal/errors.js';
import { internalsOf } from '../internals.js';
import { missingScopes } from './scope-sets.js';
import type { Session } from '../session/session.js';

/** twurple's `UserIdResolvable`: a user id, or an object with one (a `HelixUser`). */
export type TwurpleUser = string | number | { readonly id: string };

/** The AuthProvider {@link createTwurpleAuthProvider} returns (twurple's interface, all methods present). */
export interface TwurpleAuthProvider extends AuthProvider {
  readonly clientId: string;
  getCurrentScopesForUser(user: TwurpleUser): string[];
  getAccessTokenForUser(
    user: TwurpleUser,
    ...scopeSets: (string[] | undefined)[]
  ): Promise<AccessTokenWithUserId>;
  getAccessTokenForIntent(
    intent: string,
    ...scopeSets: (string[] | undefined)[]
  ): Promise<AccessTokenWithUserId>;
  getAnyAccessToken(user?: TwurpleUser): Promise<AccessTokenMaybeWithUserId>;
  refreshAccessTokenForUser(user: TwurpleUser): Promise<AccessTokenWithUserId>;
}

const idOf = (user: TwurpleUser): string => (typeof user === 'object' ? user.id : String(user));

/** twurple's token shape for a session: no refresh token; the expiry once validate told it. */
function toAccessToken(session: Session): AccessTokenWithUserId {
  const obtained = session.validatedAt ?? session.createdAt;
  return {
    accessToken: session.accessToken,
    refreshToken: null,
    scope: [...session.scopes],
    expiresIn:
      session.expiresAt === undefined
        ? null
        : Math.max(0, Math.floor((session.expiresAt - obtained) / 1000)),
    obtainmentTimestamp: obtained,
    userId: session.user?.id ?? '',
  };
}

/**
 * A twurple `AuthProvider` backed by `auth`'s session, for `new ApiClient({ authProvider })`.
 *
 * - Tokens are only ever the signed-in user's: signed out rejects with `token_invalid`, another
 *   user with `user_mismatch`, and scopes the session lacks with `scope_missing` (the message
 *   names them), so the app can offer `auth.login({ scopes })` inside a click.
 * - `refreshAccessTokenForUser` (twurple calls it after a 401) ends the session once (`logout`
 *   with reason `unauthorized`) and rejects with `token_invalid`, so twurple never retries in a
 *   loop. A session that can be refreshed (refresh token) is refreshed instead.
 * - `getAnyAccessToken` gives the user's token too (a browser app has no app token).
 *
 * @example
 * ```ts
 * const authProvider = createTwurpleAuthProvider(auth);
 * const api = new ApiClient({ authProvider });
 * const me = await api.users.getUserById(auth.user?.id ?? '');
 * ```
 */
export function createTwurpleAuthProvider(auth: TwitchAuth): TwurpleAuthProvider {
  const internals = internalsOf(auth);
  const current = (user?: TwurpleUser): Session & { readonly user: { readonly id: string } } => {
    const session = internals.state.current();
    if (session?.user === undefined) {
      throw new TwitchAuthError(
        'token_invalid',
        'No user is signed in, so there is no token to give twurple.',
      );
    }
    if (user !== undefined && idOf(user) !== session.user.id) {
      throw new TwitchAuthError(
        'user_mismatch',
        `A token was asked for user ${idOf(user)}, but the signed-in user is ${session.user.id}.`,
      );
    }
    return session as Session & { readonly user: { readonly id: string } };
  };
  const withScopes = (
    session: Session,
    scopeSets: readonly (string[] | undefined)[],
  ): AccessTokenWithUserId => {
    const missing = missingScopes(session.scopes, scopeSets);
    if (missing.length > 0) {
      throw new TwitchAuthError(
        'scope_missing',
        `The session lacks the scope(s) ${missing.join(', ')}; ask for them with auth.login({ scopes }).`,
      );
    }
    return toAccessToken(session);
  };
  return {
    clientId: internals.config.clientId,
    authorizationType: 'Bearer',
    getCurrentScopesForUser: (user) => {
      const session = internals.state.current();
      return session?.user?.id === idOf(user) ? [...session.scopes] : [];
    },
    getAccessTokenForUser: async (user, ...scopeSets) => withScopes(current(user), scopeSets),
    // Every intent (twurple's ChatClient uses 'chat') is the signed-in user.
    getAccessTokenForIntent: async (_intent, ...scopeSets) => withScopes(current(), scopeSets),
    getAnyAccessToken: async (user): Promise<AccessToken & { userId: string }> =>
      toAccessToken(current(user)),
    refreshAccessTokenForUser: async (user) => {
      const session = current(user);
      const refreshed = await internals.refresh();
      if (refreshed) return toAccessToken(refreshed);
      // An implicit-flow token cannot be refreshed without the user: the 401 ends the session.
      if (internals.state.isCurrent(session.accessToken)) internals.state.end('unauthorized');
      throw new TwitchAuthError(
        'token_invalid',
        'Twitch refused the access token; the session has ended. Sign in again.',
        { status: 401 },
      );
    },
  };
}
