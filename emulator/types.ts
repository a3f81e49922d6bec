import type { TwitchEndpoints } from '../src/config/endpoints.js';

/**
 * How an app is registered at Twitch (the console's "Client Type"). A confidential app completes a
 * device login without a secret, but refreshing that grant needs `client_secret`.
 *
 * @example
 * ```ts
 * const twitch = await startTwitchEmulator();
 * twitch.setClientType('emulator-client-id', 'confidential');
 * ```
 */
export type EmulatorClientType = 'public' | 'confidential';

/** A registered app. */
export interface EmulatorClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: string[];
  /** Default `public`, the type a browser-only app registers (change it with `setClientType`). */
  readonly type?: EmulatorClientType;
}

/** A seeded Twitch user. */
export interface EmulatorUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** Defaults to an SVG avatar served by the emulator. */
  readonly picture?: string;
  /** IDs of the channels this user follows (Get Followed Channels); default: every other seeded user. */
  readonly follows?: readonly string[];
}

/** Timings of the device code grant; every field is optional. */
export interface EmulatorDeviceFlowOptions {
  /** Seconds a client must wait between polls (`interval`); default 5, as Twitch. */
  readonly intervalSeconds?: number;
  /** Lifetime of a device code (`expires_in`); default 1800 s, as Twitch. */
  readonly codeLifetimeSeconds?: number;
  /** Lifetime of access tokens from the device and refresh grants; default 14 400 s (about 4 h). */
  readonly accessTokenLifetimeSeconds?: number;
  /** A refresh token unused this long is dead; default 30 days (reported, unverified). */
  readonly refreshTokenIdleSeconds?: number;
}

export interface EmulatorOptions {
  /** Default 0: a free port. Give one for twurple's `mockServerPort`. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default: one client `emulator-client-id` with no redirect URIs (add them with `addRedirectUri`). */
  readonly clients?: readonly EmulatorClient[];
  readonly users?: readonly EmulatorUser[];
  /** Access token lifetime of the implicit flows; default 5 184 000 s (60 days, like implicit tokens). */
  readonly tokenLifetimeSeconds?: number;
  /** ID token lifetime; default 900 s, as in Twitch's examples. */
  readonly idTokenLifetimeSeconds?: number;
  /** Device code grant timings. */
  readonly deviceFlow?: EmulatorDeviceFlowOptions;
  /** The emulator's clock in ms (tests). */
  readonly now?: () => number;
}

/** One logged request, without query string or tokens. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
}

/** A device code as the controls see it (never the device code itself). */
export interface EmulatorDeviceCode {
  readonly userCode: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly status: 'pending' | 'approved' | 'denied' | 'used' | 'expired';
}

/**
 * What became of one refresh-token request at the token endpoint:
 * - `rotated`: accepted; a new access token and refresh token were returned.
 * - `spent_reuse`: the refresh token was already rotated away; every token of that user for the
 *   app is revoked (twitchdev/issues#903).
 * - `unknown`: no refresh token, or one the emulator never issued to this client.
 * - `idle_expired`: unused longer than `refreshTokenIdleSeconds`, or expired by `expireRefreshToken`.
 * - `missing_client_secret`: a confidential client refreshed without `client_secret`.
 * - `revoked`: the grant was ended (revoke, `revokeGrant`, or an earlier spent reuse).
 *
 * @example
 * ```ts
 * const twitch = await startTwitchEmulator();
 * const outcomes: RefreshOutcome[] = twitch.refreshAttempts().map((a) => a.outcome);
 * ```
 */
export type RefreshOutcome =
  'rotated' | 'spent_reuse' | 'unknown' | 'idle_expired' | 'missing_client_secret' | 'revoked';

/**
 * One refresh-token request, as `refreshAttempts()` lists it. It never holds token text, so a
 * test can print it.
 *
 * @example
 * ```ts
 * const twitch = await startTwitchEmulator();
 * const reused: RefreshAttempt[] = twitch.refreshAttempts().filter((a) => a.outcome === 'spent_reuse');
 * if (reused.length > 0) throw new Error('the SDK sent a refresh token twice');
 * ```
 */
export interface RefreshAttempt {
  /** The emulator's clock (ms) when the request arrived. */
  readonly at: number;
  /** The `client_id` sent. */
  readonly clientId: string;
  /** The user of the grant the token belonged to; absent for `unknown`. */
  readonly userId?: string;
  /** An opaque id of that grant (the same across its rotations); absent for `unknown`. */
  readonly grantId?: string;
  /** What the emulator did with the request (see `RefreshOutcome`). */
  readonly outcome: RefreshOutcome;
}

