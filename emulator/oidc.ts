// OpenID Connect: discovery, the key set, userinfo, the claims they share, and the avatars the
// `picture` claim points at.
import { avatarSvg } from './consent-page.js';
import { type Ctx, type Route, bearer, send } from './http.js';
import type { EmulatorState } from './state.js';
import type { EmulatorUser } from './types.js';

export const OPTIONAL_CLAIMS = new Set([
  'email',
  'email_verified',
  'picture',
  'preferred_username',
  'updated_at',
]);

/** The requested optional claims; the email pair only with `user:read:email`, as Twitch. */
export function optionalClaims(
  user: EmulatorUser,
  names: Iterable<string>,
  scopes: readonly string[],
): Record<string, unknown> {
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
}

export function oidcRoutes(state: EmulatorState): Route[] {
  const discovery = ({ res, path }: Ctx): boolean => {
    if (
      path !== '/.well-known/openid-configuration' &&
      path !== '/oauth2/.well-known/openid-configuration'
    )
      return false;
    const origin = state.origin;
    return send(res, 200, {
      issuer: state.issuer(),
      authorization_endpoint: `${origin}/oauth2/authorize`,
      token_endpoint: `${origin}/oauth2/token`,
      userinfo_endpoint: `${origin}/oauth2/userinfo`,
      jwks_uri: `${origin}/oauth2/keys`,
      response_types_supported: ['id_token', 'code', 'token', 'code id_token', 'token id_token'],
      scopes_supported: ['openid'],
      claims_supported: [
        'email',
        'email_verified',
        'picture',
        'preferred_username',
        'exp',
        'iss',
        'sub',
        'azp',
        'aud',
        'iat',
        'updated_at',
      ],
      claims_parameter_supported: true,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    });
  };
  const keys = ({ res, path }: Ctx): boolean =>
    path === '/oauth2/keys' && send(res, 200, { keys: state.keys.map((k) => k.publicJwk) });
  const userinfo = ({ req, res, path }: Ctx): boolean => {
    if (path !== '/oauth2/userinfo') return false;
    const record = state.liveToken(bearer(req, ['bearer']));
    const user = record === undefined ? undefined : state.userById(record.userId);
    if (record === undefined || user === undefined)
      return send(res, 401, { status: 401, message: 'invalid access token' });
    const iat = Math.floor(state.now() / 1000);
    return send(res, 200, {
      aud: record.clientId,
      exp: iat + state.idTokenLifetime,
      iat,
      iss: state.issuer(),
      sub: user.id,
      ...optionalClaims(user, record.userinfoClaims, record.scopes),
    });
  };
  const avatar = ({ res, path }: Ctx): boolean => {
    const match = /^\/avatars\/([a-z0-9_]+)\.svg$/.exec(path);
    if (match === null) return false;
    const users = state.users();
    const index = users.findIndex((u) => u.login === match[1]);
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=3600' });
    res.end(avatarSvg(users[index]?.displayName ?? '?', (index * 97 + 265) % 360));
    return true;
  };
  return [discovery, keys, userinfo, avatar];
}
