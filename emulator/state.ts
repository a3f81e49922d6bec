import { DEVICE } from './facts.js';
import { randomString } from './http.js';
import { type SigningKey, createSigningKey } from './keys.js';
import type {
  EmulatorClient,
  EmulatorClientType,
  EmulatorDeviceFlowOptions,
  EmulatorOptions,
  EmulatorUser,
  LoggedRequest,
  RefreshAttempt,
} from './types.js';

/** A registered app as the emulator keeps it: its type is always known and can change. */
export interface ClientRecord extends Omit<EmulatorClient, 'type'> {
  type: EmulatorClientType;
}

/** One access token. */
export interface TokenRecord {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  lifetimeSeconds: number;
  revoked: boolean;
  readonly userinfoClaims: readonly string[];
  /** The device grant it came from; the implicit flows have none. */
  readonly grantId?: string;
}

/** A device grant: what a refresh token stands for. One refresh token is live at a time. */
export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  refreshToken: string;
  /** Refresh tokens rotated away: sending one again is reuse (twitchdev/issues#903). */
  readonly spentRefreshTokens: Set<string>;
  /** When the live refresh token was issued or last used; the idle limit counts from here. */
  refreshTouchedAt: number;
  refreshExpired: boolean;
  revoked: boolean;
}

/** A device login between `/oauth2/device` and its successful poll. */
export interface DeviceCodeRecord {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  expiresAt: number;
  intervalSeconds: number;
  lastPollAt?: number;
  decision?: { readonly approved: true; readonly userId: string } | { readonly approved: false };
  used: boolean;
}

const DEFAULT_USERS: readonly EmulatorUser[] = [
  {
    id: '141981764',
    login: 'twitchdev',
    displayName: 'TwitchDev',
    email: 'twitchdev@example.com',
    emailVerified: true,
  },
  {
    id: '12826',
    login: 'twitch',
    displayName: 'Twitch',
    email: 'twitch@example.com',
    emailVerified: true,
  },
  {
    id: '44322889',
    login: 'streamer_ana',
    displayName: 'Streamer_Ana',
    email: 'ana@example.com',
    emailVerified: false,
  },
];

/** The default client id, printed in the README's emulator section. */
export const DEFAULT_CLIENT_ID = 'emulator-client-id';

/** Everything the endpoint modules share: the registered world and the tokens handed out. */
export type EmulatorState = Awaited<ReturnType<typeof createState>>;

