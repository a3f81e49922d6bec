// One sentence per error code, for every demo page (the script-tag page imports this file too, so
// it has no runtime imports: only a type from the SDK). The code follows in parentheses, for the
// developer trying the demo.
import type { TwitchAuthErrorCode } from '../src/index';

/** What each code means for the person using the page. A missing code fails `npm run typecheck`. */
const SENTENCES: Record<TwitchAuthErrorCode, string> = {
  invalid_options: 'The app asked for something the login library cannot do.',
  environment_unsupported: 'This browser cannot sign in here: it lacks secure-context features.',
  storage_unavailable:
    'The browser would not let this page store the login (private mode or full storage?).',
  invalid_callback: 'Twitch’s answer came back malformed, so it was ignored.',
  duplicate_param: 'Twitch’s answer came back malformed, so it was ignored.',
  missing_param: 'Twitch’s answer was incomplete, so it was ignored.',
  token_in_query: 'Twitch’s answer arrived in an unsafe form, so it was ignored.',
  unsupported_token_type: 'Twitch sent a kind of token this app cannot use.',
  state_missing:
    'This sign-in answer cannot be matched to a login started here, so it was ignored.',
  state_mismatch: 'This sign-in answer belongs to another login attempt, so it was ignored.',
  no_pending_request:
    'No sign-in was started in this tab (or it was already finished), so the answer was ignored.',
  pending_request_expired: 'The sign-in took longer than 10 minutes. Please start it again.',
  response_type_mismatch:
    'Twitch’s answer does not fit the sign-in that was started, so it was ignored.',
  access_denied: 'You cancelled the sign-in on Twitch, so you are still signed out.',
  authorize_error: 'Twitch refused the sign-in.',
  id_token_invalid: 'Twitch’s proof of who you are could not be read, so the sign-in was refused.',
  alg_not_allowed:
    'Twitch’s proof of who you are was signed the wrong way, so the sign-in was refused.',
  signature_invalid: 'Twitch’s proof of who you are did not verify, so the sign-in was refused.',
  issuer_mismatch: 'The proof of who you are did not come from Twitch, so the sign-in was refused.',
  audience_mismatch:
    'The proof of who you are was made for another app, so the sign-in was refused.',
  token_expired: 'The proof of who you are had already expired, so the sign-in was refused.',
  iat_invalid: 'The proof of who you are has an impossible date, so the sign-in was refused.',
  nonce_mismatch: 'The proof of who you are belongs to another sign-in, so it was refused.',
  at_hash_mismatch:
    'The token does not match the proof of who you are, so the sign-in was refused.',
  jwks_unavailable:
    'Twitch’s signing keys could not be loaded. Check your connection and try again.',
  token_invalid: 'Twitch no longer accepts your login. Please sign in again.',
  network_error: 'Twitch could not be reached. Check your connection and try again.',
  http_error: 'Twitch answered with an error it should not give. Try again in a moment.',
  popup_blocked:
    'The browser blocked the sign-in window. Allow pop-ups for this site and try again.',
  popup_closed: 'The sign-in window was closed before the sign-in finished.',
  popup_timeout: 'The sign-in window did not answer in time. Please try again.',
  listener_error:
    'Part of this page failed while handling a login event; the login itself carried on.',
  helix_origin_mismatch:
    'A request went to an address that is not Twitch’s API, so no token was sent.',
  callback_not_handled: 'This page received a login but never processed it.',
  scope_missing: 'This needs a permission you have not granted yet.',
  user_mismatch: 'A token was asked for someone other than the signed-in user.',
  device_code_expired: 'The code expired before anyone entered it. Show a new code to try again.',
  login_cancelled: 'The sign-in with a code was cancelled.',
};

interface ErrorLike {
  readonly code: TwitchAuthErrorCode;
  readonly message: string;
  readonly twitchError?: string;
  readonly twitchErrorDescription?: string;
  readonly clockSkewSuspected?: boolean;
}

/** A TwitchAuthError from any copy of the SDK (the script-tag page's comes from the IIFE build). */
function isAuthError(error: unknown): error is ErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(SENTENCES, code);
}

/** A sentence for a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (!isAuthError(error)) {
    const why = error instanceof Error ? error.message : String(error);
    return `Something unexpected went wrong: ${why}`;
  }
  const parts = [SENTENCES[error.code]];
  // Where the SDK's message or Twitch's answer names the specifics, the person needs them.
  if (error.code === 'scope_missing' || error.code === 'user_mismatch') parts.push(error.message);
  const twitchSaid = error.twitchErrorDescription ?? error.twitchError;
  if (error.code === 'authorize_error' && twitchSaid !== undefined)
    parts.push(`Twitch said: “${twitchSaid}”.`);
  if (error.clockSkewSuspected === true) parts.push('Check that this device’s clock is right.');
  return `${parts.join(' ')} (${error.code})`;
}
