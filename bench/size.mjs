// Bundle cost, measured the same way for every library: esbuild, browser, ESM, minified, from a
// tiny entry that keeps the named imports alive; then gzip -9 and brotli at maximum quality.
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = new URL('..', import.meta.url).pathname;

/** gzip and brotli sizes of a piece of code. */
export function compressed(code) {
  const buffer = Buffer.from(code);
  return {
    minified: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Bundles `names` imported from `from` (a package or a path relative to the repo) and returns the
 * sizes plus esbuild's per-input byte counts.
 * @param {string[]} names
 * @param {string} from
 * @param {{ external?: string[] }} [options]
 */
export async function bundleCost(names, from, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tsl-size-'));
  const entry = join(dir, 'entry.mjs');
  const specifier = from.startsWith('.') ? join(ROOT, from) : from;
  writeFileSync(entry, `import { ${names.join(', ')} } from ${JSON.stringify(specifier)};\nglobalThis.__keep = [${names.join(', ')}];\n`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, 'node_modules')],
    external: options.external ?? [],
  });
  const output = result.outputFiles[0];
  const meta = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(meta.inputs)
    .map(([path, info]) => ({ path: path.replace(/^.*node_modules\//, 'node_modules/'), bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { ...compressed(output.text), inputs };
}

/** What `createTwitchAuth` costs an app: the figure the size budget guards. */
export function coreCost() {
  return bundleCost(['createTwitchAuth'], './src/index.ts');
}
