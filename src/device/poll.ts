// The device code grant's polling as a pure state machine: (state, outcome, now) -> the next step.
// The driver (login.ts) owns timers and fetch; everything that decides lives here.
import type { DeviceAuthorization } from './device-code.js';
import type { TokenOutcome, TokenSet } from './token-endpoint.js';
import { TOKEN_FACTS } from './token-endpoint.js';

/** Bounds of the polling loop. */
export const POLL_LIMITS = Object.freeze({
  /** RFC 8628 §3.5: each `slow_down` adds 5 s to the interval, for the rest of the login. */
  slowDownStepMs: 5_000,
  /** Consecutive polls without a usable answer (network, 5xx, 429) before giving up. */
  maxNetworkFailures: 5,
  /** The longest wait a backoff may reach. */
  maxBackoffMs: 60_000,
});

export interface PollState {
  /** The current polling interval (Twitch's `interval`, plus 5 s per `slow_down`). */
  readonly intervalMs: number;
  /** When the device code dies (ms since the epoch). */
  readonly expiresAt: number;
  /** Consecutive polls that got no usable answer. */
  readonly networkFailures: number;
}

/** Why a device login failed. `authorize_error` is any other refusal by Twitch. */
type PollFailureCode =
  'device_code_expired' | 'access_denied' | 'network_error' | 'http_error' | 'authorize_error';

export type PollStep =
  | { readonly kind: 'wait'; readonly ms: number; readonly state: PollState }
  | { readonly kind: 'success'; readonly tokens: TokenSet }
  | {
      readonly kind: 'failure';
      readonly code: PollFailureCode;
      readonly status?: number;
      /** Twitch's message, for `authorize_error`. */
      readonly twitchError?: string;
    };

/**
 * The state before the first poll.
 *
 * @example
 * ```ts
 * const device = await requestDeviceCode(fetch, url, clientId, ['chat:read']);
 * const state = initialPollState(device, Date.now()); // then wait state.intervalMs and poll
 * ```
 */
export function initialPollState(device: DeviceAuthorization, now: number): PollState {
  return Object.freeze({
    intervalMs: device.interval * 1000,
    expiresAt: now + device.expiresIn * 1000,
    networkFailures: 0,
  });
}

const expired: PollStep = Object.freeze({ kind: 'failure', code: 'device_code_expired' });

/** Waits `ms`, but never past the code's death: waking then ends the login without a last poll. */
function wait(state: PollState, ms: number, now: number): PollStep {
  if (now >= state.expiresAt) return expired;
  return Object.freeze({
    kind: 'wait',
    ms: Math.min(ms, state.expiresAt - now),
    state: Object.freeze(state),
  });
}

/**
 * Called when a wait ends, before polling: `null` means "poll now"; a dead code fails instead.
 *
 * @example
 * ```ts
 * const state = initialPollState(await requestDeviceCode(fetch, url, clientId, []), Date.now());
 * const stop = beforePoll(state, Date.now()); // null: poll now
 * ```
 */
export function beforePoll(state: PollState, now: number): PollStep | null {
  return now >= state.expiresAt ? expired : null;
}

/**
 * The next step after one poll's outcome. Pure.
 *
 * - `authorization_pending`: wait the interval again.
 * - `slow_down`: the interval grows by 5 s, for good.
 * - `expired_token` or the code's lifetime passing: `device_code_expired`.
 * - `access_denied`: the user declined.
 * - no answer, 5xx or 429: back off (interval doubling, capped); `network_error` after
 *   {@link POLL_LIMITS}.maxNetworkFailures in a row.
 * - any other refusal: `authorize_error`, with Twitch's message.
 *
 * @example
 * ```ts
 * const state = initialPollState(await requestDeviceCode(fetch, url, clientId, []), Date.now());
 * const step = afterPoll(state, { kind: 'slow_down' }, Date.now()); // { kind: 'wait', ms: interval + 5000, ... }
 * ```
 */
export function afterPoll(state: PollState, outcome: TokenOutcome, now: number): PollStep {
  const steady = { ...state, networkFailures: 0 };
  switch (outcome.kind) {
    case 'tokens':
      return Object.freeze({ kind: 'success', tokens: outcome.tokens });
    case 'access_denied':
      return Object.freeze({ kind: 'failure', code: 'access_denied', status: 400 });
    case 'expired_token':
      return expired;
    case 'authorization_pending':
      return wait(steady, steady.intervalMs, now);
    case 'invalid_device_code':
      if (TOKEN_FACTS.invalidDeviceCodeMeansPending) return wait(steady, steady.intervalMs, now);
      return expired;
    case 'slow_down': {
      const slower = { ...steady, intervalMs: steady.intervalMs + POLL_LIMITS.slowDownStepMs };
      return wait(slower, slower.intervalMs, now);
    }
    case 'malformed':
      // A 200 that is not a token set may have used the code up: polling on cannot help.
      return Object.freeze({ kind: 'failure', code: 'http_error', status: outcome.status });
    case 'network_error':
    case 'http_error':
    case 'invalid_refresh_token':
    case 'missing_client_secret': {
      const status = 'status' in outcome ? outcome.status : undefined;
      const transient = status === undefined || status >= 500 || status === 429;
      if (!transient) {
        const message = 'message' in outcome ? outcome.message : undefined;
        return Object.freeze({
          kind: 'failure',
          code: 'authorize_error',
          status,
          ...(message === undefined ? {} : { twitchError: message }),
        });
      }
      const failures = state.networkFailures + 1;
      if (failures >= POLL_LIMITS.maxNetworkFailures) {
        return Object.freeze(
          status === undefined
            ? { kind: 'failure', code: 'network_error' }
            : { kind: 'failure', code: 'http_error', status },
        );
      }
      const backoff = Math.min(state.intervalMs * 2 ** failures, POLL_LIMITS.maxBackoffMs);
      return wait(
        { ...state, networkFailures: failures },
        Math.max(backoff, state.intervalMs),
        now,
      );
    }
  }
}
