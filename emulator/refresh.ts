// The refresh-token grant's rules, apart from HTTP: which outcome a refresh token meets, what it
// does to the user's tokens, and the log `refreshAttempts()` reads. token.ts sends the answer.
import {
  CONFIDENTIAL_DEVICE_REFRESH_NEEDS_SECRET,
  REFRESH_REVOKES_PREVIOUS_ACCESS_TOKEN,
  SPENT_REFRESH_TOKEN_KILLS_GRANT,
} from './facts.js';
import { randomString } from './http.js';
import type { EmulatorState, Grant } from './state.js';
import type { RefreshOutcome } from './types.js';

export interface RefreshRequest {
  readonly clientId: string;
  readonly refreshToken: string | null;
  readonly clientSecret: string | null;
}

/** The grant a refresh token belongs to, whether it is the live one or a rotated-away one. */
function findGrant(
  state: EmulatorState,
  token: string,
): { grant: Grant; spent: boolean } | undefined {
  for (const grant of state.grants.values()) {
    if (grant.refreshToken === token) return { grant, spent: false };
    if (grant.spentRefreshTokens.has(token)) return { grant, spent: true };
  }
  return undefined;
}

function outcomeOf(
  state: EmulatorState,
  request: RefreshRequest,
  grant: Grant,
  spent: boolean,
): RefreshOutcome {
  // Reuse is checked first: even a dead grant's spent token ends the user's other grants.
  if (spent) return SPENT_REFRESH_TOKEN_KILLS_GRANT ? 'spent_reuse' : 'unknown';
  if (grant.revoked) return 'revoked';
  if (state.refreshIdle(grant)) return 'idle_expired';
  const needsSecret =
    CONFIDENTIAL_DEVICE_REFRESH_NEEDS_SECRET &&
    state.clients.get(grant.clientId)?.type === 'confidential';
  if (needsSecret && (request.clientSecret ?? '') === '') return 'missing_client_secret';
  return 'rotated';
}

/**
 * Applies one refresh-token request: logs it, and on `rotated` revokes the grant's earlier access
 * tokens and rotates its refresh token; on `spent_reuse` ends the user's connection to the app.
 * Returns the grant to issue new tokens from when the outcome is `rotated`.
 */
export function useRefreshToken(
  state: EmulatorState,
  request: RefreshRequest,
): { outcome: RefreshOutcome; grant?: Grant } {
  const found =
    request.refreshToken === null || request.refreshToken === ''
      ? undefined
      : findGrant(state, request.refreshToken);
  // Another client's token is as unknown to this client as a made-up one.
  const grant = found?.grant.clientId === request.clientId ? found.grant : undefined;
  const outcome =
    grant === undefined ? 'unknown' : outcomeOf(state, request, grant, found?.spent === true);
  state.refreshAttempts.push({
    at: state.now(),
    clientId: request.clientId,
    ...(grant === undefined ? {} : { userId: grant.userId, grantId: grant.id }),
    outcome,
  });
  if (grant === undefined) return { outcome };
  if (outcome === 'spent_reuse') state.endConnection(grant.clientId, grant.userId);
  if (outcome !== 'rotated') return { outcome };
  if (REFRESH_REVOKES_PREVIOUS_ACCESS_TOKEN) {
    for (const record of state.tokens.values())
      if (record.grantId === grant.id) record.revoked = true;
  }
  grant.spentRefreshTokens.add(grant.refreshToken);
  grant.refreshToken = randomString(50);
  grant.refreshTouchedAt = state.now();
  return { outcome, grant };
}
