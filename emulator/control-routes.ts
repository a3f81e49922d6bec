// The test controls over HTTP for browser tests: `POST /_emulator/{path}` with the JSON body of
// control-schema.ts (a wrong body answers 400 naming the fields), and a few `GET` lists.
import {
  CONTROLS,
  ControlInputError,
  type ControlName,
  parseControlBody,
} from './control-schema.js';
import type { EmulatorControls } from './controls.js';
import { type Ctx, type Route, readBody, send, sendError } from './http.js';
import type { EmulatorState } from './state.js';
import type { EmulatorClientType, EmulatorDeviceFlowOptions } from './types.js';

type Fields = Record<string, unknown>;

export function controlRoutes(state: EmulatorState, control: EmulatorControls): Route[] {
  const str = (fields: Fields, name: string) => fields[name] as string;
  const optional = (fields: Fields, name: string) => fields[name] as string | undefined;
  const list = (fields: Fields, name: string) => fields[name] as string[];
  /** Calls the control with the checked body; what it returns (if anything) is the 200 body. */
  const run: { readonly [N in ControlName]: (fields: Fields) => unknown } = {
    rotateKey: async () => {
      await control.rotateKey();
      return { kid: state.keys[state.keys.length - 1]?.kid };
    },
    revokeToken: (f) => control.revokeToken(str(f, 'token')),
    expireToken: (f) => control.expireToken(optional(f, 'token')),
    setTokenLifetime: (f) => control.setTokenLifetime(f['seconds'] as number),
    addRedirectUri: (f) => control.addRedirectUri(str(f, 'clientId'), str(f, 'uri')),
    setClientType: (f) =>
      control.setClientType(str(f, 'clientId'), f['type'] as EmulatorClientType),
    resetConsent: () => control.resetConsent(),
    declineScopes: (f) => control.declineScopes(list(f, 'scopes')),
    issueToken: (f) => ({
      access_token: control.issueToken({
        clientId: str(f, 'clientId'),
        userId: str(f, 'userId'),
        scopes: list(f, 'scopes'),
      }),
    }),
    clearRequests: () => control.clearRequests(),
    clearRefreshAttempts: () => control.clearRefreshAttempts(),
    approveDevice: (f) => control.approveDevice(str(f, 'code'), optional(f, 'userId')),
    denyDevice: (f) => control.denyDevice(str(f, 'code')),
    expireDeviceCode: (f) => control.expireDeviceCode(str(f, 'code')),
    configureDeviceFlow: (f) => control.configureDeviceFlow(f as EmulatorDeviceFlowOptions),
    revokeGrant: (f) => control.revokeGrant(optional(f, 'token')),
    expireRefreshToken: (f) => control.expireRefreshToken(optional(f, 'token')),
  };
  const byPath = new Map<string, ControlName>(
    Object.entries(CONTROLS).map(([name, { path }]) => [path, name as ControlName]),
  );
  const lists: Record<string, () => unknown> = {
    requests: () => state.requestLog,
    'device-codes': () => control.deviceCodes(),
    'refresh-attempts': () => control.refreshAttempts(),
  };

  const http = async ({ req, res, path, method }: Ctx): Promise<boolean> => {
    if (!path.startsWith('/_emulator/')) return false;
    const action = path.slice('/_emulator/'.length);
    const listed = lists[action];
    if (method === 'GET' && listed !== undefined) return send(res, 200, listed());
    const name = byPath.get(action);
    if (name === undefined || method !== 'POST') return false;
    try {
      const result = await run[name](parseControlBody(name, await readBody(req)));
      return result === undefined ? send(res, 204, undefined) : send(res, 200, result);
    } catch (error) {
      if (error instanceof ControlInputError) return sendError(res, 400, error.message);
      // The body was right but names nothing the emulator has (a device code, a user, a client).
      const message = error instanceof Error ? error.message : String(error);
      return send(res, 404, { error: 'Not Found', status: 404, message });
    }
  };
  return [http];
}
