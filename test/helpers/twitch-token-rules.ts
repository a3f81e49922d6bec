// Twitch's token endpoint as its rules are reported, for tests of many tabs: a refresh rotates the
// refresh token and revokes the previous access token; sending a refresh token that was already
// spent kills the user's whole connection to the app, every token on every device
// (twitchdev/issues#903). Every refresh token that reaches it (to /token or /revoke) is recorded,
// so a test can assert no token was ever sent twice.
import { json } from './fake-fetch';
import { CLIENT_ID, HELIX, REVOKE_URL, VALIDATE_URL, validateBody } from './twitch';

const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';
export const USERS_URL = `${HELIX}/users`;

interface Grant {
  readonly user: string;
  refresh: string;
  readonly spent: Set<string>;
  readonly access: Set<string>;
  alive: boolean;
}

export interface TwitchRules {
  readonly fetch: typeof fetch;
  /** Every request, as `METHOD url`. */
  readonly requests: string[];
  /** Every refresh token sent, in order (token endpoint and revocation). */
  readonly refreshSends: string[];
  /** Spent refresh tokens that were sent again: each killed its user's connection. */
  readonly replays: string[];
  /** Access tokens sent to /revoke. */
  readonly revokedAccess: string[];
  /** A device login: a new grant for `user`. */
  issue(user: string): { accessToken: string; refreshToken: string };
  /** Whether Twitch accepts this access token now. */
  isLive(accessToken: string): boolean;
  /** The access token runs out (Twitch answers 401) while its grant lives on. */
  expire(accessToken: string): void;
  /** The next refresh is processed (the token rotates) but its answer never arrives. */
  loseNextAnswer(): void;
}

export function createTwitchRules(): TwitchRules {
  let n = 0;
  let lose = false;
  const grants: Grant[] = [];
  const live = new Map<string, string>(); // access token -> user
  const refreshSends: string[] = [];
  const replays: string[] = [];
  const revokedAccess: string[] = [];
  const requests: string[] = [];

  const kill = (grant: Grant): void => {
    grant.alive = false;
    for (const token of grant.access) live.delete(token);
  };
  const killUser = (user: string): void => {
    for (const grant of grants) if (grant.user === user) kill(grant);
  };
  const newAccess = (grant: Grant): string => {
    n += 1;
    const token = `at-${grant.user}-${n}`;
    grant.access.add(token);
    live.set(token, grant.user);
    return token;
  };
  /** A refresh token arrives: a spent one kills the user, a live one is consumed. */
  const consume = (token: string): Grant | 'dead' | undefined => {
    refreshSends.push(token);
    const replayed = grants.find((g) => g.spent.has(token));
    if (replayed !== undefined) {
      replays.push(token);
      killUser(replayed.user);
      return 'dead';
    }
    const grant = grants.find((g) => g.refresh === token);
    if (grant === undefined || !grant.alive) return 'dead';
    grant.spent.add(token);
    return grant;
  };
  const bearer = (request: Request, scheme: string): string =>
    (request.headers.get('authorization') ?? '').replace(`${scheme} `, '');

  const fetchRules: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = request.url.split('?')[0];
    requests.push(`${request.method} ${request.url}`);
    if (request.method === 'POST' && url === TOKEN_URL) {
      const form = new URLSearchParams(await request.text());
      const grant = consume(form.get('refresh_token') ?? '');
      if (grant === undefined || grant === 'dead')
        return json({ status: 400, message: 'Invalid refresh token' }, 400);
      for (const token of grant.access) live.delete(token);
      grant.access.clear();
      const accessToken = newAccess(grant);
      grant.refresh = `rt-${grant.user}-${n}`;
      if (lose) {
        lose = false;
        throw new TypeError('Failed to fetch');
      }
      return json({
        access_token: accessToken,
        refresh_token: grant.refresh,
        expires_in: 14_000,
        scope: ['chat:read'],
        token_type: 'bearer',
      });
    }
    if (request.method === 'POST' && url === REVOKE_URL) {
      const token = new URLSearchParams(await request.text()).get('token') ?? '';
      if (token.startsWith('rt-')) {
        const grant = consume(token);
        if (grant !== undefined && grant !== 'dead') kill(grant);
      } else {
        revokedAccess.push(token);
        live.delete(token);
      }
      return new Response(null, { status: 200 });
    }
    if (url === VALIDATE_URL) {
      const user = live.get(bearer(request, 'OAuth'));
      return user === undefined
        ? json({ status: 401, message: 'invalid access token' }, 401)
        : json(
            validateBody({
              client_id: CLIENT_ID,
              user_id: user,
              login: user,
              scopes: ['chat:read'],
              expires_in: 14_000,
            }),
          );
    }
    if (url === USERS_URL) {
      const user = live.get(bearer(request, 'Bearer'));
      return user === undefined
        ? json({ status: 401, message: 'Invalid OAuth token' }, 401)
        : json({ data: [{ id: user }] });
    }
    throw new TypeError(`Unexpected request: ${request.method} ${request.url}`);
  };

  return {
    fetch: fetchRules,
    requests,
    refreshSends,
    replays,
    revokedAccess,
    issue(user) {
      const grant: Grant = { user, refresh: '', spent: new Set(), access: new Set(), alive: true };
      grants.push(grant);
      const accessToken = newAccess(grant);
      grant.refresh = `rt-${user}-${n}`;
      return { accessToken, refreshToken: grant.refresh };
    },
    isLive: (accessToken) => live.has(accessToken),
    expire: (accessToken) => void live.delete(accessToken),
    loseNextAnswer: () => void (lose = true),
  };
}