export async function createState(options: EmulatorOptions) {
  const now = options.now ?? Date.now;
  const clients = new Map<string, ClientRecord>(
    (
      options.clients ?? [
        { clientId: DEFAULT_CLIENT_ID, name: 'Emulator Demo App', redirectUris: [] },
      ]
    ).map((c) => [
      c.clientId,
      { ...c, redirectUris: [...c.redirectUris], type: c.type ?? 'public' },
    ]),
  );
  const baseUsers = options.users ?? DEFAULT_USERS;
  const device: { -readonly [K in keyof EmulatorDeviceFlowOptions]-?: number } = {
    intervalSeconds: DEVICE.intervalSeconds,
    codeLifetimeSeconds: DEVICE.codeLifetimeSeconds,
    accessTokenLifetimeSeconds: DEVICE.accessTokenLifetimeSeconds,
    refreshTokenIdleSeconds: DEVICE.refreshTokenIdleSeconds,
    ...options.deviceFlow,
  };
  const state = {
    now,
    clients,
    origin: '',
    tokenLifetime: options.tokenLifetimeSeconds ?? 5_184_000,
    idTokenLifetime: options.idTokenLifetimeSeconds ?? 900,
    device,
    keys: [await createSigningKey()] as SigningKey[],
    tokens: new Map<string, TokenRecord>(),
    grants: new Map<string, Grant>(),
    deviceCodes: [] as DeviceCodeRecord[],
    consents: new Set<string>(),
    /** Scopes the next authorize logins leave out of the grant, as if the user declined them. */
    declinedScopes: new Set<string>(),
    requestLog: [] as LoggedRequest[],
    refreshAttempts: [] as RefreshAttempt[],

    users(): EmulatorUser[] {
      const others = (id: string) => baseUsers.filter((u) => u.id !== id).map((u) => u.id);
      return baseUsers.map((u) => ({
        ...u,
        picture: u.picture ?? `${state.origin}/avatars/${u.login}.svg`,
        follows: u.follows ?? others(u.id),
      }));
    },
    userById(id: string): EmulatorUser | undefined {
      return state.users().find((u) => u.id === id);
    },
    issuer(): string {
      return `${state.origin}/oauth2`;
    },

    /** The token's record while it is live: not revoked, not expired, its grant (if any) alive. */
    liveToken(token: string | undefined): TokenRecord | undefined {
      const record = token === undefined ? undefined : state.tokens.get(token);
      if (record === undefined || record.revoked) return undefined;
      if (record.grantId !== undefined && state.grants.get(record.grantId)?.revoked !== false)
        return undefined;
      return now() < record.issuedAt + record.lifetimeSeconds * 1000 ? record : undefined;
    },
    expiresIn(record: TokenRecord): number {
      return Math.max(
        0,
        Math.floor((record.issuedAt + record.lifetimeSeconds * 1000 - now()) / 1000),
      );
    },
    issueToken(input: {
      clientId: string;
      userId: string;
      scopes: readonly string[];
      userinfoClaims?: readonly string[];
      grantId?: string;
    }): string {
      const token = randomString(30);
      state.tokens.set(token, {
        clientId: input.clientId,
        userId: input.userId,
        scopes: [...input.scopes],
        issuedAt: now(),
        lifetimeSeconds:
          input.grantId === undefined
            ? state.tokenLifetime
            : state.device.accessTokenLifetimeSeconds,
        revoked: false,
        userinfoClaims: input.userinfoClaims ?? [],
        ...(input.grantId === undefined ? {} : { grantId: input.grantId }),
      });
      return token;
    },
    expireToken(record: TokenRecord): void {
      record.lifetimeSeconds = (now() - record.issuedAt) / 1000;
    },

    /** A new device grant with its first refresh token. */
    createGrant(input: { clientId: string; userId: string; scopes: readonly string[] }): Grant {
      const grant: Grant = {
        id: randomString(16),
        ...input,
        scopes: [...input.scopes],
        refreshToken: randomString(50),
        spentRefreshTokens: new Set(),
        refreshTouchedAt: now(),
        refreshExpired: false,
        revoked: false,
      };
      state.grants.set(grant.id, grant);
      return grant;
    },
    /** The grant whose live refresh token this is; a rotated-away, idle or expired one finds none. */
    grantByRefreshToken(refreshToken: string): Grant | undefined {
      const grant = [...state.grants.values()].find((g) => g.refreshToken === refreshToken);
      if (grant === undefined || grant.revoked || state.refreshIdle(grant)) return undefined;
      return grant;
    },
    /** Whether the grant's live refresh token has died of disuse (or of `expireRefreshToken`). */
    refreshIdle(grant: Grant): boolean {
      const idleUntil = grant.refreshTouchedAt + state.device.refreshTokenIdleSeconds * 1000;
      return grant.refreshExpired || now() >= idleUntil;
    },
    /** Revokes every access token and grant of one user for one app (the app's "connection"). */
    endConnection(clientId: string, userId: string): void {
      for (const record of state.tokens.values())
        if (record.clientId === clientId && record.userId === userId) record.revoked = true;
      for (const grant of state.grants.values())
        if (grant.clientId === clientId && grant.userId === userId) grant.revoked = true;
    },
    /** The grant an access or refresh token belongs to, live or not. */
    grantOfToken(token: string): Grant | undefined {
      const grantId = state.tokens.get(token)?.grantId;
      if (grantId !== undefined) return state.grants.get(grantId);
      return [...state.grants.values()].find((g) => g.refreshToken === token);
    },

    /** A device code found by its device code or (any spelling of) its user code. */
    findDeviceCode(code: string): DeviceCodeRecord | undefined {
      const userCode = normalizeUserCode(code);
      return state.deviceCodes.find((d) => d.deviceCode === code || d.userCode === userCode);
    },
    deviceCodeStatus(
      record: DeviceCodeRecord,
    ): 'pending' | 'approved' | 'denied' | 'used' | 'expired' {
      if (record.used) return 'used';
      if (now() >= record.expiresAt) return 'expired';
      if (record.decision === undefined) return 'pending';
      return record.decision.approved ? 'approved' : 'denied';
    },
  };
  return state;
}

/** User codes are typed by people: case, spaces and dashes do not matter. */
export function normalizeUserCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}
