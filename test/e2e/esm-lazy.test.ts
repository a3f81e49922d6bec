// The ESM build with its lazy callback chunk, as an app's bundler ships it (esbuild with code
// splitting from dist/twitch-spa-login.js), on a strict-CSP page against the emulator: an ordinary
// page load never fetches the chunk, a callback page does, signs the user in, and refuses a forged
// response, in every engine. The test app is the IIFE suite's fixtures/app.js with the SDK imported
// instead; the site itself records which files each test's pages asked for.
import { build } from 'esbuild';
import { SignJWT, base64url, generateKeyPair } from 'jose';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TwitchEmulator, startTwitchEmulator } from '../../emulator/index';
import {
  type E2EContext,
  type E2EPage,
  attribute,
  closeReportingCsp,
  engines,
  text,
  useBrowser,
  waitFor,
} from './driver';

const CLIENT_ID = 'e2e-esm-client';
/** The strict CSP of the IIFE suite (static-server.ts): same-origin scripts, Trusted Types. */
const STRICT_CSP = "script-src 'self'; require-trusted-types-for 'script'; object-src 'none'";
const ESM = join(process.cwd(), 'dist/twitch-spa-login.js');
const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>ESM build (strict CSP)</title>
    <script src="/csp-watch.js"></script><script type="module" src="/app.js"></script></head>
  <body>
    <button data-testid="login" id="login">Sign in</button>
    <button data-testid="login-popup" id="login-popup">Sign in in a popup</button>
    <button data-testid="logout" id="logout">Sign out</button>
    <p data-testid="user" id="user"></p><p data-testid="status" id="status"></p>
    <ol data-testid="events" id="events"></ol>
  </body>
</html>`;

let dir: string;
/** Served path → file contents; `lazy` the chunks reached only through import(). */
const files = new Map<string, { body: string | Buffer; type: string }>();
let lazy: string[];
let server: Server;
let site: string;
let emulator: TwitchEmulator;
/** Paths requested from the site since the test began (every answer is `no-store`). */
let requested: string[] = [];

beforeAll(async () => {
  if (!existsSync(ESM))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  dir = mkdtempSync(join(tmpdir(), 'tsl-esm-e2e-'));
  // The fixture app reads the SDK from a TwitchLogin binding; here it is an ESM import.
  const entry = join(dir, 'app.mjs');
  writeFileSync(
    entry,
    `import { createTwitchAuth, isTwitchAuthError } from ${JSON.stringify(ESM)};\n` +
      'const TwitchLogin = { createTwitchAuth, isTwitchAuthError };\n' +
      readFileSync(join(process.cwd(), 'test/e2e/fixtures/app.js'), 'utf8'),
  );
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: join(dir, 'out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
  const outputs = result.metafile.outputs;
  const entryOut =
    Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined) ?? '';
  const eager = new Set([entryOut]);
  for (const path of eager) {
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement') eager.add(imported.path);
  }
  lazy = Object.keys(outputs)
    .filter((path) => !eager.has(path))
    .map((path) => `/${basename(path)}`);
  for (const file of result.outputFiles)
    files.set(`/${basename(file.path)}`, {
      body: Buffer.from(file.contents),
      type: 'text/javascript',
    });
  files.set('/app.html', { body: PAGE, type: 'text/html; charset=utf-8' });
  files.set('/csp-watch.js', {
    body: readFileSync(join(process.cwd(), 'test/e2e/fixtures/csp-watch.js')),
    type: 'text/javascript',
  });

  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const file = files.get(path);
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': STRICT_CSP,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site = `http://localhost:${(server.address() as AddressInfo).port}`;
  emulator = await startTwitchEmulator({
    clients: [{ clientId: CLIENT_ID, name: 'e2e esm app', redirectUris: [`${site}/app.html`] }],
  });
});
afterAll(async () => {
  await emulator?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) =>
    server === undefined ? resolve() : server.close(() => resolve()),
  );
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const lazyFetched = (): string[] => requested.filter((path) => lazy.includes(path));

