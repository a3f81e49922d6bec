// The device login's polling as a pure state machine: each answer and the next step.
import { describe, expect, it } from 'vitest';
import { afterPoll, beforePoll, initialPollState } from '../../../src/device/poll.js';

const NOW = Date.UTC(2026, 0, 1);

describe('polling state machine', () => {
  const device = {
    deviceCode: 'd',
    userCode: 'U',
    verificationUri: 'https://x',
    expiresIn: 60,
    interval: 5,
  };
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
