// The test controls on the emulator object. Each checks its input against control-schema.ts
// first, as the same controls over HTTP (control-routes.ts) do.
import { checkControl } from './control-schema.js';
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
  const client = (clientId: string) => {
    const record = state.clients.get(clientId);
    if (record === undefined) throw new Error('no such client');
    return record;
  };
  const grantsOf = (token: string | undefined) =>
    token === undefined
      ? [...state.grants.values()]
      : [state.grantOfToken(token)].filter((g) => g !== undefined);
  return {
    async rotateKey() {
      checkControl('rotateKey', {});
      state.keys.push(await createSigningKey());
    },
    revokeToken(token) {
      checkControl('revokeToken', { token });
      const record = state.tokens.get(token);
      if (record !== undefined) record.revoked = true;
    },
    expireToken(token) {
      checkControl('expireToken', { token });
      const records = token === undefined ? [...state.tokens.values()] : [state.tokens.get(token)];
      for (const record of records) if (record !== undefined) state.expireToken(record);
    },
    setTokenLifetime(seconds) {
      checkControl('setTokenLifetime', { seconds });
      state.tokenLifetime = seconds;
      state.device.accessTokenLifetimeSeconds = seconds;
    },
    addRedirectUri(clientId, uri) {
      checkControl('addRedirectUri', { clientId, uri });
      const record = client(clientId);
      if (!record.redirectUris.includes(uri)) record.redirectUris.push(uri);
    },
    setClientType(clientId, type) {
      checkControl('setClientType', { clientId, type });
      client(clientId).type = type;
    },
    resetConsent() {
      checkControl('resetConsent', {});
      state.consents.clear();
    },
    declineScopes(scopes) {
      checkControl('declineScopes', { scopes });
      state.declinedScopes = new Set(scopes);
    },
    issueToken(input) {
      checkControl('issueToken', input);
      return state.issueToken(input);
    },
    clearRequests() {
      checkControl('clearRequests', {});
      state.requestLog.length = 0;
    },
    refreshAttempts: () => state.refreshAttempts.map((attempt) => ({ ...attempt })),
    clearRefreshAttempts() {
      checkControl('clearRefreshAttempts', {});
      state.refreshAttempts.length = 0;
    },
    deviceCodes: () =>
      state.deviceCodes.map((d) => ({
        userCode: d.userCode,
        clientId: d.clientId,
        scopes: d.scopes,
        status: state.deviceCodeStatus(d),
      })),
    approveDevice(code, userId) {
      checkControl('approveDevice', { code, userId });
      const user = userId === undefined ? state.users()[0] : state.userById(userId);
      if (user === undefined) throw new Error('no such user');
      deviceCode(code).decision = { approved: true, userId: user.id };
    },
    denyDevice(code) {
      checkControl('denyDevice', { code });
      deviceCode(code).decision = { approved: false };
    },
    expireDeviceCode(code) {
      checkControl('expireDeviceCode', { code });
      deviceCode(code).expiresAt = state.now();
    },
    revokeGrant(token) {
      checkControl('revokeGrant', { token });
      for (const grant of grantsOf(token)) grant.revoked = true;
    },
    expireRefreshToken(token) {
      checkControl('expireRefreshToken', { token });
      for (const grant of grantsOf(token)) grant.refreshExpired = true;
    },
    configureDeviceFlow(options) {
      const fields = checkControl('configureDeviceFlow', options);
      for (const [key, value] of Object.entries(fields))
        if (typeof value === 'number') state.device[key as keyof EmulatorDeviceFlowOptions] = value;
    },
  };
}
