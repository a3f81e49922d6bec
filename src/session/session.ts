import { TwitchAuthError } from '../internal/errors.js';
import { isFiniteNumber, isNonEmptyString, isPlainObject } from '../internal/guards.js';
import type { ValidateResult } from '../api/oauth-calls.js';

/**
 * The signed-in Twitch user. `id` always; the rest when the ID token's claims or
 * `/oauth2/validate` supplied them.
 */
export interface TwitchUser {
  /** Twitch user id (the ID token's `sub`). */
  readonly id: string;
  /** Lowercase login name, from `/oauth2/validate`. */
  readonly login?: string;
  /** Display name (`preferred_username`; may have capitals and non-ASCII letters). */
  readonly displayName?: string;
  /** Verified email (needs the `user:read:email` scope and the `email` claim). */
  readonly email?: string;
  readonly emailVerified?: boolean;
  /** Profile image URL (the `picture` claim). */
  readonly picture?: string;
}

/**
 * A verified Twitch session. Frozen; a new object replaces it when anything changes.
 */
export interface Session {
  /** The user access token. Send it only to Twitch; `auth.fetch` does that for you. */
  readonly accessToken: string;
  readonly tokenType: 'bearer';
  /**
   * The scopes Twitch granted, as it reported them (the callback's `scope`, then each
   * `/oauth2/validate`); a scope the user declined is not here.
   */
  readonly scopes: readonly string[];
  /** The verified ID token (OIDC mode only). */
  readonly idToken?: string;
  readonly user?: TwitchUser;
  /** When the token expires (ms since the epoch), once `/oauth2/validate` has told us. */
  readonly expiresAt?: number;
  /** When the session was created (ms since the epoch). */
  readonly createdAt: number;
  /** The last successful `/oauth2/validate` (ms since the epoch). */
  readonly validatedAt?: number;
}

/**
 * Whether `session` holds every one of `scopes` (false without a session).
 *
 * @example
 * ```ts
 * if (!hasScopes(auth.session, ['channel:read:polls'])) await auth.login({ scopes: ['channel:read:polls'] });
 * ```
 */
export function hasScopes(session: Session | null, scopes: readonly string[]): boolean {
  return session !== null && scopes.every((scope) => session.scopes.includes(scope));
}

/** Makes a frozen session, dropping undefined optional fields. */
export function createSession(fields: Session): Session {
  const session: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) session[key] = value;
  session['scopes'] = Object.freeze([...fields.scopes]);
  return Object.freeze(session as unknown as Session);
}

/** What a validation means for a session: updated, or refused (the caller ends it). */
export type ValidationOutcome =
  | { readonly kind: 'validated'; readonly session: Session }
  | { readonly kind: 'refused'; readonly error: TwitchAuthError };

/**
 * What a `/oauth2/validate` answer means for a session, decided without side effects: the
 * updated session (user id and login from Twitch, the expiry learned, `validatedAt`), or the
 * `token_invalid` error when the token belongs to another app or user (the caller ends the
 * session).
 *
 * @example
 * ```ts
 * const outcome = applyValidation(session, await validateToken(fetch, url, token), clientId, Date.now());
 * if (outcome.kind === 'refused') state.end('token_invalid', { error: outcome.error });
 * else state.replace(outcome.session);
 * ```
 */
export function applyValidation(
  session: Session,
  result: ValidateResult,
  clientId: string,
  now: number,
): ValidationOutcome {
  const userId = session.user?.id;
  if (result.clientId !== clientId || (userId !== undefined && result.userId !== userId)) {
    return {
      kind: 'refused',
      error: new TwitchAuthError(
        'token_invalid',
        'Twitch says the token belongs to another app or user.',
      ),
    };
  }
  const user: TwitchUser | undefined =
    result.userId === null
      ? session.user
      : Object.freeze({
          ...session.user,
          id: result.userId,
          ...(result.login === null ? {} : { login: result.login }),
        });
  return {
    kind: 'validated',
    session: createSession({
      ...session,
      ...(user === undefined ? {} : { user }),
      scopes: result.scopes, // Twitch's word on what the token can do
      ...(result.expiresIn === null ? {} : { expiresAt: now + result.expiresIn * 1000 }),
      validatedAt: now,
    }),
  };
}

const STORED_VERSION = 1;

/**
 * What a device session holds beside its session: the refresh token, the login it belongs to
 * (`lineage`: random per device login) and how many times it was rotated (`generation`). Never in
 * an event, an error or a log. The pair (lineage, generation) names one refresh token without
 * holding it, which is what the spent-token ledger records.
 */
