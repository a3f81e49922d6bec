// The device code grant's user side: `POST /oauth2/device` hands out codes, `/activate` is where
// a (seeded) user enters one and approves or declines. The polls are in token.ts.
import { TWITCH_SCOPES, isTwitchScope } from '../src/config/scopes.js';
import { ACTIVATE_CSP, type ActivatePageInput, activatePage } from './activate-page.js';
import { DEVICE, TOKEN_ERRORS } from './facts.js';
import { type Ctx, type Route, readBody, readForm, randomString, send, sendError } from './http.js';
import type { DeviceCodeRecord, EmulatorState } from './state.js';
import { normalizeUserCode } from './state.js';

export function deviceRoutes(state: EmulatorState): Route[] {
  const verificationUri = (userCode: string): string => {
    const url = new URL('/activate', state.origin);
    url.searchParams.set(DEVICE.verificationParam, userCode);
    return url.href;
  };
  const newUserCode = (): string => {
    for (;;) {
      const code = randomString(DEVICE.userCodeLength, DEVICE.userCodeAlphabet);
      if (!state.deviceCodes.some((d) => d.userCode === code)) return code;
    }
  };

  const start = async (ctx: Ctx): Promise<boolean> => {
    if (ctx.path !== '/oauth2/device' || ctx.method !== 'POST') return false;
    const field = await readForm(ctx);
    const clientId = field('client_id');
    if (clientId === null || clientId === '')
      return sendError(ctx.res, 400, TOKEN_ERRORS.missingClientId);
    if (!state.clients.has(clientId)) return sendError(ctx.res, 400, TOKEN_ERRORS.invalidClient);
    const scopes = (field(DEVICE.scopesParam) ?? '').split(' ').filter((s) => s !== '');
    if (!scopes.every(isTwitchScope)) return sendError(ctx.res, 400, TOKEN_ERRORS.invalidScope);
    const record: DeviceCodeRecord = {
      deviceCode: randomString(40),
      userCode: newUserCode(),
      clientId,
      scopes,
      expiresAt: state.now() + state.device.codeLifetimeSeconds * 1000,
      intervalSeconds: state.device.intervalSeconds,
      used: false,
    };
    state.deviceCodes.push(record);
    return send(ctx.res, 200, {
      device_code: record.deviceCode,
      expires_in: state.device.codeLifetimeSeconds,
      interval: record.intervalSeconds,
      user_code: record.userCode,
      verification_uri: verificationUri(record.userCode),
    });
  };

  const page = (ctx: Ctx, status: number, input: ActivatePageInput): true =>
    send(ctx.res, status, activatePage(input), {
      'referrer-policy': 'no-referrer',
      'content-security-policy': ACTIVATE_CSP,
      'cache-control': 'no-store',
    });
  const appName = (record: DeviceCodeRecord): string =>
    state.clients.get(record.clientId)?.name ?? record.clientId;
  /** A pending code by what the user typed, or an entry page saying why not. */
  const pendingCode = (ctx: Ctx, typed: string): DeviceCodeRecord | undefined => {
    const userCode = normalizeUserCode(typed);
    const record = state.deviceCodes.find((d) => d.userCode === userCode);
    const status = record === undefined ? undefined : state.deviceCodeStatus(record);
    if (record !== undefined && status === 'pending') return record;
    const error =
      status === 'expired'
        ? 'This code has expired. Start again on your device.'
        : status === undefined
          ? 'That code is not valid. Check the code on your device.'
          : 'This code was already used.';
    page(ctx, 400, { kind: 'enter', error, code: typed });
    return undefined;
  };

  const activate = (ctx: Ctx): boolean => {
    if (ctx.path !== '/activate' || ctx.method !== 'GET') return false;
    const typed = ctx.url.searchParams.get(DEVICE.verificationParam);
    if (typed === null || typed.trim() === '') return page(ctx, 200, { kind: 'enter' });
    const record = pendingCode(ctx, typed);
    if (record === undefined) return true;
    return page(ctx, 200, {
      kind: 'confirm',
      userCode: record.userCode,
      appName: appName(record),
      scopes: record.scopes.map((name) => ({
        name,
        description: isTwitchScope(name) ? TWITCH_SCOPES[name] : '',
      })),
      users: state.users(),
    });
  };

  const decide = async (ctx: Ctx): Promise<boolean> => {
    if (ctx.path !== '/activate' || ctx.method !== 'POST') return false;
    const form = new URLSearchParams(await readBody(ctx.req));
    const record = pendingCode(ctx, form.get('user_code') ?? '');
    if (record === undefined) return true;
    const user = state.userById(form.get('user_id') ?? '') ?? state.users()[0];
    const approved = form.get('decision') === 'authorize' && user !== undefined;
    record.decision = approved ? { approved: true, userId: user.id } : { approved: false };
    return page(ctx, 200, { kind: 'done', approved, appName: appName(record) });
  };

  return [start, activate, decide];
}
