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

/**
 * What the SDK's headline figures measure: an ordinary page's imports from the ESM entry. The
 * callback path is a separate chunk (dynamic import) and counts only on a callback page.
 */
export const CORE_IMPORTS = {
  './src/index.ts': ['createTwitchAuth', 'isTwitchAuthError', 'TwitchAuthError'],
};

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
  return (await splitCost(imports)).all;
}

/**
 * Like {@link bundleCost}, but bundled with code splitting (as esbuild, Vite or webpack do for an
 * app) and reported per phase: `eager` is the entry and the chunks it imports statically (what a
 * page loads before the SDK is usable), `lazy` the chunks reached only through `import()` for the
 * callback path (not the device sessions' refresh code), `all` both. Compressed sizes of several files are the sum of each file's.
 *
 * @param {Record<string, string[]>} imports as for {@link bundleCost}
 * @returns {Promise<{ eager: import('./size.d.mts').Cost, lazy: import('./size.d.mts').Cost, all: import('./size.d.mts').Cost }>}
 * @example splitCost(CORE_IMPORTS).then(({ eager }) => eager.gzip)
 */
export async function splitCost(imports) {
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
      splitting: true,
      outdir: join(dir, 'out'),
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
    const outputs = result.metafile.outputs;
    const contents = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
    const key = (path) =>
      [...contents.keys()].find((full) => full.endsWith(path.replace(/^.*out\//, '/'))) ?? path;
    const entryOut = Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined);
    /** Outputs reachable from `from` through static imports. */
    const staticClosure = (from) => {
      const seen = new Set([from]);
      for (const path of seen) {
        for (const imported of outputs[path]?.imports ?? []) {
          if (imported.kind === 'import-statement' && outputs[imported.path])
            seen.add(imported.path);
        }
      }
      return seen;
    };
    const eager = staticClosure(entryOut);
    // The callback path: what the eager part import()s, but for the device sessions' refresh code
    // (a chunk only a page with a stored device session loads).
    const refreshOnly = (path) =>
      Object.keys(outputs[path]?.inputs ?? {}).some((input) => input.includes('src/device/'));
    const lazy = new Set();
    for (const path of eager) {
      for (const imported of outputs[path]?.imports ?? []) {
        if (imported.kind !== 'dynamic-import' || refreshOnly(imported.path)) continue;
        for (const reached of staticClosure(imported.path))
          if (!eager.has(reached)) lazy.add(reached);
      }
    }
    const cost = (paths) => {
      const sizes = [...paths].map((path) =>
        compressed(contents.get(key(path)) ?? new Uint8Array()),
      );
      const sum = (field) => sizes.reduce((total, size) => total + size[field], 0);
      const inputs = [...paths]
        .flatMap((path) => Object.entries(outputs[path]?.inputs ?? {}))
        .filter(([path]) => !path.includes('tsl-size-'))
        .map(([path, info]) => ({
          path: path.replace(/^.*node_modules\//, 'node_modules/'),
          bytes: info.bytesInOutput,
        }))
        .sort((a, b) => b.bytes - a.bytes);
      return { minified: sum('minified'), gzip: sum('gzip'), brotli: sum('brotli'), inputs };
    };
    return { eager: cost(eager), lazy: cost(lazy), all: cost(new Set([...eager, ...lazy])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the SDK costs an app: `eager` on an ordinary page, `all` on a callback page. The figures
 * the size budget guards.
 * @returns {Promise<{ eager: import('./size.d.mts').Cost, lazy: import('./size.d.mts').Cost, all: import('./size.d.mts').Cost }>}
 */
export function coreCost() {
  return splitCost(CORE_IMPORTS);
}
