// The refresh path of device sessions, registered with the core by `twitch-spa-login/device`: one refresh coordinator per client, its cross-tab channel, and what
// each outcome means for the session. The refresh token lives in the stored record only.
import type { TwitchAuth } from './twitch-auth.js';
import { defaultTimers, pageChannel } from './env.js';
import { TwitchAuthError } from './errors.js';
import { type Internals, type RefreshPath, internalsOf } from './internals.js';
import {
  type RefreshCoordinator,
  type RefreshRecord,
  type RefreshSignal,
  createLocalLock,
  createRefreshCoordinator,
  webLock,
} from './refresh.js';
import { type Session, parseStoredSession, serializeSession } from './session.js';
import type { KeyValueStore } from './storage.js';
import { type ValidateResult, revokeToken } from './twitch-api.js';

/** A client's coordinator, and how to stop it hearing other tabs (`auth.destroy()`). */
interface Coordination {
  readonly coordinator: RefreshCoordinator;
  readonly close: () => void;
}
const coordinations = new WeakMap<object, Coordination>();

/** The stored record, or null when there is none or it carries no refresh token. Never throws. */
function readRecord(store: KeyValueStore, now: number): RefreshRecord | null {
  const raw = store.get('session');
  const session = parseStoredSession(raw, now);
  if (raw === null || session === null) return null;
  const { refreshToken, generation } = JSON.parse(raw) as {
    refreshToken?: unknown;
    generation?: unknown;
  };
  if (typeof refreshToken !== 'string' || refreshToken === '') return null;
  return Object.freeze({
    session,
    refreshToken,
    generation: typeof generation === 'number' && Number.isSafeInteger(generation) ? generation : 0,
  });
}

/** The record as stored: the session's own form plus the refresh token and generation. */
export function serializeRecord(record: RefreshRecord): string {
  const session = JSON.parse(serializeSession(record.session)) as object;
  return JSON.stringify({
    ...session,
    refreshToken: record.refreshToken,
    generation: record.generation,
  });
}

function isSignal(value: unknown): value is RefreshSignal {
  const v = value as { type?: unknown; generation?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.type === 'signed_out' || (v.type === 'rotated' && typeof v.generation === 'number'))
  );
}

/** The coordinator of `auth`, created (with its tab channel and lock) on first use. */
function coordinatorOf(auth: TwitchAuth): RefreshCoordinator {
  const known = coordinations.get(auth);
  if (known !== undefined) return known.coordinator;
  const i = internalsOf(auth);
  const { clientId, endpoints } = i.config;
  const name = `twitch-spa-login:${clientId}:refresh`;
  const Channel = pageChannel();
  const channel = Channel === null ? undefined : new Channel(name);
  // Some engines (and happy-dom) have `navigator.locks` as null.
  const locks =
    typeof navigator === 'undefined'
      ? undefined
      : (navigator.locks as LockManager | null | undefined);
  const coordinator = createRefreshCoordinator({
    clientId,
    tokenUrl: endpoints.token,
    fetch: i.fetch,
    now: i.now,
    timers: defaultTimers,
    lock: locks ? webLock(locks, name) : createLocalLock(),
    read: () => readRecord(i.store, i.now()),
    write: (record) => i.store.set('session', serializeRecord(record)),
    announce: (signal) => channel?.postMessage(signal),
    // A sign-out won the race: these tokens belong to no session. Best effort.
    discard: (tokens) =>
      void revokeToken(i.fetch(), endpoints.revoke, clientId, tokens.accessToken).catch(
        () => undefined,
      ),
  });
  if (channel !== undefined) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isSignal(event.data)) coordinator.heard(event.data);
    };
  }
  const unsubscribe = auth.on('logout', () => coordinator.heard({ type: 'signed_out' }));
  const close = (): void => {
    channel?.close();
    unsubscribe();
  };
  coordinations.set(auth, { coordinator, close });
  return coordinator;
}

/**
 * Begins a device session: the record (session, refresh token, generation) in ONE write, then
 * everything a login does (events, validation, tabs).
 *
 * @example
 * ```ts
 * const [session, refreshToken] = undefined as unknown as [Session, string]; // from the device grant
 * beginRefreshable(auth, session, refreshToken);
 * ```
 */
export function beginRefreshable(auth: TwitchAuth, session: Session, refreshToken: string): void {
  const i = internalsOf(auth);
  coordinatorOf(auth);
  // Generations only grow for a storage, so a tab that heard of an older lineage is not confused.
  const generation = (readRecord(i.store, i.now())?.generation ?? -1) + 1;
  i.state.begin(session, serializeRecord({ session, refreshToken, generation }));
  auth.start();
}

