// The error a device session ends with, per cause: what went wrong and what to do, never a token.
import { TwitchAuthError } from '../internal/errors.js';
import type { EndCause } from './refresh.js';

/** The error a session ends with, per cause. Never carries a token. */
export function endError(cause: EndCause): TwitchAuthError {
  switch (cause.why) {
    case 'spent_elsewhere':
      return new TwitchAuthError(
        'token_invalid',
        "Another tab of this browser used this session's refresh token, and this tab cannot see " +
          'the new one; sign in again here.',
      );
    case 'refused':
      return new TwitchAuthError(
        'token_invalid',
        'Twitch refused the refresh token; sign in again.',
        {
          status: cause.status,
        },
      );
    case 'confidential_client':
      return new TwitchAuthError(
        'invalid_options',
        'Twitch will not refresh this token without a client secret: the app is registered ' +
          'as a Confidential client. Register it as a Public client in the Twitch developer ' +
          'console (a browser must never hold a secret), and do not share it with a ' +
          'Confidential server.',
        { status: cause.status, twitchError: cause.message },
      );
    case 'lost':
      return new TwitchAuthError(
        cause.status === undefined ? 'network_error' : 'http_error',
        'The refresh got no usable answer. Its token may be spent at Twitch, so the session ends ' +
          'here rather than risk the grant; sign in again.',
        { ...(cause.status === undefined ? {} : { status: cause.status }), cause: cause.cause },
      );
    case 'storage':
      return new TwitchAuthError('storage_unavailable', 'Could not store the refreshed session.', {
        cause: cause.cause,
      });
  }
}