/** Every URL the emulator serves, including those the SDK's `endpoints` do not name (yet). */
export interface EmulatorUrls {
  /** `POST` here to start a device login (Twitch: `https://id.twitch.tv/oauth2/device`). */
  readonly device: string;
  /** The token endpoint: device and refresh grants (Twitch: `https://id.twitch.tv/oauth2/token`). */
  readonly token: string;
  /** The activation page a user opens to enter a device login's code. */
  readonly activate: string;
  /** Helix in the Twitch CLI mock-API layout that twurple's `mockServerPort` uses. */
  readonly mock: string;
  /** OIDC userinfo (Twitch: `https://id.twitch.tv/oauth2/userinfo`); the SDK does not call it. */
  readonly userinfo: string;
  /** The HTTP control API. */
  readonly controls: string;
  /**
   * Open in a browser to forget the user its consent page remembered (the "Not you?" link goes
   * here too); the next authorize shows the choice of users again.
   */
  readonly forgetMe: string;
}

/** A running emulator and its control surface (also under `/_emulator/*` over HTTP). */
export interface TwitchEmulator {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** The port, e.g. for twurple's `mockServerPort`. */
  readonly port: number;
  /** Pass these as the SDK's `endpoints`. */
  readonly endpoints: TwitchEndpoints;
  readonly urls: EmulatorUrls;
  readonly users: readonly EmulatorUser[];
  readonly requestLog: LoggedRequest[];
  /** A new signing key; the old one stays published in the key set. */
  rotateKey(): Promise<void>;
  revokeToken(accessToken: string): void;
  /** Expires one access token, or every access token when none is given (a 401 follows). */
  expireToken(accessToken?: string): void;
  /** Lifetime of access tokens issued from now on, by every grant. */
  setTokenLifetime(seconds: number): void;
  addRedirectUri(clientId: string, uri: string): void;
  /** Forgets every earlier consent, so the consent page shows again. */
  resetConsent(): void;
  /**
   * From now on, authorize logins grant every requested scope but these (as if the user declined
   * them; the callback's `scope` and validate say so). An empty list grants everything again.
   */
  declineScopes(scopes: readonly string[]): void;
  /** Issues an access token directly (for tests that skip the browser). */
  issueToken(input: { clientId: string; userId: string; scopes: readonly string[] }): string;
  /** The device codes issued so far, newest last. */
  deviceCodes(): EmulatorDeviceCode[];
  /** Approves a device login as a seeded user (default: the first), as the activation page does. */
  approveDevice(code: string, userId?: string): void;
  /** Declines a device login; its next poll answers `access_denied`. */
  denyDevice(code: string): void;
  /** Expires a device code (user code or device code); its next poll answers that it expired. */
  expireDeviceCode(code: string): void;
  /**
   * Ends a device grant, found by any of its access or refresh tokens, or every grant when none
   * is given: its refresh token and access tokens die.
   */
  revokeGrant(token?: string): void;
  /** Expires a refresh token (or every one): the next refresh answers `Invalid refresh token`. */
  expireRefreshToken(refreshToken?: string): void;
  /**
   * Empties `requestLog`.
   *
   * @example
   * ```ts
   * const twitch = await startTwitchEmulator();
   * twitch.clearRequests();
   * ```
   */
  clearRequests(): void;
  /** Changes device code grant timings for codes and tokens issued from now on. */
  configureDeviceFlow(options: EmulatorDeviceFlowOptions): void;
  /**
   * Registers an app as public or confidential; a confidential app's device-grant refresh without
   * `client_secret` answers `missing client secret`.
   *
   * @example
   * ```ts
   * const twitch = await startTwitchEmulator();
   * twitch.setClientType('emulator-client-id', 'confidential');
   * ```
   */
  setClientType(clientId: string, type: EmulatorClientType): void;
  /**
   * Every refresh-token request since the start (or `clearRefreshAttempts`), oldest first, so a
   * test can assert that a refresh token is never sent twice.
   *
   * @example
   * ```ts
   * const twitch = await startTwitchEmulator();
   * const twice = twitch.refreshAttempts().some((a) => a.outcome === 'spent_reuse');
   * ```
   */
  refreshAttempts(): RefreshAttempt[];
  /**
   * Empties the list `refreshAttempts()` returns.
   *
   * @example
   * ```ts
   * const twitch = await startTwitchEmulator();
   * twitch.clearRefreshAttempts();
   * ```
   */
  clearRefreshAttempts(): void;
  close(): Promise<void>;
}