export interface RefreshGrant {
  readonly token: string;
  readonly lineage: string;
  readonly generation: number;
}

/**
 * Whether two refresh grants are the same refresh token (same login, same rotation).
 *
 * @example
 * ```ts
 * if (!sameGrant(state.stored()?.refresh, mine)) return; // another tab rotated it meanwhile
 * ```
 */
export const sameGrant = (a: RefreshGrant | undefined, b: RefreshGrant | undefined): boolean =>
  a !== undefined && b !== undefined && a.lineage === b.lineage && a.generation === b.generation;

/** The stored record: the session, and for a device session its refresh grant. */
export interface StoredRecord {
  readonly session: Session;
  readonly refresh?: RefreshGrant;
}

/** Serialises a session (and its refresh grant) for storage, as ONE value written at once. */
export function serializeRecord(record: StoredRecord): string {
  const { session, refresh } = record;
  return JSON.stringify({
    v: STORED_VERSION,
    accessToken: session.accessToken,
    scopes: session.scopes,
    idToken: session.idToken,
    user: session.user,
    expiresAt: session.expiresAt,
    createdAt: session.createdAt,
    validatedAt: session.validatedAt,
    refresh,
  });
}

/** Serialises a session without a refresh grant. */
export const serializeSession = (session: Session): string => serializeRecord({ session });

function parseRefreshGrant(value: unknown): RefreshGrant | null | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) return null;
  const { token, lineage, generation } = value;
  if (!isNonEmptyString(token) || !isNonEmptyString(lineage)) return null;
  if (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0)
    return null;
  return Object.freeze({ token, lineage, generation });
}

const optionalString = (value: unknown): string | undefined =>
  isNonEmptyString(value) ? value : undefined;

/**
 * The user as stored: the one verified at login (SECURITY.md C11.5), read field by field, each
 * of the wrong type left out; null without an id. Start-up validation compares it with Twitch's
 * word, so decoding the stored ID token again would add no security.
 */
function storedUser(value: unknown): TwitchUser | null {
  if (!isPlainObject(value) || !isNonEmptyString(value['id'])) return null;
  const picture = optionalString(value['picture']);
  const fields = {
    id: value['id'],
    login: optionalString(value['login']),
    displayName: optionalString(value['displayName']),
    email: optionalString(value['email']),
    emailVerified: typeof value['emailVerified'] === 'boolean' ? value['emailVerified'] : undefined,
    picture: picture !== undefined && /^https?:\/\//.test(picture) ? picture : undefined,
  };
  return Object.freeze(
    Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  ) as unknown as TwitchUser;
}

/**
 * Reads a stored record back, or returns null for anything that is not a well-formed, unexpired
 * record of this schema version (a device session may be expired: its refresh token renews it).
 * Never throws. The session state is its one caller: nothing else reads the raw JSON.
 */
export function parseStoredRecord(raw: string | null, now: number): StoredRecord | null {
  if (raw === null || raw.length > 64_000) return null;
  let d: unknown;
  try {
    d = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isPlainObject(d)) return null;
  if (d['v'] !== STORED_VERSION || !isNonEmptyString(d['accessToken'])) return null;
  if (!Array.isArray(d['scopes']) || !d['scopes'].every((s) => typeof s === 'string')) return null;
  if (!isFiniteNumber(d['createdAt'])) return null;
  for (const key of ['expiresAt', 'validatedAt'] as const) {
    if (d[key] !== undefined && !isFiniteNumber(d[key])) return null;
  }
  const refresh = parseRefreshGrant(d['refresh']);
  if (refresh === null) return null;
  const expiresAt = d['expiresAt'] as number | undefined;
  // An expired device session is kept: its refresh token can still renew it.
  if (expiresAt !== undefined && expiresAt <= now && refresh === undefined) return null;

  const idToken = d['idToken'];
  if (idToken !== undefined && !isNonEmptyString(idToken)) return null;
  // An OIDC session always has the user its ID token named.
  const user = d['user'] === undefined && idToken === undefined ? undefined : storedUser(d['user']);
  if (user === null) return null;
  // Every field was checked above; createSession drops the optional ones that are undefined.
  const session = createSession({
    accessToken: d['accessToken'],
    tokenType: 'bearer',
    scopes: d['scopes'],
    idToken,
    user,
    expiresAt,
    createdAt: d['createdAt'],
    validatedAt: d['validatedAt'],
  } as Session);
  return Object.freeze(refresh === undefined ? { session } : { session, refresh });
}
