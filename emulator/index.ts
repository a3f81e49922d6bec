import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TwitchEndpoints } from '../src/endpoints.js';
import { TWITCH_SCOPES, isTwitchScope } from '../src/scopes.js';
import { avatarSvg, consentPage, escapeHtml } from './consent-page.js';
import { type SigningKey, atHash, createSigningKey, signIdToken } from './keys.js';

/** A registered app. */
export interface EmulatorClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: string[];
}

/** A seeded Twitch user. */
export interface EmulatorUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** Defaults to an SVG avatar served by the emulator. */
  readonly picture?: string;
}

export interface EmulatorOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default: one client `emulator-client-id` with no redirect URIs (add them with `addRedirectUri`). */
  readonly clients?: readonly EmulatorClient[];
  readonly users?: readonly EmulatorUser[];
  /** Access token lifetime; default 5 184 000 s (60 days, like implicit tokens). */
  readonly tokenLifetimeSeconds?: number;
  /** ID token lifetime; default 900 s, as in Twitch's examples. */
  readonly idTokenLifetimeSeconds?: number;
  /** The emulator's clock in ms (tests). */
  readonly now?: () => number;
}

/** One logged request, without query string or tokens. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
}

/** A running emulator and its control surface (also under `/_emulator/*` over HTTP). */
export interface TwitchEmulator {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Pass these as the SDK's `endpoints`. */
  readonly endpoints: TwitchEndpoints;
  readonly users: readonly EmulatorUser[];
  readonly requestLog: LoggedRequest[];
  /** A new signing key; the old one stays published in the key set. */
  rotateKey(): Promise<void>;
  revokeToken(accessToken: string): void;
  expireToken(accessToken: string): void;
  setTokenLifetime(seconds: number): void;
  addRedirectUri(clientId: string, uri: string): void;
  /** Forgets every earlier consent, so the consent page shows again. */
  resetConsent(): void;
  /** Issues an access token directly (for tests that skip the browser). */
  issueToken(input: { clientId: string; userId: string; scopes: readonly string[] }): string;
  close(): Promise<void>;
}

interface TokenRecord {
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  lifetimeSeconds: number;
  revoked: boolean;
  readonly userinfoClaims: readonly string[];
}

const DEFAULT_USERS: readonly EmulatorUser[] = [
  { id: '141981764', login: 'twitchdev', displayName: 'TwitchDev', email: 'twitchdev@example.com', emailVerified: true },
  { id: '12826', login: 'twitch', displayName: 'Twitch', email: 'twitch@example.com', emailVerified: true },
  { id: '44322889', login: 'streamer_ana', displayName: 'Streamer_Ana', email: 'ana@example.com', emailVerified: false },
];

const OPTIONAL_CLAIMS = new Set(['email', 'email_verified', 'picture', 'preferred_username', 'updated_at']);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
  res.writeHead(status, { ...(text === '' ? {} : { 'content-type': type }), ...headers });
  res.end(text);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 65_536) throw new Error('body too large');
  }
  return body;
}

function bearer(req: IncomingMessage, schemes: readonly string[]): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme = '', token = ''] = header.split(' ');
  return schemes.includes(scheme.toLowerCase()) && token !== '' ? token : '';
}