async function openApp(page: E2EPage, hash = ''): Promise<void> {
  const config = {
    options: {
      clientId: CLIENT_ID,
      redirectUri: `${site}/app.html`,
      endpoints: emulator.endpoints,
    },
  };
  await page.goto(`${site}/app.html?config=${encodeURIComponent(JSON.stringify(config))}${hash}`);
  await waitFor(page, 'body[data-ready="true"]');
}

it('has a lazy chunk to test: the callback path is split off', () => {
  expect(lazy.length).toBeGreaterThan(0);
});

describe.each(engines)('ESM build with its lazy callback chunk (strict CSP) in %s', (engine) => {
  const browser = useBrowser(engine);
  let context: E2EContext;
  let pages: E2EPage[];

  beforeEach(async () => {
    emulator.resetConsent();
    context = await browser().newContext();
    pages = [];
    requested = [];
  });
  afterEach(async () => {
    expect(await closeReportingCsp(context, pages)).toEqual([]);
  });

  async function newPage(): Promise<E2EPage> {
    const page = await context.newPage();
    pages.push(page);
    return page;
  }

  it('loads no lazy chunk on an ordinary page, then signs a user in on the callback page, which loads it', async () => {
    const page = await newPage();
    await openApp(page);
    expect(await attribute(page, 'body', 'data-state')).toBe('signed-out');
    expect(requested).toContain('/app.js');
    expect(lazyFetched()).toEqual([]);

    await page.click('[data-testid="login"]');
    await page.click('[data-testid="authorize"]');
    await waitFor(page, 'body[data-state="signed-in"]');
    expect(await page.url()).toBe(`${site}/app.html`);
    expect(await text(page, '[data-testid="user"]')).toBe(emulator.users[0]?.id);
    expect(lazyFetched().length).toBeGreaterThan(0);

    // A reload with the stored session is an ordinary page again: no chunk.
    requested = [];
    await page.reload();
    await waitFor(page, 'body[data-state="signed-in"]');
    expect(lazyFetched()).toEqual([]);
  });

  it('refuses a forged callback on the lazy path and stores nothing', async () => {
    const page = await newPage();
    await openApp(page);
    const url = new URL(
      await page.evaluate(() =>
        (
          window as unknown as { testAuth: { authorizeUrl(): Promise<string> } }
        ).testAuth.authorizeUrl(),
      ),
    );
    const rogue = await generateKeyPair('RS256');
    const keys = (await (await fetch(emulator.endpoints.jwks)).json()) as {
      keys: { kid: string }[];
    };
    const accessToken = 'forgedforgedforgedforgedforged';
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      iss: emulator.endpoints.issuer,
      sub: '666',
      aud: CLIENT_ID,
      iat: now,
      exp: now + 900,
      nonce: url.searchParams.get('nonce') ?? '',
      at_hash: base64url.encode(createHash('sha256').update(accessToken).digest().subarray(0, 16)),
    })
      .setProtectedHeader({ alg: 'RS256', kid: keys.keys[0]?.kid ?? '' })
      .sign(rogue.privateKey);
    const fragment = new URLSearchParams({
      access_token: accessToken,
      id_token: idToken,
      scope: 'openid',
      state: url.searchParams.get('state') ?? '',
      token_type: 'bearer',
    });
    await page.goto('about:blank'); // a new document, as after Twitch's redirect
    await openApp(page, `#${fragment}`);
    expect(await text(page, '[data-testid="status"]')).toBe('signature_invalid');
    expect(await page.url()).not.toContain('access_token');
    expect(lazyFetched().length).toBeGreaterThan(0);
    expect(
      await page.evaluate(
        () => (window as unknown as { testAuth: { session: unknown } }).testAuth.session,
      ),
    ).toBeNull();
  });
});
