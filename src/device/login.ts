// The device login's driver: sign in where a redirect cannot (TVs, OBS browser sources, kiosks)
// with Twitch's device code grant. Pages hidden in the background are NOT paused: browsers only
// slow hidden timers down (never below the interval), so polling on can only be late, never
// early, and the code's lifetime is never lost to a pause.
import { TwitchAuthError, toTwitchAuthError } from '../internal/errors.js';
import { scopeList } from '../config/options.js';
import type { TwitchScope } from '../config/scopes.js';
import { type Session, createSession } from '../session/session.js';
import { requestDeviceCode } from './device-code.js';
import { type TokenSet, pollDeviceToken } from './token-endpoint.js';
import { type ValidateResult, validateToken } from '../api/oauth-calls.js';
import type { DeviceHost } from './host.js';
import { type PollStep, afterPoll, beforePoll, initialPollState } from './poll.js';

/** Options of {@link startDeviceLogin}. */
export interface DeviceLoginOptions {
  /** Scopes to ask for, beside those the session already holds; none by default. */
  readonly scopes?: readonly TwitchScope[];
  /** Aborting it is the same as `cancel()`. */
  readonly signal?: AbortSignal;
}

/** A device login in progress. */
export interface DeviceLogin {
  /** The code the user enters at `verificationUri`. Show it only to the account owner. */
  readonly userCode: string;
  /** Where the user approves (Twitch's URL already carries the code); fit for a QR code. */
  readonly verificationUri: string;
  /** When the code dies (ms since the epoch). */
  readonly expiresAt: number;
  /**
   * Resolves with the session once the user approves; it is then `auth`'s session. Rejects with a
   * `TwitchAuthError`: `device_code_expired`, `access_denied`, `network_error`, `authorize_error`,
   * `token_invalid`, or `login_cancelled`. Never reported as unhandled if you only `cancel()`.
   */
  readonly session: Promise<Session>;
  /** Stops polling; `session` rejects with `login_cancelled`. Idempotent. */
  cancel(): void;
}

/** Validation attempts after the grant succeeded: the tokens exist now, so do not give up early. */
const VALIDATE_RETRY_MS = [1_000, 3_000] as const;

const cancelled = (cause?: unknown): TwitchAuthError =>
  new TwitchAuthError('login_cancelled', 'The device login was cancelled.', { cause });

/**
 * {@link startDeviceLogin} against an explicit {@link DeviceHost}: what `startDeviceLogin` runs
 * once it has the host of `auth`, and what tests call with an injected one.
 *
 * @example
 * ```ts
 * const device = await startDeviceLoginOn(hostOf(auth), { scopes: ['chat:read'] });
 * ```
 */
