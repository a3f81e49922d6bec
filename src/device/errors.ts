import { TwitchAuthError, type TwitchAuthErrorCode, type TwitchAuthErrorDetails } from '../errors.js';

/**
 * Error codes the device login adds. TEMPORARY home: the integrator moves them into
 * `ERROR_CODES` in src/errors.ts (and the README), after which the cast below goes away.
 * - `device_code_expired`: the user code's lifetime ran out before the user approved it.
 * - `login_cancelled`: the app cancelled the login (`cancel()` or its `AbortSignal`).
 */
export const DEVICE_ERROR_CODES = ['device_code_expired', 'login_cancelled'] as const;

export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/** A {@link TwitchAuthError} with one of the existing codes or a device code. */
export function deviceError(
  code: TwitchAuthErrorCode | DeviceErrorCode,
  message: string,
  details: TwitchAuthErrorDetails & { cause?: unknown } = {},
): TwitchAuthError {
  return new TwitchAuthError(code as TwitchAuthErrorCode, message, details);
}
