import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TWITCH_ENDPOINTS, type TwitchEndpoints } from '../src/config/endpoints.js';
import { controlRoutes } from './control-routes.js';
import { createControls } from './controls.js';
import { deviceRoutes } from './device.js';
import { helixRoutes } from './helix.js';
import { type Ctx, type Route, cors, send } from './http.js';
import { oauthRoutes } from './oauth.js';
import { oidcRoutes } from './oidc.js';
import { createState } from './state.js';
import { tokenRoutes } from './token.js';
import type { EmulatorOptions, EmulatorUrls, TwitchEmulator } from './types.js';

export type {
  EmulatorClient,
  EmulatorClientType,
  EmulatorDeviceCode,
  EmulatorDeviceFlowOptions,
  EmulatorOptions,
  EmulatorUrls,
  EmulatorUser,
  LoggedRequest,
  RefreshAttempt,
  RefreshOutcome,
  TwitchEmulator,
} from './types.js';

/**
 * The SDK's `endpoints` for an emulator at `origin`. Only the names the SDK knows are included, so
 * `device` and `token` appear as soon as `TwitchEndpoints` has them, and the SDK never refuses
 * the object as naming an unknown endpoint.
 */
function sdkEndpoints(origin: string): TwitchEndpoints {
  const all: Record<string, string> = {
    issuer: `${origin}/oauth2`,
    authorize: `${origin}/oauth2/authorize`,
    jwks: `${origin}/oauth2/keys`,
    validate: `${origin}/oauth2/validate`,
    revoke: `${origin}/oauth2/revoke`,
    userinfo: `${origin}/oauth2/userinfo`,
    helix: `${origin}/helix`,
    device: `${origin}/oauth2/device`,
    token: `${origin}/oauth2/token`,
  };
  return Object.freeze(
    Object.fromEntries(
      Object.entries(all).filter(([name]) => Object.hasOwn(TWITCH_ENDPOINTS, name)),
    ),
  ) as unknown as TwitchEndpoints;
}

/**
 * Starts a local Twitch: authorize (with a consent page), discovery, keys, validate, revoke,
 * userinfo, the device code and refresh grants with an activation page, and Helix (Get Users, Get
 * Followed Channels) under `/helix` and twurple's `/mock`, with Twitch's bodies, statuses, CORS
 * and quirks.
 *
 * @example
 * ```ts
 * const twitch = await startTwitchEmulator({
 *   clients: [{ clientId: 'my-app', name: 'My app', redirectUris: ['http://localhost:5173/'] }],
 * });
 * createTwitchAuth({ clientId: 'my-app', redirectUri: 'http://localhost:5173/', endpoints: twitch.endpoints });
 * ```
 */
export async function startTwitchEmulator(options: EmulatorOptions = {}): Promise<TwitchEmulator> {
  const state = await createState(options);
  const control = createControls(state);
  const routes: Route[] = [
    ...oauthRoutes(state),
    ...oidcRoutes(state),
    ...deviceRoutes(state),
    ...tokenRoutes(state),
    ...helixRoutes(state),
    ...controlRoutes(state, control),
  ];

  const handle = async (ctx: Ctx): Promise<void> => {
    state.requestLog.push({ method: ctx.method, path: ctx.path });
    if (cors(ctx)) return;
    for (const route of routes) if (await route(ctx)) return;
    send(ctx.res, 404, {
      error: 'Not Found',
      status: 404,
      message: 'no such endpoint in the emulator',
    });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.origin);
    handle({ req, res, url, method: req.method ?? 'GET', path: url.pathname }).catch(() => {
      if (!res.headersSent) send(res, 400, { status: 400, message: 'bad request' });
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  state.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const origin = state.origin;
  const urls: EmulatorUrls = Object.freeze({
    device: `${origin}/oauth2/device`,
    token: `${origin}/oauth2/token`,
    activate: `${origin}/activate`,
    mock: `${origin}/mock`,
    controls: `${origin}/_emulator`,
    forgetMe: `${origin}/_emulator/forget-me`,
    userinfo: `${origin}/oauth2/userinfo`,
  });

  return {
    url: origin,
    port,
    endpoints: sdkEndpoints(origin),
    urls,
    get users() {
      return state.users();
    },
    requestLog: state.requestLog,
    ...control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
