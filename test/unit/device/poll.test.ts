// The device login's polling as a pure state machine: each answer and the next step.
import { describe, expect, it } from 'vitest';
import { POLL_LIMITS, afterPoll, beforePoll, initialPollState } from '../../../src/device/poll.js';

const NOW = Date.UTC(2026, 0, 1);

/** A device authorization every 5 s, valid for `expiresIn` seconds. */
const deviceFor = (expiresIn: number) => ({
  deviceCode: 'd',
  userCode: 'U',
  verificationUri: 'https://x',
  expiresIn,
  interval: 5,
});

describe('polling state machine', () => {
  const device = deviceFor(60);
  const state = initialPollState(device, NOW);

  it('keeps the interval on authorization_pending and resets network failures', () => {
    expect(
      afterPoll({ ...state, networkFailures: 3 }, { kind: 'authorization_pending' }, NOW + 5000),
    ).toEqual({ kind: 'wait', ms: 5000, state });
  });
  it('treats "invalid device code" as still pending (see TOKEN_FACTS)', () => {
    expect(afterPoll(state, { kind: 'invalid_device_code', status: 400 }, NOW)).toMatchObject({
      kind: 'wait',
      ms: 5000,
    });
  });
  it("never waits past the code's death, and fails once it has passed", () => {
    expect(afterPoll(state, { kind: 'authorization_pending' }, NOW + 58_000)).toMatchObject({
      kind: 'wait',
      ms: 2000,
    });
    expect(afterPoll(state, { kind: 'authorization_pending' }, NOW + 60_000)).toMatchObject({
      kind: 'failure',
      code: 'device_code_expired',
    });
    expect(beforePoll(state, NOW + 60_000)).toMatchObject({ code: 'device_code_expired' });
    expect(beforePoll(state, NOW + 59_999)).toBeNull();
  });
  it('ends with authorize_error on another 4xx, and backs off on 429 and 5xx', () => {
    expect(
      afterPoll(state, { kind: 'http_error', status: 400, message: 'invalid client' }, NOW),
    ).toEqual({
      kind: 'failure',
      code: 'authorize_error',
      status: 400,
      twitchError: 'invalid client',
    });
    expect(afterPoll(state, { kind: 'http_error', status: 429 }, NOW)).toMatchObject({
      kind: 'wait',
      ms: 10_000,
    });
    expect(afterPoll(state, { kind: 'http_error', status: 502 }, NOW)).toMatchObject({
      kind: 'wait',
      state: { networkFailures: 1 },
    });
  });
  it('fails http_error on a malformed 200', () => {
    expect(afterPoll(state, { kind: 'malformed', status: 200 }, NOW)).toMatchObject({
      kind: 'failure',
      code: 'http_error',
    });
  });
});

describe('polling state machine: every answer', () => {
  const device = deviceFor(600);
  const state = initialPollState(device, NOW);

  it('starts at the interval, with the lifetime from now and no failures', () => {
    expect(state).toEqual({ intervalMs: 5000, expiresAt: NOW + 600_000, networkFailures: 0 });
  });
  it('succeeds with the tokens Twitch handed over', () => {
    const tokens = {
      accessToken: 'a',
      refreshToken: 'r',
      scopes: [],
      tokenType: 'bearer' as const,
    };
    expect(afterPoll(state, { kind: 'tokens', tokens }, NOW)).toEqual({ kind: 'success', tokens });
  });
  it('fails access_denied (400) when the user declines, and device_code_expired on expired_token', () => {
    expect(afterPoll(state, { kind: 'access_denied' }, NOW)).toEqual({
      kind: 'failure',
      code: 'access_denied',
      status: 400,
    });
    expect(afterPoll(state, { kind: 'expired_token' }, NOW)).toEqual({
      kind: 'failure',
      code: 'device_code_expired',
    });
  });
  it('adds 5 s to the interval on slow_down and keeps it in the state', () => {
    expect(afterPoll({ ...state, networkFailures: 2 }, { kind: 'slow_down' }, NOW)).toEqual({
      kind: 'wait',
      ms: 5000 + POLL_LIMITS.slowDownStepMs,
      state: { ...state, intervalMs: 10_000 },
    });
  });
  it('keeps the status of a malformed 200', () => {
    expect(afterPoll(state, { kind: 'malformed', status: 200 }, NOW)).toEqual({
      kind: 'failure',
      code: 'http_error',
      status: 200,
    });
  });
  it('ends with authorize_error on a 4xx other than 429, with no twitchError when Twitch gave none', () => {
    expect(afterPoll(state, { kind: 'http_error', status: 499 }, NOW)).toStrictEqual({
      kind: 'failure',
      code: 'authorize_error',
      status: 499,
    });
    expect(afterPoll(state, { kind: 'invalid_refresh_token', status: 400 }, NOW)).toEqual({
      kind: 'failure',
      code: 'authorize_error',
      status: 400,
    });
    expect(
      afterPoll(
        state,
        { kind: 'missing_client_secret', status: 400, message: 'missing client secret' },
        NOW,
      ),
    ).toEqual({
      kind: 'failure',
      code: 'authorize_error',
      status: 400,
      twitchError: 'missing client secret',
    });
  });
  it('backs off on 500 and on no answer, doubling the interval per failure in a row', () => {
    expect(afterPoll(state, { kind: 'http_error', status: 500 }, NOW)).toEqual({
      kind: 'wait',
      ms: 10_000,
      state: { ...state, networkFailures: 1 },
    });
    expect(
      afterPoll({ ...state, networkFailures: 1 }, { kind: 'network_error', cause: null }, NOW),
    ).toEqual({ kind: 'wait', ms: 20_000, state: { ...state, networkFailures: 2 } });
  });
  it('caps the backoff at maxBackoffMs, but never waits less than the interval', () => {
    expect(
      afterPoll({ ...state, networkFailures: 3 }, { kind: 'network_error', cause: null }, NOW),
    ).toMatchObject({ kind: 'wait', ms: POLL_LIMITS.maxBackoffMs });
    const slow = { ...state, intervalMs: 70_000 };
    expect(afterPoll(slow, { kind: 'http_error', status: 429 }, NOW)).toMatchObject({
      kind: 'wait',
      ms: 70_000,
    });
  });
  it("never backs off past the code's death", () => {
    expect(afterPoll(state, { kind: 'network_error', cause: null }, NOW + 595_000)).toMatchObject({
      kind: 'wait',
      ms: 5000,
    });
  });
  it('gives up after maxNetworkFailures in a row: network_error without an answer, else http_error', () => {
    const failing = { ...state, networkFailures: POLL_LIMITS.maxNetworkFailures - 1 };
    expect(afterPoll(failing, { kind: 'network_error', cause: null }, NOW)).toEqual({
      kind: 'failure',
      code: 'network_error',
    });
    expect(afterPoll(failing, { kind: 'http_error', status: 503 }, NOW)).toEqual({
      kind: 'failure',
      code: 'http_error',
      status: 503,
    });
  });
});
