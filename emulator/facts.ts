// What the emulator answers where Twitch's behaviour is documented only in part. Everything a
// live probe could prove wrong lives here, so a correction is a one-line change. Sources and
// confidence: ../shared/TWITCH.md, "Device code grant flow" and "Helix".

/** The device code grant: `POST /oauth2/device` and its polls on `/oauth2/token`. */
export const DEVICE = Object.freeze({
  /** Twitch's parameter name on `/oauth2/device` is `scopes`, not RFC 8628's `scope`. */
  scopesParam: 'scopes',
  grantType: 'urn:ietf:params:oauth:grant-type:device_code',
  /** Twitch's example: `expires_in` 1800, `interval` 5. */
  codeLifetimeSeconds: 1800,
  intervalSeconds: 5,
  /** RFC 8628: each `slow_down` adds 5 s to the interval. */
  slowDownStepSeconds: 5,
  /** A poll this much early still counts as on time (network jitter between two requests). */
  pollToleranceMs: 100,
  /** Twitch's `verification_uri` carries the user code in `device-code` (www.twitch.tv/activate?device-code=…). */
  verificationParam: 'device-code',
  /** Eight capital letters, as in Twitch's example `SZPPRMFW`. */
  userCodeAlphabet: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  userCodeLength: 8,
  /** Device-flow access tokens: Twitch's example `expires_in` is 14 346 (about 4 h). */
  accessTokenLifetimeSeconds: 14_400,
  /** Public-client refresh tokens are reported to die after 30 days unused (unverified). */
  refreshTokenIdleSeconds: 30 * 24 * 3600,
});

/**
 * Bodies of `/oauth2/device` and `/oauth2/token` errors. Twitch answers `{status, message}` with
 * the RFC 8628 code as the message (twitchdev/issues#975) rather than RFC 6749's `{error}`.
 * Only `authorization_pending` and `Invalid refresh token` are seen in reports; the rest follow
 * the same pattern (unverified).
 */
export const TOKEN_ERRORS = Object.freeze({
  missingClientId: 'missing client_id',
  invalidClient: 'invalid client',
  invalidScope: 'invalid scope requested',
  missingGrantType: 'missing grant_type',
  unsupportedGrantType: 'unsupported grant type',
  /** A public client cannot use grants that need a secret (TWITCH.md, PKCE section). */
  invalidClientCredentials: 'Invalid client credentials',
  missingDeviceCode: 'missing device_code',
  invalidDeviceCode: 'invalid device code',
  authorizationPending: 'authorization_pending',
  slowDown: 'slow_down',
  expiredToken: 'expired_token',
  accessDenied: 'access_denied',
  invalidRefreshToken: 'Invalid refresh token',
  /** A confidential client's device-grant refresh without `client_secret` (twitchdev/issues#943). */
  missingClientSecret: 'missing client secret',
});

/**
 * Sending a refresh token that a refresh already rotated away (a spent one) does not merely fail:
 * Twitch revokes every token of that user for the app (every grant, the live refresh token too)
 * and answers `Invalid refresh token`. twitchdev/issues#903 (open since 2024-02; reproduced with
 * a Public app).
 */
export const SPENT_REFRESH_TOKEN_KILLS_GRANT = true;

/**
 * A successful refresh revokes the access token(s) the grant handed out before it: Twitch's
 * refresh page says the old tokens are revoked, and #903's report shows the old access token dead.
 */
export const REFRESH_REVOKES_PREVIOUS_ACCESS_TOKEN = true;

/**
 * A Confidential app completes a device login without a secret, but refreshing that grant without
 * `client_secret` answers `missing client secret`; a Public app's refresh needs none
 * (twitchdev/issues#943, #953; TwitchLib.Api#413).
 */
export const CONFIDENTIAL_DEVICE_REFRESH_NEEDS_SECRET = true;

/**
 * Whether revoking an access token from a device grant also kills the grant's refresh token. In
 * twitchdev/issues#943's test a refresh still worked after the access token was revoked.
 */
export const REVOKE_ENDS_GRANT = false;

/**
 * `POST /oauth2/revoke` with a refresh token as `token` ends that grant (its refresh token and
 * access tokens). This is the emulator's model: what Twitch answers to a refresh token there is
 * unverified. A spent refresh token is an unknown token here (`Invalid token`, no kill): the
 * reuse rule above is the token endpoint's.
 */
export const REVOKE_REFRESH_TOKEN_ENDS_GRANT = true;

/** Helix's 401/400 messages (library fixtures and live probes; Twitch says not to rely on them). */
export const HELIX_ERRORS = Object.freeze({
  missingToken: 'OAuth token is missing',
  invalidToken: 'Invalid OAuth token',
  clientMismatch: 'Client ID and OAuth token do not match',
  missingScope: (scope: string) => `Missing scope: ${scope}`,
  missingParam: (name: string) => `Missing required parameter "${name}"`,
  userMismatch: "The ID in user_id must match the user ID found in the request's OAuth token.",
});