/** Makes a refreshed session current: `change`, not `login`; validated anew unless `quiet`. */
function adopt(i: Internals, next: Session, quiet: boolean): void {
  if (i.state.current()?.accessToken === next.accessToken) return;
  i.state.replace(next);
  if (!quiet) i.lifecycle.start(next, true);
}

/**
 * Refreshes after `session`'s access token was refused or ran out. Resolves with the session to
 * use, or null when the session ended (`refresh_failed`, or signed out elsewhere); rejects with
 * `network_error` when Twitch could not say (the session is kept).
 */
async function recover(auth: TwitchAuth, session: Session, quiet = false): Promise<Session | null> {
  const i = internalsOf(auth);
  const result = await coordinatorOf(auth).refresh(session.accessToken);
  switch (result.status) {
    case 'refreshed':
      adopt(i, result.session, quiet);
      return i.state.current();
    case 'gone':
      i.state.end('refresh_failed', {
        error: new TwitchAuthError(
          'token_invalid',
          'Twitch refused the refresh token; sign in again.',
          { status: 400 },
        ),
      });
      return null;
    case 'signed_out':
      i.state.end('other_tab', { local: true });
      return null;
    default:
      throw new TwitchAuthError(
        'network_error',
        'Could not refresh the token; the session is kept.',
      );
  }
}

/**
 * The token expires soon: refresh shortly before it does (half the time left, at most 30 s early),
 * so a short-lived token is not refreshed in a tight loop.
 */
function anticipate(auth: TwitchAuth, session: Session): void {
  const i = internalsOf(auth);
  const left = Math.max(0, (session.expiresAt ?? 0) - i.now());
  defaultTimers.setTimeout(
    () => {
      if (i.state.current()?.accessToken === session.accessToken)
        void recoverOrReport(auth, session);
    },
    left - Math.min(30_000, left / 2),
  );
}

function recoverOrReport(auth: TwitchAuth, session: Session): Promise<unknown> {
  return recover(auth, session).catch((error: unknown) =>
    internalsOf(auth).report(error, 'Refreshing failed.'),
  );
}

/** Validation said 401: refresh once and validate the new token; a second 401 ends the session. */
const refreshedByValidation = new WeakSet<Session>();
async function revalidate(
  auth: TwitchAuth,
  session: Session,
  error: TwitchAuthError,
): Promise<ValidateResult> {
  const i = internalsOf(auth);
  if (refreshedByValidation.has(session)) {
    i.state.end('invalid_token', { error });
    throw error;
  }
  const next = await recover(auth, session, true);
  if (next === null) throw error;
  refreshedByValidation.add(next);
  return auth.validate();
}

/** A body fetch can send again: none, or one that is not a one-shot stream. */
function replayable(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  const body = init?.body;
  if (body !== undefined && body !== null) {
    return !(typeof ReadableStream === 'function' && body instanceof ReadableStream);
  }
  return !(typeof Request === 'function' && input instanceof Request && input.body !== null);
}

/**
 * `auth.fetch` got a 401 for `failed`: refresh (one flight for every caller) and send the request
 * once more with the new token when its body can be replayed. Resolves undefined to return the 401.
 */
async function retry(
  auth: TwitchAuth,
  failed: string,
  resend: (accessToken: string) => Promise<Response>,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<Response | undefined> {
  const i = internalsOf(auth);
  const current = i.state.current();
  let next: Session | null;
  try {
    next = await recover(
      auth,
      current?.accessToken === failed ? current : ({ accessToken: failed } as Session),
    );
  } catch (error) {
    i.report(error, 'Refreshing failed.');
    return undefined;
  }
  return next !== null && next.accessToken !== failed && replayable(input, init)
    ? resend(next.accessToken)
    : undefined;
}

/** A refresh, or undefined when there is no session to refresh (it ended meanwhile). */
const withSession = <T>(auth: TwitchAuth, run: (session: Session) => T): T | undefined => {
  const session = internalsOf(auth).state.current();
  return session === null ? undefined : run(session);
};

/**
 * The refresh path of device sessions, which `twitch-spa-login/device` registers with the core
 * (`provideRefreshPath`): what a 401, a refused validation, the expiring notice and the expiry
 * mean for a session that carries a refresh token.
 *
 * @example
 * ```ts
 * provideRefreshPath(deviceRefreshPath);
 * ```
 */
export const deviceRefreshPath: RefreshPath = {
  start: (auth) => void coordinatorOf(auth),
  unauthorized: retry,
  invalidToken: revalidate,
  expiring: (auth) => void withSession(auth, (session) => anticipate(auth, session)),
  expired: (auth) => void withSession(auth, (session) => recoverOrReport(auth, session)),
  refresh: async (auth) => (await withSession(auth, (session) => recover(auth, session))) ?? null,
  destroy(auth) {
    coordinations.get(auth)?.close();
    coordinations.delete(auth);
  },
};
