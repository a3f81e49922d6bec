// Bundle cost, measured the same way for every library: esbuild (bundle, browser, ESM, minified)
// from a tiny entry that puts the named imports on globalThis so they are not tree-shaken, then
// gzip level 9 and brotli at maximum quality. Shared by `npm run bench` and the size budget test.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the SDK's headline figure measures: `createTwitchAuth` from the ESM entry. */
export const CORE_IMPORTS = { './src/index.ts': ['createTwitchAuth'] };

/**
 * Minified, gzip -9 and brotli (quality 11) sizes of some code, in bytes.
 * @param {string | Uint8Array} code
 * @returns {{ minified: number, gzip: number, brotli: number }}
 */
export function compressed(code) {
  const buffer = Buffer.from(code);
  return {
    minified: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length,
      },
    }).length,
  };
}

/**
 * Bundles the named imports of one or more modules as an app would use them and returns the
 * compressed sizes plus esbuild's minified bytes per input file (largest first).
 *
 * @param {Record<string, string[]>} imports specifier → names; a specifier starting with `.` is
 *   a path from the repository root, anything else a package in node_modules.
 * @returns {Promise<import('./size.d.mts').Cost>}
 * @example bundleCost({ 'oidc-client-ts': ['UserManager'] })
 */
export async function bundleCost(imports) {
  const dir = mkdtempSync(join(tmpdir(), 'tsl-size-'));
  const entry = join(dir, 'entry.mjs');
  const names = [];
  const lines = Object.entries(imports).map(([from, list], i) => {
    const specifier = from.startsWith('.') ? join(ROOT, from) : from;
    const aliases = list.map((name) => `${name} as _${i}_${name}`);
    names.push(...list.map((name) => `_${i}_${name}`));
    return `import { ${aliases.join(', ')} } from ${JSON.stringify(specifier)};`;
  });
  writeFileSync(entry, `${lines.join('\n')}\nglobalThis.__keep = [${names.join(', ')}];\n`);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
      nodePaths: [join(ROOT, 'node_modules')],
    });
    const output = Object.values(result.metafile.outputs)[0];
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([path]) => !path.includes('tsl-size-'))
      .map(([path, info]) => ({ path: path.replace(/^.*node_modules\//, 'node_modules/'), bytes: info.bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes);
    return { ...compressed(result.outputFiles[0].contents), inputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `createTwitchAuth` costs an app: the figure the size budget guards.
 * @returns {Promise<import('./size.d.mts').Cost>}
 */
export function coreCost() {
  return bundleCost(CORE_IMPORTS);
}
