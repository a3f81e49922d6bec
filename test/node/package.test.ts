// The package as users get it: a clean copy of the repository (tracked files only, no dist/), packed
// there with `npm pack` (whose `prepack` builds it), installed elsewhere, imported.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../e2e/browser';
import { startStaticServer } from '../e2e/static-server';

const ROOT = process.cwd();
const run = (command: string, args: string[], cwd = ROOT): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tarball: string;
let files: string[];
/** What `npm pack` printed, the prepack build included. */
let packOutput: string;
/** The consumer project the tarball was installed into, by the install test. */
let installedProject: string | undefined;

/**
 * What a fresh clone holds: the files git tracks (and new ones it would track), as they are in the
 * working tree, so uncommitted work is tested too. node_modules is linked rather than installed
 * again, to keep this within CI time; the build output is not there.
 */
function cleanCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'tsl-clone-'));
  const tracked = run('git', [
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
  ]).split('\0');
  for (const file of tracked) {
    if (file === '' || !existsSync(join(ROOT, file))) continue; // deleted but not yet committed
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

const sri = (bytes: Buffer): string =>
  `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

beforeAll(() => {
  const copy = cleanCopy();
  expect(existsSync(join(copy, 'dist'))).toBe(false);
  const out = mkdtempSync(join(tmpdir(), 'tsl-pack-'));
  packOutput = run('npm', ['pack', '--pack-destination', out], copy);
  const name = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (name === undefined) throw new Error(`npm pack made no tarball:\n${packOutput}`);
  tarball = join(out, name);
  files = run('tar', ['-tzf', tarball])
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
}, 120_000);

describe('the published package', () => {
  it('ships only dist, README and LICENSE', () => {
    const outside = files.filter(
      (f) => !f.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(f),
    );
    expect(outside).toEqual([]);
    expect(files).toContain('dist/twitch-spa-login.js');
    expect(files).toContain('dist/twitch-spa-login.iife.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files).toContain('dist/emulator/cli.js');
    expect(files).toContain('dist/twitch-spa-login.iife.js.sri');
    expect(files).toContain('dist/twitch-spa-login.device.iife.js');
    expect(files).toContain('dist/twitch-spa-login.device.iife.js.sri');
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
    expect(() =>
      run('npx', ['attw', tarball, '--profile', 'esm-only', '--format', 'ascii']),
    ).not.toThrow();
  }, 60_000);

  it('installs from the tarball and imports in a fresh project', () => {
    const project = mkdtempSync(join(tmpdir(), 'tsl-consumer-'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
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
    expect(JSON.parse(run('node', ['check.mjs'], project))).toEqual({
      session: null,
      scopes: 82,
      keys: 1,
    });
    expect(run('npx', ['twitch-emulator', '--help'], project)).toMatch(/Usage: twitch-emulator/);
    installedProject = project;
  }, 120_000);

  it('imports every exports entry from the installed tarball, types included', () => {
    if (installedProject === undefined)
      throw new Error('The tarball did not install (see the test above).');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    const installed = join(installedProject, 'node_modules/twitch-spa-login');
    const specifiers = Object.keys(pkg.exports)
      .filter((path) => path !== './package.json')
      .map((path) => `twitch-spa-login${path.slice(1)}`);
    // react and vue are optional peers: the consumer's resolution falls back to this repository's.
    symlinkSync(
      join(ROOT, 'node_modules/react'),
      join(installedProject, 'node_modules/react'),
      'dir',
    );
    symlinkSync(join(ROOT, 'node_modules/vue'), join(installedProject, 'node_modules/vue'), 'dir');
    writeFileSync(
      join(installedProject, 'entries.mjs'),
      `const specifiers = ${JSON.stringify(specifiers)};
       const counts = {};
       for (const s of specifiers) counts[s] = Object.keys(await import(s)).length;
       console.log(JSON.stringify(counts));`,
    );
    const counts = JSON.parse(run('node', ['entries.mjs'], installedProject)) as Record<
      string,
      number
    >;
    expect(Object.keys(counts)).toEqual(specifiers);
    for (const [specifier, count] of Object.entries(counts))
      expect(count, specifier).toBeGreaterThan(0);
    for (const target of Object.values(pkg.exports)) {
      if (typeof target === 'object') {
        expect(existsSync(join(installed, target.types)), target.types).toBe(true);
        expect(existsSync(join(installed, target.default)), target.default).toBe(true);
      }
    }
  }, 120_000);

  it('ships each script’s integrity hash beside it, printed by the build', () => {
    if (installedProject === undefined)
      throw new Error('The tarball did not install (see the test above).');
    const dist = join(installedProject, 'node_modules/twitch-spa-login/dist');
    for (const script of ['twitch-spa-login.iife.js', 'twitch-spa-login.device.iife.js']) {
      const shipped = readFileSync(join(dist, `${script}.sri`), 'utf8').trim();
      expect(shipped).toBe(sri(readFileSync(join(dist, script))));
      expect(packOutput).toContain(`${script} integrity: ${shipped}`);
    }
  });

  it('loads the installed IIFE in Chromium as window.TwitchLogin, with its integrity, ready to log in', async () => {
    if (installedProject === undefined)
      throw new Error('The tarball did not install (see the test above).');
    // The ESM entry's exports but the scope list (see the test above).
    const scopeList = ['TWITCH_SCOPES', 'TWITCH_SCOPE_NAMES', 'isTwitchScope'];
    const esm = Object.keys(await import(join(ROOT, 'dist/twitch-spa-login.js')))
      .filter((name) => !scopeList.includes(name))
      .sort();
    const integrity = readFileSync(
      join(installedProject, 'node_modules/twitch-spa-login/dist/twitch-spa-login.iife.js.sri'),
      'utf8',
    ).trim();
    // Serves node_modules/twitch-spa-login/dist/twitch-spa-login.iife.js, as installed.
    const server = await startStaticServer(join(installedProject, 'node_modules/twitch-spa-login'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // An empty page on the server's (secure, loopback) origin; the script comes from the server.
      // The README's tag: a script whose bytes do not match `integrity` would not run at all.
      const body = `<!doctype html><script src="/twitch-spa-login.iife.js" integrity="${integrity}" crossorigin="anonymous"></script>`;
      await page.route('**/blank', (route) => route.fulfill({ contentType: 'text/html', body }));
      await page.goto(`${server.url}/blank`);
      const result = await page.evaluate(async () => {
        const api = (window as unknown as { TwitchLogin: Record<string, unknown> }).TwitchLogin;
        const create = api['createTwitchAuth'] as (o: object) => {
          authorizeUrl(): string;
        };
        const auth = create({ clientId: 'x', redirectUri: `${location.origin}/callback` });
        const url = new URL(auth.authorizeUrl());
        return {
          keys: Object.keys(api).sort(),
          host: url.host,
          state: url.searchParams.get('state')?.length,
        };
      });
      expect(result.keys).toEqual(esm);
      expect(result.host).toBe('id.twitch.tv');
      expect(result.state).toBeGreaterThanOrEqual(22);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);

  it('gives window.TwitchLogin the ESM entry’s exports but the scope list, and the device add-on startDeviceLogin', async () => {
    const device = Object.keys(await import(join(ROOT, 'dist/device.js')));
    expect(device).toEqual(['startDeviceLogin']);
    const scopeList = ['TWITCH_SCOPES', 'TWITCH_SCOPE_NAMES', 'isTwitchScope'];
    const esm = Object.keys(await import(join(ROOT, 'dist/twitch-spa-login.js')));
    expect(esm).toEqual(expect.arrayContaining([...scopeList, 'createTwitchAuth']));
    const context: Record<string, unknown> = { TextEncoder, TextDecoder, crypto, URL, Uint8Array };
    const script = (file: string) =>
      runInNewContext(readFileSync(join(ROOT, 'dist', file), 'utf8'), context);
    script('twitch-spa-login.iife.js');
    const core = Object.keys(context['TwitchLogin'] as object).sort();
    expect(core).toEqual(esm.filter((name) => !scopeList.includes(name)).sort());
    script('twitch-spa-login.device.iife.js');
    expect(Object.keys(context['TwitchLogin'] as object).sort()).toEqual(
      [...core, ...device].sort(),
    );
    const refresher = (context['TwitchLogin'] as Record<symbol, unknown>)[
      Symbol.for('twitch-spa-login.refresher')
    ];
    expect(Object.keys(refresher as object)).toContain('createRefresher');
  });

  it('has the device add-on say what is missing when the core script is not there', () => {
    const errors: unknown[] = [];
    const context = { console: { error: (...args: unknown[]) => errors.push(args.join(' ')) } };
    runInNewContext(
      readFileSync(join(ROOT, 'dist/twitch-spa-login.device.iife.js'), 'utf8'),
      context,
    );
    expect(errors).toEqual([expect.stringMatching(/load twitch-spa-login\.iife\.js first/)]);
  });

  it('keeps the committed API reports (etc/*.api.md) in step with the built entries', () => {
    expect(() => run('node', ['scripts/api-report.mjs', '--check'])).not.toThrow();
    // API Extractor reads every entry's declarations: a minute and more on a loaded 2-core machine.
  }, 240_000);
});