export async function startDeviceLoginOn(
  host: DeviceHost,
  options: DeviceLoginOptions = {},
): Promise<DeviceLogin> {
  // A re-login asks again for what the session holds, as a redirect login does.
  const scopes = [...new Set([...host.granted(), ...scopeList(options.scopes)])];
  const signal = options.signal;
  // A function, not a property read: TypeScript would narrow `aborted` across the awaits below.
  const aborted = (): boolean => signal?.aborted === true;
  const cancelledBySignal = (): TwitchAuthError => cancelled(signal?.reason);
  if (aborted()) throw cancelledBySignal();
  const controller = new AbortController();
  const onStartAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onStartAbort);
  let device;
  try {
    device = await requestDeviceCode(
      host.fetch(),
      host.endpoints.device,
      host.clientId,
      scopes,
      controller.signal,
    );
  } catch (error) {
    if (aborted()) throw cancelledBySignal();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onStartAbort);
  }
  if (aborted()) throw cancelledBySignal();

  let state = initialPollState(device, host.now());
  let timer: unknown;
  let settled = false;
  let resolveSession!: (session: Session) => void;
  let rejectSession!: (error: TwitchAuthError) => void;
  const session = new Promise<Session>((resolve, reject) => {
    resolveSession = resolve;
    rejectSession = reject;
  });
  // Marks the promise handled: an app that only calls cancel() must not see an unhandledrejection.
  // Whoever awaits `session` still gets the rejection.
  session.catch(() => undefined);

  const settle = (
    result:
      | { readonly kind: 'failed'; readonly error: TwitchAuthError }
      | { readonly kind: 'signed_in'; readonly session: Session },
  ): void => {
    if (settled) return;
    settled = true;
    // Always set by now: poll() starts its first sleep before this function returns.
    host.timers.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    controller.abort();
    if (result.kind === 'failed') rejectSession(result.error);
    else resolveSession(result.session);
  };
  const onAbort = (): void => settle({ kind: 'failed', error: cancelledBySignal() });
  signal?.addEventListener('abort', onAbort);

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      timer = host.timers.setTimeout(resolve, ms);
    });

  const fail = (step: Extract<PollStep, { kind: 'failure' }>): void => {
    const details = {
      ...(step.status === undefined ? {} : { status: step.status }),
      ...(step.twitchError === undefined ? {} : { twitchError: step.twitchError }),
    };
    const messages = {
      device_code_expired: 'The device code expired before it was approved.',
      access_denied: 'The user declined the device login.',
      network_error: 'Twitch could not be reached while waiting for the device login.',
      http_error: 'Twitch kept answering the device login with an error.',
      authorize_error: 'Twitch refused the device login.',
    } as const;
    settle({ kind: 'failed', error: new TwitchAuthError(step.code, messages[step.code], details) });
  };

  const validate = async (accessToken: string): Promise<ValidateResult> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await validateToken(host.fetch(), host.endpoints.validate, accessToken);
      } catch (error) {
        const retry = VALIDATE_RETRY_MS[attempt];
        const transient = (error as TwitchAuthError).code === 'network_error';
        if (!transient || retry === undefined || settled) throw error;
        await sleep(retry);
        if (settled) throw cancelled();
      }
    }
  };

  const complete = async (tokens: TokenSet): Promise<void> => {
    let built: Session;
    try {
      const info = await validate(tokens.accessToken);
      built = sessionFrom(host, tokens, info);
    } catch (error) {
      settle({
        kind: 'failed',
        error: toTwitchAuthError(error, 'network_error', 'Could not validate the new token.'),
      });
      return;
    }
    // Cancelled while validating: the app no longer wants this login, so it does not begin.
    if (settled) return;
    try {
      host.beginRefreshableSession(built, tokens.refreshToken);
    } catch (error) {
      settle({
        kind: 'failed',
        error: toTwitchAuthError(error, 'storage_unavailable', 'Could not store the session.'),
      });
      return;
    }
    settle({ kind: 'signed_in', session: built });
  };

  const poll = async (): Promise<void> => {
    for (;;) {
      await sleep(nextWait);
      if (settled) return;
      const stop = beforePoll(state, host.now());
      if (stop !== null) return fail(stop as Extract<PollStep, { kind: 'failure' }>);
      const outcome = await pollDeviceToken(
        host.fetch(),
        host.endpoints.token,
        host.clientId,
        device.deviceCode,
        controller.signal,
      );
      if (settled) return;
      const step = afterPoll(state, outcome, host.now());
      if (step.kind === 'success') return complete(step.tokens);
      if (step.kind === 'failure') return fail(step);
      state = step.state;
      nextWait = step.ms;
    }
  };
  let nextWait = state.intervalMs;
  void poll();

  return Object.freeze({
    userCode: device.userCode,
    verificationUri: device.verificationUri,
    expiresAt: state.expiresAt,
    session,
    cancel: () => settle({ kind: 'failed', error: cancelled() }),
  });
}

/** The session of a device grant: who the user is comes from `/oauth2/validate` (no ID token). */
function sessionFrom(host: DeviceHost, tokens: TokenSet, info: ValidateResult): Session {
  if (info.clientId !== host.clientId || info.userId === null) {
    throw new TwitchAuthError(
      'token_invalid',
      'The new token does not belong to this app or to a user.',
    );
  }
  const now = host.now();
  const expiresIn = info.expiresIn ?? tokens.expiresIn;
  return createSession({
    accessToken: tokens.accessToken,
    tokenType: 'bearer',
    scopes: info.scopes,
    user: Object.freeze({ id: info.userId, ...(info.login === null ? {} : { login: info.login }) }),
    ...(expiresIn === undefined ? {} : { expiresAt: now + expiresIn * 1000 }),
    createdAt: now,
    validatedAt: now,
  });
}
