// `auth.validate()`: Twitch's /oauth2/validate for the current session, and what its answer means
// (the expiry learned, the session ended, or for a device session a refresh first).
import type { ResolvedConfig } from '../config/options.js';
import { TwitchAuthError, isTwitchAuthError } from '../internal/errors.js';
import type { RefreshPath } from '../session/refresh-path.js';
import { applyValidation } from '../session/session.js';
import type { SessionState } from '../session/state.js';
import { type ValidateResult, validateToken } from './oauth-calls.js';

export interface ValidationDeps {
  readonly config: ResolvedConfig;
  readonly state: SessionState;
  readonly refreshPath: RefreshPath;
  readonly fetch: () => typeof fetch;
  readonly now: () => number;
}

/**
 * The client's validate: Twitch's answer applied to the session that was current when it asked.
 *
 * @example
 * ```ts
 * const validate = createValidation({ ...deps, config, state, fetch: () => fetch, now: Date.now });
 * const { expiresIn } = await validate();
 * ```
 */
export function createValidation(deps: ValidationDeps): () => Promise<ValidateResult> {
  const { config, state } = deps;
  return async () => {
    const session = state.current();
    if (session === null)
      throw new TwitchAuthError('token_invalid', 'There is no session to validate.');
    const stillCurrent = (): boolean => state.isCurrent(session.accessToken);
    let result: ValidateResult;
    try {
      result = await validateToken(deps.fetch(), config.endpoints.validate, session.accessToken);
    } catch (error) {
      if (isTwitchAuthError(error) && error.code === 'token_invalid' && stillCurrent()) {
        // A device session refreshes (once) and validates the new token instead of ending.
        const refresher = deps.refreshPath.forSession();
        if (refresher !== undefined) return (await refresher).invalidToken(session, error);
        state.end('token_invalid', { error });
      }
      throw error;
    }
    if (!stillCurrent()) return result; // ended meanwhile
    const outcome = applyValidation(session, result, config.clientId, deps.now());
    if (outcome.kind === 'refused') {
      state.end('token_invalid', { error: outcome.error });
      throw outcome.error;
    }
    state.replace(outcome.session);
    return result;
  };
}
