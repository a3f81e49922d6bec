// `POST /oauth2/token`: the device code grant's polls and the refresh grant (its rules are in
// refresh.ts). Grants that need a secret (code, client credentials) fail as they do for a public
// client at Twitch.
import { DEVICE, TOKEN_ERRORS } from './facts.js';
import { type Ctx, type Route, readForm, send, sendError } from './http.js';
import { type RefreshRequest, useRefreshToken } from './refresh.js';
import type { EmulatorState, Grant } from './state.js';

export function tokenRoutes(state: EmulatorState): Route[] {
  /** Twitch's token response: `scope` is a JSON array here, unlike the implicit fragment. */
  const tokenResponse = (grant: Grant): Record<string, unknown> => {
    const accessToken = state.issueToken({
      clientId: grant.clientId,
      userId: grant.userId,
      scopes: grant.scopes,
      grantId: grant.id,
    });
    const record = state.tokens.get(accessToken);
    return {
      access_token: accessToken,
      expires_in: record === undefined ? 0 : state.expiresIn(record),
      refresh_token: grant.refreshToken,
      scope: grant.scopes,
      token_type: 'bearer',
    };
  };

  const deviceGrant = (ctx: Ctx, clientId: string, deviceCode: string | null): true => {
    if (deviceCode === null || deviceCode === '')
      return sendError(ctx.res, 400, TOKEN_ERRORS.missingDeviceCode);
    const record = state.deviceCodes.find((d) => d.deviceCode === deviceCode);
    if (record === undefined || record.clientId !== clientId)
      return sendError(ctx.res, 400, TOKEN_ERRORS.invalidDeviceCode);
    const status = state.deviceCodeStatus(record);
    const now = state.now();
    const early =
      record.lastPollAt !== undefined &&
      now - record.lastPollAt < record.intervalSeconds * 1000 - DEVICE.pollToleranceMs;
    record.lastPollAt = now;
    switch (status) {
      case 'used':
        return sendError(ctx.res, 400, TOKEN_ERRORS.invalidDeviceCode);
      case 'expired':
        return sendError(ctx.res, 400, TOKEN_ERRORS.expiredToken);
      case 'denied':
        return sendError(ctx.res, 400, TOKEN_ERRORS.accessDenied);
      case 'pending':
        if (early) {
          record.intervalSeconds += DEVICE.slowDownStepSeconds;
          return sendError(ctx.res, 400, TOKEN_ERRORS.slowDown);
        }
        return sendError(ctx.res, 400, TOKEN_ERRORS.authorizationPending);
      case 'approved': {
        if (record.decision?.approved !== true)
          return sendError(ctx.res, 400, TOKEN_ERRORS.invalidDeviceCode);
        record.used = true;
        const grant = state.createGrant({
          clientId,
          userId: record.decision.userId,
          scopes: record.scopes,
        });
        return send(ctx.res, 200, tokenResponse(grant));
      }
    }
  };

  const refreshGrant = (ctx: Ctx, request: RefreshRequest): true => {
    const { outcome, grant } = useRefreshToken(state, request);
    if (grant !== undefined) return send(ctx.res, 200, tokenResponse(grant));
    return sendError(
      ctx.res,
      400,
      outcome === 'missing_client_secret'
        ? TOKEN_ERRORS.missingClientSecret
        : TOKEN_ERRORS.invalidRefreshToken,
    );
  };

  const token = async (ctx: Ctx): Promise<boolean> => {
    if ((ctx.path !== '/oauth2/token' && ctx.path !== '/auth/token') || ctx.method !== 'POST')
      return false;
    const field = await readForm(ctx);
    const clientId = field('client_id');
    if (clientId === null || clientId === '')
      return sendError(ctx.res, 400, TOKEN_ERRORS.missingClientId);
    if (!state.clients.has(clientId)) return sendError(ctx.res, 400, TOKEN_ERRORS.invalidClient);
    const grantType = field('grant_type');
    if (grantType === null || grantType === '')
      return sendError(ctx.res, 400, TOKEN_ERRORS.missingGrantType);
    if (grantType === DEVICE.grantType) return deviceGrant(ctx, clientId, field('device_code'));
    if (grantType === 'refresh_token') {
      const request = {
        clientId,
        refreshToken: field('refresh_token'),
        clientSecret: field('client_secret'),
      };
      return refreshGrant(ctx, request);
    }
    if (grantType === 'authorization_code' || grantType === 'client_credentials') {
      return sendError(ctx.res, 400, TOKEN_ERRORS.invalidClientCredentials);
    }
    return sendError(ctx.res, 400, TOKEN_ERRORS.unsupportedGrantType);
  };

  return [token];
}
