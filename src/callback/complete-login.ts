// The lazy callback path: loaded with a dynamic import() the first time a page meets a login
// response, together with the strict parser, ID token verification, the key set cache and jose.
// It reads and consumes the pending request but writes no session: the caller begins it.
import type { CallbackUrl } from './url.js';
import { matchResponse, parseAuthResponse, twitchError } from './response.js';
import type { Timers } from '../internal/env.js';
import { TwitchAuthError } from '../internal/errors.js';
import { verifyIdToken } from '../id-token/verify.js';
import { createJwksCache } from '../id-token/jwks.js';
import type { ResolvedConfig } from '../config/options.js';
import type { PendingRequest } from '../login/pending.js';
import { takePendingRequest } from '../login/pending-take.js';
import {
  type Session,
  type TwitchUser,
  applyValidation,
  createSession,
} from '../session/session.js';
import { userFromClaims } from '../id-token/claims.js';
import type { KeyValueStore } from '../session/storage.js';
import { validateToken } from '../api/oauth-calls.js';

export interface LoginCompleterDeps {
  readonly config: ResolvedConfig;
  /** sessionStorage under the client's prefix: pending requests and the key set. */
  readonly transient: KeyValueStore;
  readonly fetch: () => typeof fetch;
  readonly now: () => number;
  readonly timers: Timers;
}

/** A verified login, not stored yet, and the request it answered (for `returnTo` and `mode`). */
export interface CompletedLogin {
  readonly session: Session;
  readonly request: PendingRequest;
}

export interface LoginCompleter {
  /**
   * Parses the response in full, takes its pending request (single use), matches the two,
   * verifies the ID token and builds the session. Writes nothing but the consumed request.
   * `keySet` is a key set request the eager part already sent; `null` means "no response".
   * `needUser` (a live session must be told apart from another user's): in plain OAuth mode,
   * `/oauth2/validate` names the user.
   */
  complete(
    callback: CallbackUrl,
    keySet?: Promise<Response>,
    needUser?: boolean,
  ): Promise<CompletedLogin | null>;
  /** Starts loading the key set now (a popup login is on its way). */
  warm(keySet?: Promise<Response>): void;
}

/**
 * The lazy half of a login, one per client (its key set cache lives as long as the client).
 *
 * @example
 * ```ts
 * const done = await createLoginCompleter(completerDeps).complete(readCallbackUrl(new URL(href)));
 * if (done !== null) state.begin(done.session);
 * ```
 */
export function createLoginCompleter(deps: LoginCompleterDeps): LoginCompleter {
  const { config, now } = deps;
  const jwks = createJwksCache({
    url: config.endpoints.jwks,
    fetch: deps.fetch,
    store: deps.transient,
    now,
    timeoutMs: config.jwksTimeoutMs,
    timers: deps.timers,
  });

  return {
    warm(keySet) {
      if (config.responseType === 'token id_token') jwks.warm(keySet);
    },
    async complete(callback, keySet, needUser = false) {
      if (keySet !== undefined) jwks.warm(keySet);
      // Parsed before the pending request is looked at, so a malformed URL consumes nothing.
      const response = parseAuthResponse(callback);
      if (response === null) return null;
      let request: PendingRequest;
      try {
        if (response.state === undefined) {
          throw new TwitchAuthError('state_missing', 'The login response carries no state.');
        }
        request = takePendingRequest(deps.transient, response.state, now());
      } catch (error) {
        // An error response creates nothing, so Twitch's own error is the useful report even when
        // it answers no login of this tab: Twitch sends redirect_mismatch to the app's first
        // registered URL, where no login is pending. A success response must match, always.
        throw response.kind === 'error' ? twitchError(response) : error;
      }
      const { accessToken, idToken, scopes } = matchResponse(response, request);
      let user: TwitchUser | undefined;
      if (request.responseType === 'token id_token') {
        if (idToken === undefined || request.nonce === undefined) {
          throw new TwitchAuthError('missing_param', 'The login response has no id_token.');
        }
        const claims = await verifyIdToken(idToken, {
          clientId: config.clientId,
          issuer: request.issuer,
          nonce: request.nonce,
          accessToken,
          clockSkewSeconds: config.clockSkewSeconds,
          maxAgeSeconds: config.maxIdTokenAgeSeconds,
          now: now(),
          getKey: jwks.getKey,
        });
        user = userFromClaims(claims);
      }
      let session = createSession({
        accessToken,
        tokenType: 'bearer',
        scopes,
        ...(idToken === undefined ? {} : { idToken }),
        ...(user === undefined ? {} : { user }),
        createdAt: now(),
      });
      if (needUser && user === undefined) {
        const outcome = applyValidation(
          session,
          await validateToken(deps.fetch(), config.endpoints.validate, accessToken),
          config.clientId,
          now(),
        );
        if (outcome.kind === 'validated') session = outcome.session;
      }
      return { session, request };
    },
  };
}
