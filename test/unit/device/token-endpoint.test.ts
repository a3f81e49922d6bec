// Twitch's token endpoint answers: lenient success (never drop a refresh token), strict errors.
import { describe, expect, it } from 'vitest';
import { classifyTokenResponse } from '../../../src/device/token-endpoint.js';
import { TOKEN_ANSWER as tokens } from '../../helpers/twitch.js';

describe('token responses', () => {
  it('takes any 200 with an access and a refresh token, whatever else it carries', () => {
    const parsed = (body: unknown) => classifyTokenResponse(200, body);
    expect(parsed(tokens)).toEqual({
      kind: 'tokens',
      tokens: {
        accessToken: 'at-1',
        refreshToken: 'rt-1',
        expiresIn: 14_000,
        scopes: ['chat:read'],
        tokenType: 'bearer',
      },
    });
    // Twitch's refresh docs show `scope` as a string; twurple and twitch_oauth2 treat
    // token_type and expires_in as optional. Dropping such an answer loses the only live
    // refresh token (the one sent is spent).
    const lenient = { kind: 'tokens', tokens: { accessToken: 'at-1', refreshToken: 'rt-1' } };
    expect(parsed({ ...tokens, scope: 'chat:read user:read:email' })).toMatchObject({
      ...lenient,
      tokens: { ...lenient.tokens, scopes: ['chat:read', 'user:read:email'] },
    });
    expect(parsed({ ...tokens, token_type: undefined })).toMatchObject(lenient);
    expect(parsed({ ...tokens, token_type: 'mac' })).toMatchObject(lenient);
    for (const expiresIn of [undefined, '14000', 0, -1]) {
      const outcome = parsed({ ...tokens, expires_in: expiresIn });
      expect(outcome).toMatchObject(lenient);
      expect(outcome).not.toHaveProperty('tokens.expiresIn');
    }
    expect(parsed({ ...tokens, scope: null })).toMatchObject({ tokens: { scopes: [] } });
    expect(parsed({ ...tokens, scope: [1] })).toMatchObject({ tokens: { scopes: [] } });
    for (const bad of [
      { ...tokens, refresh_token: '' },
      { ...tokens, refresh_token: undefined },
      { ...tokens, access_token: undefined },
      null,
    ]) {
      expect(parsed(bad)).toEqual({ kind: 'malformed', status: 200 });
    }
  });
  it("classifies Twitch's {status, message} and RFC 6749 {error} bodies", () => {
    expect(classifyTokenResponse(400, { status: 400, message: 'authorization_pending' })).toEqual({
      kind: 'authorization_pending',
    });
    expect(classifyTokenResponse(400, { error: 'slow_down' })).toEqual({ kind: 'slow_down' });
    expect(classifyTokenResponse(400, { status: 400, message: 'Invalid refresh token' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classifyTokenResponse(400, { error: 'invalid_grant' })).toEqual({
      kind: 'invalid_refresh_token',
      status: 400,
    });
    expect(classifyTokenResponse(500, { message: 'Invalid refresh token' })).toEqual({
      kind: 'http_error',
      status: 500,
      message: 'Invalid refresh token',
    });
    expect(classifyTokenResponse(503, undefined)).toEqual({ kind: 'http_error', status: 503 });
  });
  it("reads Twitch's message before an RFC 6749 error beside it (the HTTP reason)", () => {
    const body = { error: 'Bad Request', status: 400, message: 'authorization_pending' };
    expect(classifyTokenResponse(400, body)).toEqual({ kind: 'authorization_pending' });
    expect(classifyTokenResponse(400, { error: 'slow_down', message: '' })).toEqual({
      kind: 'slow_down',
    });
  });
  it("names a Confidential client's refusal (twitchdev/issues#943)", () => {
    expect(classifyTokenResponse(400, { status: 400, message: 'missing client secret' })).toEqual({
      kind: 'missing_client_secret',
      status: 400,
      message: 'missing client secret',
    });
  });
});
