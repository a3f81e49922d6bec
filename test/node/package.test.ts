// The package as users get it: packed, installed elsewhere, imported. Needs `npm run build`
// first (`npm test` does that).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../e2e/browser';
import { startStaticServer } from '../e2e/static-server';

const ROOT = process.cwd();
const run = (command: string, args: string[], cwd = ROOT): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tarball: string;
let files: string[];
/** The consumer project the tarball was installed into, by the install test. */
let installedProject: string | undefined;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/twitch-spa-login.iife.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
  }
  const out = mkdtempSync(join(tmpdir(), 'tsl-pack-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out])) as { filename: string; files: { path: string }[] }[];
  tarball = join(out, packed[0]?.filename ?? '');
  files = (packed[0]?.files ?? []).map((f) => f.path);
}, 60_000);

describe('the published package', () => {
  it('ships only dist, README and LICENSE', () => {
    const outside = files.filter((f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(outside).toEqual([]);
    expect(files).toContain('dist/twitch-spa-login.js');
    expect(files).toContain('dist/twitch-spa-login.iife.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files).toContain('dist/emulator/cli.js');
  });

  it('puts types first in every exports condition and has no side effects', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      sideEffects: boolean;
      exports: Record<string, string | Record<string, string>>;
      dependencies: Record<string, string>;
    };
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.dependencies)).toEqual(['jose']);
    for (const [path, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'object') expect(Object.keys(target)[0], path).toBe('types');
    }
  });

  it('passes publint --strict', () => {
    expect(run('npx', ['publint', '--strict', tarball])).toMatch(/All good/);
  }, 60_000);

  it('passes are-the-types-wrong for an ESM-only package', () => {
    // The one accepted finding: CommonJS `require` of an ESM-only package needs dynamic import.
    expect(() => run('npx', ['attw', tarball, '--profile', 'esm-only', '--format', 'ascii'])).not.toThrow();
  }, 60_000);

  it('installs from the tarball and imports in a fresh project', () => {
    const project = mkdtempSync(join(tmpdir(), 'tsl-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
    writeFileSync(
      join(project, 'check.mjs'),
      `import { createTwitchAuth, TWITCH_SCOPES } from 'twitch-spa-login';
       import { startTwitchEmulator } from 'twitch-spa-login/emulator';
       const auth = createTwitchAuth({ clientId: 'x', redirectUri: 'https://a.example/' });
       const emulator = await startTwitchEmulator();
       const keys = await (await fetch(emulator.endpoints.jwks)).json();
       await emulator.close();
       console.log(JSON.stringify({ session: auth.session, scopes: Object.keys(TWITCH_SCOPES).length, keys: keys.keys.length }));`,
    );
    expect(JSON.parse(run('node', ['check.mjs'], project))).toEqual({ session: null, scopes: 82, keys: 1 });
    expect(run('npx', ['twitch-emulator', '--help'], project)).toMatch(/Usage: twitch-emulator/);
    installedProject = project;
  }, 120_000);

  it('loads the installed IIFE in Chromium as window.TwitchLogin, ready to log in', async () => {
    if (installedProject === undefined) throw new Error('The tarball did not install (see the test above).');
    const esm = Object.keys(await import(join(ROOT, 'dist/twitch-spa-login.js'))).sort();
    // Serves node_modules/twitch-spa-login/dist/twitch-spa-login.iife.js, as installed.
    const server = await startStaticServer(join(installedProject, 'node_modules/twitch-spa-login'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // An empty page on the server's (secure, loopback) origin; the script comes from the server.
      await page.route('**/blank', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html>' }));
      await page.goto(`${server.url}/blank`);
      await page.addScriptTag({ url: '/twitch-spa-login.iife.js' });
      const result = await page.evaluate(async () => {
        const api = (window as unknown as { TwitchLogin: Record<string, unknown> }).TwitchLogin;
        const create = api['createTwitchAuth'] as (o: object) => { authorizeUrl(): Promise<string> };
        const auth = create({ clientId: 'x', redirectUri: `${location.origin}/callback` });
        const url = new URL(await auth.authorizeUrl());
        return { keys: Object.keys(api).sort(), host: url.host, state: url.searchParams.get('state')?.length };
      });
      expect(result.keys).toEqual(esm);
      expect(result.host).toBe('id.twitch.tv');
      expect(result.state).toBeGreaterThanOrEqual(22);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);

  it('gives window.TwitchLogin exactly the ESM entry’s exports', async () => {
    const esm = Object.keys(await import(join(ROOT, 'dist/twitch-spa-login.js'))).sort();
    const context: Record<string, unknown> = { TextEncoder, TextDecoder, crypto, URL, Uint8Array };
    runInNewContext(readFileSync(join(ROOT, 'dist/twitch-spa-login.iife.js'), 'utf8'), context);
    const iife = Object.keys(context['TwitchLogin'] as object).sort();
    expect(iife).toEqual(esm);
    expect(esm).toContain('createTwitchAuth');
  });

  it('keeps the committed API report in step with the public declarations', () => {
    expect(() => run('node', ['scripts/api-report.mjs', '--check'])).not.toThrow();
  });
});
