import { describe, expect, it } from 'vitest';
import { ERROR_CODES, TwitchAuthError, isTwitchAuthError } from '../../../src/internal/errors';

describe('TwitchAuthError', () => {
  it('carries name, code, cause and details', () => {
    const cause = new Error('inner');
    const error = new TwitchAuthError('authorize_error', 'Twitch refused.', {
      cause,
      twitchError: 'redirect_mismatch',
      status: 400,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TwitchAuthError',
      code: 'authorize_error',
      cause,
      twitchError: 'redirect_mismatch',
      status: 400,
    });
  });

  it('is recognised across realms by name and code, and only with a known code', () => {
    expect(isTwitchAuthError(new TwitchAuthError('access_denied', 'x'))).toBe(true);
    expect(
      isTwitchAuthError({
        name: 'TwitchAuthError',
        code: 'access_denied',
        message: 'from an iframe',
      }),
    ).toBe(true);
    expect(isTwitchAuthError({ name: 'TwitchAuthError', code: 'made_up' })).toBe(false);
    expect(isTwitchAuthError(new Error('x'))).toBe(false);
    expect(isTwitchAuthError(null)).toBe(false);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
