// The implicit flows' endpoints: authorize with its consent page, validate and revoke.
// `/auth/validate` and `/auth/revoke` are the Twitch CLI mock layout's names, where twurple's
// `mockServerPort` sends them.
import type { ServerResponse } from 'node:http';
import { TWITCH_SCOPES, isTwitchScope } from '../src/config/scopes.js';
import { consentPage } from './consent-page.js';
import { escapeHtml, page } from './page.js';
import { REVOKE_ENDS_GRANT, REVOKE_REFRESH_TOKEN_ENDS_GRANT } from './facts.js';
import {
  type Ctx,
  type Route,
  bearer,
  readBody,
  readForm,
  redirect,
  send,
  sendError,
} from './http.js';
import { type SigningKey, atHash, signIdToken } from './keys.js';
import { OPTIONAL_CLAIMS, optionalClaims } from './oidc.js';
import type { EmulatorState } from './state.js';
import type { EmulatorClient, EmulatorUser } from './types.js';

interface AuthorizeRequest {
  readonly client: EmulatorClient;
  readonly redirectUri: string;
  readonly responseType: string;
  readonly scopes: string[];
  readonly claims: Record<string, Record<string, null>>;
  readonly state: string | null;
  readonly nonce: string | null;
}

/** The cookie in which the consent page remembers who this browser signed in as. */
const USER_COOKIE = 'emu_user';

const consentKey = (clientId: string, userId: string, scopes: readonly string[]): string =>
  `${clientId}|${userId}|${[...scopes].sort().join(' ')}`;

