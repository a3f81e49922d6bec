// What a device session ends with, per cause: the code an app switches on, a message that says
// what to do, Twitch's own words where it said any, and never a token.
import { describe, expect, it } from 'vitest';
import { endError } from '../../../src/device/refresh-errors.js';

describe('endError', () => {
  it('another tab spent the token: token_invalid, sign in again here', () => {
    const error = endError({ why: 'spent_elsewhere' });
    expect(error).toMatchObject({ code: 'token_invalid', status: undefined });
    expect(error.message).toBe(
      "Another tab of this browser used this session's refresh token, and this tab cannot see " +
        'the new one; sign in again here.',
    );
  });

  it('Twitch refused the token: token_invalid with its status', () => {
    const error = endError({ why: 'refused', status: 400 });
    expect(error).toMatchObject({ code: 'token_invalid', status: 400 });
    expect(error.message).toBe('Twitch refused the refresh token; sign in again.');
  });

  it('a Confidential app: invalid_options naming the fix, with Twitch’s message', () => {
    const error = endError({
      why: 'confidential_client',
      status: 400,
      message: 'missing client secret',
    });
    expect(error).toMatchObject({
      code: 'invalid_options',
      status: 400,
      twitchError: 'missing client secret',
    });
    expect(error.message).toBe(
      'Twitch will not refresh this token without a client secret: the app is registered ' +
        'as a Confidential client. Register it as a Public client in the Twitch developer ' +
        'console (a browser must never hold a secret), and do not share it with a ' +
        'Confidential server.',
    );
  });

  it('a lost answer: network_error without a status, http_error with one, the cause kept', () => {
    const cause = new TypeError('Failed to fetch');
    const none = endError({ why: 'lost', cause });
    expect(none).toMatchObject({ code: 'network_error', status: undefined, cause });
    expect(none.message).toBe(
      'The refresh got no usable answer. Its token may be spent at Twitch, so the session ends ' +
        'here rather than risk the grant; sign in again.',
    );
    expect(endError({ why: 'lost', status: 503 })).toMatchObject({
      code: 'http_error',
      status: 503,
    });
  });

  it('storage refused the rotation: storage_unavailable with the cause', () => {
    const cause = new Error('quota');
    expect(endError({ why: 'storage', cause })).toMatchObject({
      code: 'storage_unavailable',
      message: 'Could not store the refreshed session.',
      cause,
    });
  });
});
