// Helix: Get Users and Get Followed Channels (which needs a scope), under `/helix/` and under
// `/mock/`, the Twitch CLI mock-API layout that twurple's `mockServerPort` calls.
import { HELIX_ERRORS } from './facts.js';
import { type Ctx, type Route, bearer, send } from './http.js';
import type { EmulatorState, TokenRecord } from './state.js';

const PREFIXES = ['/helix/', '/mock/'];

export function helixRoutes(state: EmulatorState): Route[] {
  const rateLimit = (): Record<string, string> => ({
    'ratelimit-limit': '800',
    'ratelimit-remaining': '799',
    'ratelimit-reset': String(Math.floor(state.now() / 1000) + 60),
  });
  const fail = (ctx: Ctx, status: number, message: string): true =>
    send(
      ctx.res,
      status,
      { error: status === 400 ? 'Bad Request' : 'Unauthorized', status, message },
      rateLimit(),
    );

  /** The caller's token if it is live, matches `Client-Id` and has `scope`; else answers 401. */
  const authorize = (ctx: Ctx, scope?: string): TokenRecord | undefined => {
    const token = bearer(ctx.req, ['bearer']);
    if (token === undefined || token === '') return void fail(ctx, 401, HELIX_ERRORS.missingToken);
    const record = state.liveToken(token);
    if (record === undefined) return void fail(ctx, 401, HELIX_ERRORS.invalidToken);
    if (ctx.req.headers['client-id'] !== record.clientId)
      return void fail(ctx, 401, HELIX_ERRORS.clientMismatch);
    // Twitch answers a missing scope with 401, not 403 (TWITCH.md, Helix).
    if (scope !== undefined && !record.scopes.includes(scope))
      return void fail(ctx, 401, HELIX_ERRORS.missingScope(scope));
    return record;
  };

  const getUsers = (ctx: Ctx, record: TokenRecord): true => {
    const ids = ctx.url.searchParams.getAll('id');
    const logins = ctx.url.searchParams.getAll('login');
    const users = state.users();
    const wanted =
      ids.length + logins.length === 0
        ? users.filter((u) => u.id === record.userId)
        : users.filter((u) => ids.includes(u.id) || logins.includes(u.login));
    return send(
      ctx.res,
      200,
      {
        data: wanted.map((u) => ({
          id: u.id,
          login: u.login,
          display_name: u.displayName,
          type: '',
          broadcaster_type: '',
          description: `${u.displayName} lives in the Twitch emulator.`,
          profile_image_url: u.picture,
          offline_image_url: '',
          view_count: 0,
          created_at: '2016-12-14T20:32:28Z',
          ...(u.id === record.userId && record.scopes.includes('user:read:email')
            ? { email: u.email }
            : {}),
        })),
      },
      rateLimit(),
    );
  };

  const getFollowedChannels = (ctx: Ctx, record: TokenRecord): true => {
    const userId = ctx.url.searchParams.get('user_id');
    if (userId === null || userId === '')
      return fail(ctx, 400, HELIX_ERRORS.missingParam('user_id'));
    if (userId !== record.userId) return fail(ctx, 401, HELIX_ERRORS.userMismatch);
    const broadcaster = ctx.url.searchParams.get('broadcaster_id');
    const followed = (state.userById(userId)?.follows ?? [])
      .filter((id) => broadcaster === null || id === broadcaster)
      .flatMap((id) => state.users().filter((u) => u.id === id));
    return send(
      ctx.res,
      200,
      {
        total: followed.length,
        data: followed.map((u, i) => ({
          broadcaster_id: u.id,
          broadcaster_login: u.login,
          broadcaster_name: u.displayName,
          followed_at: new Date(Date.UTC(2022, 4, 24 - i, 22, 22, 8))
            .toISOString()
            .replace('.000', ''),
        })),
        pagination: {},
      },
      rateLimit(),
    );
  };

  const endpoints = new Map<
    string,
    { scope?: string; handle: (ctx: Ctx, record: TokenRecord) => true }
  >([
    ['users', { handle: getUsers }],
    ['channels/followed', { scope: 'user:read:follows', handle: getFollowedChannels }],
  ]);

  const helix = (ctx: Ctx): boolean => {
    const prefix = PREFIXES.find((p) => ctx.path.startsWith(p));
    const endpoint =
      prefix === undefined || ctx.method !== 'GET'
        ? undefined
        : endpoints.get(ctx.path.slice(prefix.length));
    if (endpoint === undefined) return false;
    const record = authorize(ctx, endpoint.scope);
    return record === undefined ? true : endpoint.handle(ctx, record);
  };
  return [helix];
}
