// The test controls: in code on the emulator object, and the same over HTTP under `/_emulator/`
// for browser tests.
import { type Ctx, type Route, readBody, send } from './http.js';
import { createSigningKey } from './keys.js';
import type { EmulatorState } from './state.js';
import type { EmulatorDeviceFlowOptions, TwitchEmulator } from './types.js';

export type EmulatorControls = Omit<
  TwitchEmulator,
  'url' | 'port' | 'endpoints' | 'urls' | 'users' | 'requestLog' | 'close'
>;

export function createControls(state: EmulatorState): EmulatorControls {
  const deviceCode = (code: string) => {
    const record = state.findDeviceCode(code);
    if (record === undefined) throw new Error('no such device code');
    return record;
  };
  const grantsOf = (token: string | undefined) =>
    token === undefined
      ? [...state.grants.values()]
      : [state.grantOfToken(token)].filter((g) => g !== undefined);
  return {
    async rotateKey() {
      state.keys.push(await createSigningKey());
    },
    revokeToken(token) {
      const record = state.tokens.get(token);
      if (record !== undefined) record.revoked = true;
    },
    expireToken(token) {
      const records = token === undefined ? [...state.tokens.values()] : [state.tokens.get(token)];
      for (const record of records) if (record !== undefined) state.expireToken(record);
    },
    setTokenLifetime(seconds) {
      state.tokenLifetime = seconds;
      state.device.accessTokenLifetimeSeconds = seconds;
    },
    addRedirectUri(clientId, uri) {
      const client = state.clients.get(clientId);
      if (client !== undefined && !client.redirectUris.includes(uri)) client.redirectUris.push(uri);
    },
    resetConsent() {
      state.consents.clear();
    },
    declineScopes(scopes) {
      state.declinedScopes = new Set(scopes);
    },
    issueToken: (input) => state.issueToken(input),
    deviceCodes: () =>
      state.deviceCodes.map((d) => ({
        userCode: d.userCode,
        clientId: d.clientId,
        scopes: d.scopes,
        status: state.deviceCodeStatus(d),
      })),
    approveDevice(code, userId) {
      const user = userId === undefined ? state.users()[0] : state.userById(userId);
      if (user === undefined) throw new Error('no such user');
      deviceCode(code).decision = { approved: true, userId: user.id };
    },
    denyDevice(code) {
      deviceCode(code).decision = { approved: false };
    },
    expireDeviceCode(code) {
      deviceCode(code).expiresAt = state.now();
    },
    revokeGrant(token) {
      for (const grant of grantsOf(token)) grant.revoked = true;
    },
    expireRefreshToken(token) {
      for (const grant of grantsOf(token)) grant.refreshExpired = true;
    },
    configureDeviceFlow(options: EmulatorDeviceFlowOptions) {
      for (const [key, value] of Object.entries(options)) {
        if (typeof value === 'number' && Object.hasOwn(state.device, key))
          state.device[key as keyof EmulatorDeviceFlowOptions] = value;
      }
    },
  };
}

/** `POST /_emulator/{action}` with a JSON body; `GET /_emulator/requests` and `/device-codes`. */
export function controlRoutes(state: EmulatorState, control: EmulatorControls): Route[] {
  const http = async ({ req, res, path, method }: Ctx): Promise<boolean> => {
    if (!path.startsWith('/_emulator/')) return false;
    const action = path.slice('/_emulator/'.length);
    if (action === 'requests') return send(res, 200, state.requestLog);
    if (action === 'device-codes') return send(res, 200, control.deviceCodes());
    if (method !== 'POST') return false;
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const str = (name: string): string => String(body[name] ?? '');
    const optional = (name: string): string | undefined =>
      typeof body[name] === 'string' ? body[name] : undefined;
    const done = (): true => send(res, 204, undefined);
    const guarded = (act: () => void): true => {
      try {
        act();
      } catch (error) {
        return send(res, 404, {
          error: 'Not Found',
          status: 404,
          message: (error as Error).message,
        });
      }
      return done();
    };
    switch (action) {
      case 'rotate-key':
        await control.rotateKey();
        return send(res, 200, { kid: state.keys[state.keys.length - 1]?.kid });
      case 'revoke':
        control.revokeToken(str('token'));
        return done();
      case 'expire':
        control.expireToken(optional('token'));
        return done();
      case 'token-lifetime':
        control.setTokenLifetime(Number(body['seconds']));
        return done();
      case 'reset-consent':
        control.resetConsent();
        return done();
      case 'decline-scopes':
        control.declineScopes(Array.isArray(body['scopes']) ? (body['scopes'] as string[]) : []);
        return done();
      case 'clear-requests':
        state.requestLog.length = 0;
        return done();
      case 'redirect-uri':
        control.addRedirectUri(str('clientId'), str('uri'));
        return done();
      case 'issue-token':
        return send(res, 200, {
          access_token: control.issueToken({
            clientId: str('clientId'),
            userId: str('userId'),
            scopes: Array.isArray(body['scopes']) ? (body['scopes'] as string[]) : [],
          }),
        });
      case 'device-approve':
        return guarded(() => control.approveDevice(str('code'), optional('userId')));
      case 'device-deny':
        return guarded(() => control.denyDevice(str('code')));
      case 'device-expire':
        return guarded(() => control.expireDeviceCode(str('code')));
      case 'device-flow':
        control.configureDeviceFlow(body as EmulatorDeviceFlowOptions);
        return done();
      case 'revoke-grant':
        control.revokeGrant(optional('token'));
        return done();
      case 'expire-refresh-token':
        control.expireRefreshToken(optional('token'));
        return done();
      default:
        return false;
    }
  };
  return [http];
}