/**
 * Starts a local Twitch: authorize (with a consent page), discovery, keys, validate, revoke,
 * userinfo and Helix Get Users, with Twitch's bodies, statuses, CORS and quirks.
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
  const now = options.now ?? Date.now;
  const clients = new Map(
    (options.clients ?? [{ clientId: 'emulator-client-id', name: 'Emulator Demo App', redirectUris: [] }]).map(
      (c) => [c.clientId, { ...c, redirectUris: [...c.redirectUris] }],
    ),
  );
  const baseUsers = options.users ?? DEFAULT_USERS;
  let tokenLifetime = options.tokenLifetimeSeconds ?? 5_184_000;
  const idTokenLifetime = options.idTokenLifetimeSeconds ?? 900;
  const keys: SigningKey[] = [await createSigningKey()];
  const tokens = new Map<string, TokenRecord>();
  const consents = new Set<string>();
  const requestLog: LoggedRequest[] = [];
  let origin = '';

  const users = (): EmulatorUser[] =>
    baseUsers.map((u) => ({ ...u, picture: u.picture ?? `${origin}/avatars/${u.login}.svg` }));
  const userById = (id: string): EmulatorUser | undefined => users().find((u) => u.id === id);
  const issuer = (): string => `${origin}/oauth2`;

  const liveToken = (token: string | undefined): TokenRecord | undefined => {
    const record = token === undefined ? undefined : tokens.get(token);
    if (record === undefined || record.revoked) return undefined;
    return now() < record.issuedAt + record.lifetimeSeconds * 1000 ? record : undefined;
  };

  const issueToken = (input: { clientId: string; userId: string; scopes: readonly string[]; userinfoClaims?: readonly string[] }): string => {
    const token = [...randomBytes(30)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
    tokens.set(token, {
      clientId: input.clientId,
      userId: input.userId,
      scopes: [...input.scopes],
      issuedAt: now(),
      lifetimeSeconds: tokenLifetime,
      revoked: false,
      userinfoClaims: input.userinfoClaims ?? [],
    });
    return token;
  };

  const optionalClaims = (user: EmulatorUser, names: Iterable<string>, scopes: readonly string[]): Record<string, unknown> => {
    const claims: Record<string, unknown> = {};
    for (const name of names) {
      if (name === 'preferred_username') claims[name] = user.displayName;
      if (name === 'picture') claims[name] = user.picture;
      if (name === 'updated_at') claims[name] = '2024-01-02T03:04:05.678901Z';
      if (scopes.includes('user:read:email')) {
        if (name === 'email') claims[name] = user.emailVerified ? user.email : null;
        if (name === 'email_verified') claims[name] = user.emailVerified;
      }
    }
    return claims;
  };

  /** Checks authorize parameters; returns an error redirect/page or the parsed request. */
  const checkAuthorize = (params: URLSearchParams, res: ServerResponse) => {
    const client = clients.get(params.get('client_id') ?? '');
    if (client === undefined) {
      send(res, 400, `<!doctype html><title>Error</title><h1>invalid client</h1><p>${escapeHtml(params.get('client_id') ?? '')}</p>`);
      return undefined;
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    const state = params.get('state');
    const fail = (target: string, error: string, description: string): undefined => {
      const url = new URL(target);
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      if (state !== null) url.searchParams.set('state', state);
      redirect(res, url.href);
      return undefined;
    };
    if (!client.redirectUris.includes(redirectUri)) {
      // Twitch ignores the bad URI and uses the first registered one (twitchdev/issues#762).
      const first = client.redirectUris[0];
      if (first === undefined) {
        send(res, 400, '<!doctype html><title>Error</title><h1>redirect_mismatch</h1>');
        return undefined;
      }
      return fail(first, 'redirect_mismatch', 'Parameter redirect_uri does not match registered URI');
    }
    const responseType = params.get('response_type') ?? '';
    const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
    if (!['token', 'token id_token', 'id_token'].includes(responseType)) {
      return fail(redirectUri, 'unsupported_response_type', 'Response type is not supported');
    }
    if (responseType.includes('id_token') && !scopes.includes('openid')) {
      return fail(redirectUri, 'unsupported_response_type', 'Response type is not supported');
    }
    if (!scopes.every(isTwitchScope)) return fail(redirectUri, 'invalid_scope', 'Invalid scope requested');
    let claims: Record<string, Record<string, null>> = {};
    const rawClaims = params.get('claims');
    if (rawClaims !== null) {
      try {
        claims = JSON.parse(rawClaims) as typeof claims;
        if (typeof claims !== 'object' || claims === null) throw new Error('not an object');
      } catch {
        return fail(redirectUri, 'invalid_request', 'Invalid claims parameter');
      }
    }
    return { client, redirectUri, responseType, scopes, claims, state, nonce: params.get('nonce') };
  };

  const completeLogin = async (request: NonNullable<ReturnType<typeof checkAuthorize>>, user: EmulatorUser, res: ServerResponse): Promise<void> => {
    const idTokenClaims = Object.keys(request.claims['id_token'] ?? {}).filter((c) => OPTIONAL_CLAIMS.has(c));
    const userinfoClaims = Object.keys(request.claims['userinfo'] ?? {}).filter((c) => OPTIONAL_CLAIMS.has(c));
    const fragment = new URLSearchParams();
    let accessToken: string | undefined;
    if (request.responseType.split(' ').includes('token')) {
      accessToken = issueToken({ clientId: request.client.clientId, userId: user.id, scopes: request.scopes, userinfoClaims });
      fragment.set('access_token', accessToken);
    }
    if (request.responseType.includes('id_token')) {
      const iat = Math.floor(now() / 1000);
      const key = keys[keys.length - 1] as SigningKey;
      const idToken = await signIdToken(key, {
        iss: issuer(),
        sub: user.id,
        aud: request.client.clientId,
        azp: request.client.clientId,
        iat,
        exp: iat + idTokenLifetime,
        ...(request.nonce === null ? {} : { nonce: request.nonce }),
        ...(accessToken === undefined ? {} : { at_hash: atHash(accessToken) }),
        ...optionalClaims(user, idTokenClaims, request.scopes),
      });
      fragment.set('id_token', idToken);
    }
    fragment.set('scope', request.scopes.join(' '));
    if (request.state !== null) fragment.set('state', request.state);
    fragment.set('token_type', 'bearer');
    const target = new URL(request.redirectUri);
    target.hash = fragment.toString();
    res.setHeader('set-cookie', `emu_user=${user.id}; Path=/; HttpOnly; SameSite=Lax`);
    redirect(res, target.href);
  };

  const consentKey = (clientId: string, userId: string, scopes: readonly string[]): string =>
    `${clientId}|${userId}|${[...scopes].sort().join(' ')}`;

  const cors = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', 'Ratelimit-Limit, Ratelimit-Remaining, Ratelimit-Reset');
    if (req.method !== 'OPTIONS') return false;
    // Twitch's validate preflight does not allow Client-Id (mitchwadair/tesjs#95).
    const headers = path.startsWith('/helix/') ? 'Authorization, Client-Id, Content-Type' : path === '/oauth2/validate' ? 'Authorization' : 'Authorization, Content-Type';
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': headers,
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  };

  const control: Pick<TwitchEmulator, 'rotateKey' | 'revokeToken' | 'expireToken' | 'setTokenLifetime' | 'addRedirectUri' | 'resetConsent' | 'issueToken'> = {
    async rotateKey() {
      keys.push(await createSigningKey());
    },
    revokeToken(token) {
      const record = tokens.get(token);
      if (record !== undefined) record.revoked = true;
    },
    expireToken(token) {
      const record = tokens.get(token);
      if (record !== undefined) record.lifetimeSeconds = (now() - record.issuedAt) / 1000;
    },
    setTokenLifetime(seconds) {
      tokenLifetime = seconds;
    },
    addRedirectUri(clientId, uri) {
      clients.get(clientId)?.redirectUris.push(uri);
    },
    resetConsent() {
      consents.clear();
    },
    issueToken: (input) => issueToken(input),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    requestLog.push({ method: req.method ?? 'GET', path });
    if (cors(req, res, path)) return;

    if (path === '/oauth2/authorize' && req.method === 'GET') {
      const request = checkAuthorize(url.searchParams, res);
      if (request === undefined) return;
      const remembered = /(?:^|;\s*)emu_user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const user = remembered === undefined ? undefined : userById(remembered);
      if (url.searchParams.get('force_verify') !== 'true' && user !== undefined &&
          consents.has(consentKey(request.client.clientId, user.id, request.scopes))) {
        await completeLogin(request, user, res);
        return;
      }
      send(res, 200, consentPage({
        appName: request.client.name,
        scopes: request.scopes.map((name) => ({ name, description: isTwitchScope(name) ? TWITCH_SCOPES[name] : '' })),
        users: users(),
        params: url.searchParams,
      }), { 'referrer-policy': 'no-referrer', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'" });
      return;
    }
    if (path === '/oauth2/authorize' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const decision = form.get('decision');
      const userId = form.get('user_id') ?? '';
      for (const name of ['decision', 'user_id']) form.delete(name);
      const request = checkAuthorize(form, res);
      if (request === undefined) return;
      if (decision !== 'authorize') {
        const target = new URL(request.redirectUri);
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'The user denied you access');
        if (request.state !== null) target.searchParams.set('state', request.state);
        redirect(res, target.href);
        return;
      }
      const user = userById(userId) ?? users()[0];
      if (user === undefined) return send(res, 400, { status: 400, message: 'no such user' });
      consents.add(consentKey(request.client.clientId, user.id, request.scopes));
      await completeLogin(request, user, res);
      return;
    }
    if (path === '/.well-known/openid-configuration' || path === '/oauth2/.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: issuer(),
        authorization_endpoint: `${origin}/oauth2/authorize`,
        token_endpoint: `${origin}/oauth2/token`,
        userinfo_endpoint: `${origin}/oauth2/userinfo`,
        jwks_uri: `${origin}/oauth2/keys`,
        response_types_supported: ['id_token', 'code', 'token', 'code id_token', 'token id_token'],
        scopes_supported: ['openid'],
        claims_supported: ['email', 'email_verified', 'picture', 'preferred_username', 'exp', 'iss', 'sub', 'azp', 'aud', 'iat', 'updated_at'],
        claims_parameter_supported: true,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    }
    if (path === '/oauth2/keys') return send(res, 200, { keys: keys.map((k) => k.publicJwk) });
    if (path === '/oauth2/validate') {
      const token = bearer(req, ['oauth', 'bearer']);
      if (token === undefined) return send(res, 401, { status: 401, message: 'missing authorization token' });
      const record = liveToken(token);
      if (record === undefined) return send(res, 401, { status: 401, message: 'invalid access token' });
      const user = userById(record.userId);
      return send(res, 200, {
        client_id: record.clientId,
        login: user?.login ?? null,
        scopes: record.scopes,
        user_id: record.userId,
        expires_in: Math.max(0, Math.floor((record.issuedAt + record.lifetimeSeconds * 1000 - now()) / 1000)),
      });
    }
    if (path === '/oauth2/revoke' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const clientId = form.get('client_id') ?? url.searchParams.get('client_id') ?? '';
      const token = form.get('token') ?? url.searchParams.get('token') ?? '';
      if (!clients.has(clientId)) return send(res, 404, { status: 404, message: 'client does not exist' });
      const record = liveToken(token);
      if (record === undefined || record.clientId !== clientId) return send(res, 400, { status: 400, message: 'Invalid token' });
      record.revoked = true;
      return send(res, 200, undefined);
    }
    if (path === '/oauth2/userinfo') {
      const record = liveToken(bearer(req, ['bearer']));
      const user = record === undefined ? undefined : userById(record.userId);
      if (record === undefined || user === undefined) return send(res, 401, { status: 401, message: 'invalid access token' });
      const iat = Math.floor(now() / 1000);
      return send(res, 200, {
        aud: record.clientId, exp: iat + idTokenLifetime, iat, iss: issuer(), sub: user.id,
        ...optionalClaims(user, record.userinfoClaims, record.scopes),
      });
    }
    if (path === '/helix/users') {
      const token = bearer(req, ['bearer']);
      const unauthorized = (message: string): void => send(res, 401, { error: 'Unauthorized', status: 401, message });
      if (token === undefined || token === '') return unauthorized('OAuth token is missing');
      const record = liveToken(token);
      if (record === undefined) return unauthorized('Invalid OAuth token');
      if (req.headers['client-id'] !== record.clientId) return unauthorized('Client ID and OAuth token do not match');
      const ids = url.searchParams.getAll('id');
      const logins = url.searchParams.getAll('login');
      const wanted = ids.length + logins.length === 0
        ? users().filter((u) => u.id === record.userId)
        : users().filter((u) => ids.includes(u.id) || logins.includes(u.login));
      const reset = Math.floor(now() / 1000) + 60;
      return send(res, 200, {
        data: wanted.map((u) => ({
          id: u.id, login: u.login, display_name: u.displayName, type: '', broadcaster_type: '',
          description: `${u.displayName} lives in the Twitch emulator.`, profile_image_url: u.picture,
          offline_image_url: '', view_count: 0, created_at: '2016-12-14T20:32:28Z',
          ...(u.id === record.userId && record.scopes.includes('user:read:email') ? { email: u.email } : {}),
        })),
      }, { 'ratelimit-limit': '800', 'ratelimit-remaining': '799', 'ratelimit-reset': String(reset) });
    }
    const avatar = /^\/avatars\/([a-z0-9_]+)\.svg$/.exec(path);
    if (avatar !== null) {
      const index = users().findIndex((u) => u.login === avatar[1]);
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=3600' });
      res.end(avatarSvg(users()[index]?.displayName ?? '?', (index * 97 + 265) % 360));
      return;
    }
    if (path.startsWith('/_emulator/')) {
      const action = path.slice('/_emulator/'.length);
      if (action === 'requests') return send(res, 200, requestLog);
      const body = req.method === 'POST' ? ((JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>)) : {};
      const str = (name: string): string => String(body[name] ?? '');
      switch (action) {
        case 'rotate-key': await control.rotateKey(); return send(res, 200, { kid: keys[keys.length - 1]?.kid });
        case 'revoke': control.revokeToken(str('token')); return send(res, 204, undefined);
        case 'expire': control.expireToken(str('token')); return send(res, 204, undefined);
        case 'token-lifetime': control.setTokenLifetime(Number(body['seconds'])); return send(res, 204, undefined);
        case 'reset-consent': control.resetConsent(); return send(res, 204, undefined);
        case 'clear-requests': requestLog.length = 0; return send(res, 204, undefined);
        case 'issue-token':
          return send(res, 200, { access_token: control.issueToken({ clientId: str('clientId'), userId: str('userId'), scopes: Array.isArray(body['scopes']) ? (body['scopes'] as string[]) : [] }) });
        default:
      }
    }
    send(res, 404, { error: 'Not Found', status: 404, message: 'no such endpoint in the emulator' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 400, { status: 400, message: 'bad request' });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: origin,
    endpoints: Object.freeze({
      issuer: `${origin}/oauth2`,
      authorize: `${origin}/oauth2/authorize`,
      jwks: `${origin}/oauth2/keys`,
      validate: `${origin}/oauth2/validate`,
      revoke: `${origin}/oauth2/revoke`,
      userinfo: `${origin}/oauth2/userinfo`,
      helix: `${origin}/helix`,
    }),
    get users() {
      return users();
    },
    requestLog,
    ...control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