export function oauthRoutes(state: EmulatorState): Route[] {
  /** Checks authorize parameters; answers an error redirect/page itself, or returns the request. */
  const checkAuthorize = (
    params: URLSearchParams,
    res: ServerResponse,
  ): AuthorizeRequest | undefined => {
    const client = state.clients.get(params.get('client_id') ?? '');
    if (client === undefined) {
      send(
        res,
        400,
        `<!doctype html><title>Error</title><h1>invalid client</h1><p>${escapeHtml(params.get('client_id') ?? '')}</p>`,
      );
      return undefined;
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    const requestState = params.get('state');
    const fail = (target: string, error: string, description: string): undefined => {
      const url = new URL(target);
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      if (requestState !== null) url.searchParams.set('state', requestState);
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
      return fail(
        first,
        'redirect_mismatch',
        'Parameter redirect_uri does not match registered URI',
      );
    }
    const responseType = params.get('response_type') ?? '';
    const scopes = (params.get('scope') ?? '').split(' ').filter((s) => s !== '');
    if (!['token', 'token id_token', 'id_token'].includes(responseType)) {
      return fail(redirectUri, 'unsupported_response_type', 'Response type is not supported');
    }
    if (responseType.includes('id_token') && !scopes.includes('openid')) {
      return fail(redirectUri, 'unsupported_response_type', 'Response type is not supported');
    }
    if (!scopes.every(isTwitchScope))
      return fail(redirectUri, 'invalid_scope', 'Invalid scope requested');
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
    return {
      client,
      redirectUri,
      responseType,
      scopes,
      claims,
      state: requestState,
      nonce: params.get('nonce'),
    };
  };

  const completeLogin = async (
    request: AuthorizeRequest,
    user: EmulatorUser,
    res: ServerResponse,
  ): Promise<true> => {
    const idTokenClaims = Object.keys(request.claims['id_token'] ?? {}).filter((c) =>
      OPTIONAL_CLAIMS.has(c),
    );
    const userinfoClaims = Object.keys(request.claims['userinfo'] ?? {}).filter((c) =>
      OPTIONAL_CLAIMS.has(c),
    );
    const fragment = new URLSearchParams();
    // What the user declined (a test control) is left out of the grant; openid is never declined.
    const granted = request.scopes.filter(
      (scope) => scope === 'openid' || !state.declinedScopes.has(scope),
    );
    let accessToken: string | undefined;
    if (request.responseType.split(' ').includes('token')) {
      accessToken = state.issueToken({
        clientId: request.client.clientId,
        userId: user.id,
        scopes: granted,
        userinfoClaims,
      });
      fragment.set('access_token', accessToken);
    }
    if (request.responseType.includes('id_token')) {
      const iat = Math.floor(state.now() / 1000);
      const key = state.keys[state.keys.length - 1] as SigningKey;
      const idToken = await signIdToken(key, {
        iss: state.issuer(),
        sub: user.id,
        aud: request.client.clientId,
        azp: request.client.clientId,
        iat,
        exp: iat + state.idTokenLifetime,
        ...(request.nonce === null ? {} : { nonce: request.nonce }),
        ...(accessToken === undefined ? {} : { at_hash: atHash(accessToken) }),
        ...optionalClaims(user, idTokenClaims, granted),
      });
      fragment.set('id_token', idToken);
    }
    fragment.set('scope', granted.join(' '));
    if (request.state !== null) fragment.set('state', request.state);
    fragment.set('token_type', 'bearer');
    const target = new URL(request.redirectUri);
    target.hash = fragment.toString();
    res.setHeader('set-cookie', `${USER_COOKIE}=${user.id}; Path=/; HttpOnly; SameSite=Lax`);
    return redirect(res, target.href);
  };

  const authorizePage = async ({ req, res, url, path, method }: Ctx): Promise<boolean> => {
    if (path !== '/oauth2/authorize' || method !== 'GET') return false;
    const request = checkAuthorize(url.searchParams, res);
    if (request === undefined) return true;
    const remembered = new RegExp(`(?:^|;\\s*)${USER_COOKIE}=([^;]+)`).exec(
      req.headers.cookie ?? '',
    )?.[1];
    const user = remembered === undefined ? undefined : state.userById(remembered);
    if (
      url.searchParams.get('force_verify') !== 'true' &&
      user !== undefined &&
      state.consents.has(consentKey(request.client.clientId, user.id, request.scopes))
    ) {
      return completeLogin(request, user, res);
    }
    return send(
      res,
      200,
      consentPage({
        appName: request.client.name,
        scopes: request.scopes.map((name) => ({
          name,
          description: isTwitchScope(name) ? TWITCH_SCOPES[name] : '',
        })),
        users: state.users(),
        params: url.searchParams,
        ...(user === undefined
          ? {}
          : {
              remembered: {
                user,
                forgetUrl: `/_emulator/forget-me?${new URLSearchParams({ return: `${path}${url.search}` })}`,
              },
            }),
      }),
      {
        'referrer-policy': 'no-referrer',
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
      },
    );
  };

  const authorizeDecision = async ({ req, res, path, method }: Ctx): Promise<boolean> => {
    if (path !== '/oauth2/authorize' || method !== 'POST') return false;
    const form = new URLSearchParams(await readBody(req));
    const decision = form.get('decision');
    const userId = form.get('user_id') ?? '';
    for (const name of ['decision', 'user_id']) form.delete(name);
    const request = checkAuthorize(form, res);
    if (request === undefined) return true;
    if (decision !== 'authorize') {
      const target = new URL(request.redirectUri);
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied you access');
      if (request.state !== null) target.searchParams.set('state', request.state);
      return redirect(res, target.href);
    }
    const user = state.userById(userId) ?? state.users()[0];
    if (user === undefined) return sendError(res, 400, 'no such user');
    state.consents.add(consentKey(request.client.clientId, user.id, request.scopes));
    return completeLogin(request, user, res);
  };

  const validate = ({ req, res, path }: Ctx): boolean => {
    if (path !== '/oauth2/validate' && path !== '/auth/validate') return false;
    const token = bearer(req, ['oauth', 'bearer']);
    if (token === undefined) return sendError(res, 401, 'missing authorization token');
    const record = state.liveToken(token);
    if (record === undefined) return sendError(res, 401, 'invalid access token');
    return send(res, 200, {
      client_id: record.clientId,
      login: state.userById(record.userId)?.login ?? null,
      scopes: record.scopes,
      user_id: record.userId,
      expires_in: state.expiresIn(record),
    });
  };

  const revoke = async (ctx: Ctx): Promise<boolean> => {
    if ((ctx.path !== '/oauth2/revoke' && ctx.path !== '/auth/revoke') || ctx.method !== 'POST')
      return false;
    const field = await readForm(ctx);
    const clientId = field('client_id') ?? '';
    if (!state.clients.has(clientId)) return sendError(ctx.res, 404, 'client does not exist');
    const token = field('token') ?? '';
    const record = state.liveToken(token);
    if (record !== undefined && record.clientId === clientId) {
      record.revoked = true;
      if (REVOKE_ENDS_GRANT && record.grantId !== undefined) {
        const grant = state.grants.get(record.grantId);
        if (grant !== undefined) grant.revoked = true;
      }
      return send(ctx.res, 200, undefined);
    }
    // Only a live refresh token is found here: a spent one is unknown, and reuse detection stays
    // the token endpoint's (facts.ts).
    const grant = REVOKE_REFRESH_TOKEN_ENDS_GRANT ? state.grantByRefreshToken(token) : undefined;
    if (grant === undefined || grant.clientId !== clientId)
      return sendError(ctx.res, 400, 'Invalid token');
    grant.revoked = true;
    return send(ctx.res, 200, undefined);
  };

  /** Twitch's "Not you?": this browser forgets its user, then goes back to the authorize page. */
  const forgetMe = ({ res, url, path, method }: Ctx): boolean => {
    if (path !== '/_emulator/forget-me' || method !== 'GET') return false;
    res.setHeader('set-cookie', `${USER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
    const back = url.searchParams.get('return') ?? '';
    // Only back to this emulator's own authorize page, so the link is no open redirect.
    if (back.startsWith('/oauth2/authorize?')) return redirect(res, back);
    return send(
      res,
      200,
      page(
        'Forgotten',
        '<h1 data-testid="forgotten">Forgotten</h1><p>This browser no longer remembers a test user: the next login shows the choice of users again.</p>',
      ),
      { 'cache-control': 'no-store' },
    );
  };

  return [authorizePage, authorizeDecision, validate, revoke, forgetMe];
}
