// `twitch-spa-login/device`: sign in where a redirect cannot (TVs, OBS browser sources, kiosks)
// with Twitch's device code grant. Importing it brings the device login into an app; refreshing a
// device session needs no import (the core loads that code when it meets one).
import type { TwitchAuth } from '../twitch-auth.js';
import { hostOf } from './host.js';
import { type DeviceLogin, type DeviceLoginOptions, startDeviceLoginOn } from './login.js';

export type { DeviceLogin, DeviceLoginOptions };

/**
 * Starts a device login: asks Twitch for a user code, then polls until the user approves it on
 * another device. See {@link DeviceLogin}.
 *
 * @example
 * ```ts
 * const show = (code: string, uri: string) => showMessage(`${code} at ${uri}`);
 * const device = await startDeviceLogin(auth, { scopes: ['chat:read'] });
 * show(device.userCode, device.verificationUri);
 * const session = await device.session;
 * ```
 */
export async function startDeviceLogin(
  auth: TwitchAuth,
  options: DeviceLoginOptions = {},
): Promise<DeviceLogin> {
  return startDeviceLoginOn(hostOf(auth), options);
}
