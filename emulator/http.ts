import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the endpoint modules see it. */
export interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly method: string;
  readonly path: string;
}

/** Handles the request and returns true, or returns false to let the next route try. */
export type Route = (ctx: Ctx) => boolean | Promise<boolean>;

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): true {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
  res.writeHead(status, { ...(text === '' ? {} : { 'content-type': type }), ...headers });
  res.end(text);
  return true;
}

/** Twitch's `{status, message}` error body of the id.twitch.tv endpoints. */
export function sendError(res: ServerResponse, status: number, message: string): true {
  return send(res, status, { status, message });
}

export function redirect(res: ServerResponse, location: string): true {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
  return true;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 65_536) throw new Error('body too large');
  }
  return body;
}

/** A form body's fields, with the query string's as a fallback (Twitch accepts both). */
export async function readForm(ctx: Ctx): Promise<(name: string) => string | null> {
  const form = new URLSearchParams(await readBody(ctx.req));
  return (name) => form.get(name) ?? ctx.url.searchParams.get(name);
}

/** The credential of an `Authorization` header: undefined without one, '' with another scheme. */
export function bearer(req: IncomingMessage, schemes: readonly string[]): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme = '', token = ''] = header.split(' ');
  return schemes.includes(scheme.toLowerCase()) && token !== '' ? token : '';
}

/** A random string over `alphabet` (tokens look like Twitch's: 30 lowercase alphanumerics). */
export function randomString(
  length: number,
  alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789',
): string {
  // 256 is not a multiple of every alphabet's size; the bias does not matter for test tokens.
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** True when the path is Helix, under `/helix/` or twurple's `/mock/`. */
const isHelixPath = (path: string): boolean =>
  path.startsWith('/helix/') || path.startsWith('/mock/');

/**
 * CORS as Twitch answers it: any origin, Helix allows `Client-Id`, validate's preflight does not
 * (mitchwadair/tesjs#95). Answers a preflight itself and returns true.
 */
export function cors(ctx: Ctx): boolean {
  const { res, path } = ctx;
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader(
    'access-control-expose-headers',
    'Ratelimit-Limit, Ratelimit-Remaining, Ratelimit-Reset',
  );
  if (ctx.method !== 'OPTIONS') return false;
  const headers = isHelixPath(path)
    ? 'Authorization, Client-Id, Content-Type'
    : path === '/oauth2/validate' || path === '/auth/validate'
      ? 'Authorization'
      : 'Authorization, Content-Type';
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': headers,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
