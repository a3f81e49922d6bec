// What a library costs a fresh React + Vite app: Vite's own production build (default settings,
// as `npm create vite` leaves them) of a page that renders with react-dom, with and without the
// library's imports. Reported like bench/size.mjs: gzip -9, brotli, minified bytes, eager files
// (the entry and its static imports: what loads before the app runs) and lazy chunks apart.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { compressed } from './size.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The file behind one of this package's public entry points (package.json `exports`), e.g. `.` or
 * `./react`: the built dist/ file an app's bundler would pick.
 * @param {string} subpath
 */
export function publicEntry(subpath) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const target = pkg.exports?.[subpath]?.default;
  if (typeof target !== 'string') throw new Error(`package.json exports no ${subpath}`);
  return join(ROOT, target);
}

/** @param {Uint8Array[]} files */
const sum = (files) => {
  const sizes = files.map((file) => compressed(file));
  const total = (field) => sizes.reduce((n, size) => n + size[field], 0);
  return { minified: total('minified'), gzip: total('gzip'), brotli: total('brotli') };
};

/**
 * Builds a React app with Vite that imports `imports` (specifier → names, kept from tree shaking as
 * in bench/size.mjs; an absolute path or a package name) and returns its eager and lazy JS sizes.
 * @param {Record<string, string[]>} imports
 */
async function appCost(imports) {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  // Inside the repository so bare imports resolve from its node_modules.
  const dir = mkdtempSync(join(ROOT, '.tmp', 'bench-vite-app-'));
  const names = [];
  const lines = Object.entries(imports).map(([from, list], i) => {
    names.push(...list.map((name) => `_${i}_${name}`));
    const aliases = list.map((name) => `${name} as _${i}_${name}`);
    return `import { ${aliases.join(', ')} } from ${JSON.stringify(from)};`;
  });
  const main = [
    "import { createElement } from 'react';",
    "import { createRoot } from 'react-dom/client';",
    ...lines,
    `globalThis.__keep = [${names.join(', ')}];`,
    "createRoot(document.getElementById('root')).render(createElement('p', null, 'app'));",
  ].join('\n');
  writeFileSync(join(dir, 'main.js'), `${main}\n`);
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><div id="root"></div><script type="module" src="/main.js"></script>\n',
  );
  try {
    const result = await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      build: { write: false },
    });
    const output = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
    const chunks = new Map(
      output.filter((file) => file.type === 'chunk').map((chunk) => [chunk.fileName, chunk]),
    );
    const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
    if (entry === undefined) throw new Error('Vite built no entry chunk.');
    const eager = new Set([entry.fileName]);
    for (const name of eager) for (const next of chunks.get(name)?.imports ?? []) eager.add(next);
    const encode = (chunk) => new TextEncoder().encode(chunk.code);
    return {
      eager: sum([...eager].map((name) => encode(chunks.get(name)))),
      lazy: sum([...chunks.keys()].filter((n) => !eager.has(n)).map((n) => encode(chunks.get(n)))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What each library adds to a fresh React + Vite app, net of the same app without it: `eager` is
 * what loads up front, `lazy` the chunks loaded later (our callback path). Built one after another
 * (Vite builds share process state).
 * @param {Record<string, Record<string, string[]>>} libraries label → imports
 * @returns {Promise<Record<string, { eager: import('./size.d.mts').Sizes, lazy: import('./size.d.mts').Sizes }> & { react: import('./size.d.mts').Sizes }>}
 */
export async function viteReactAppCosts(libraries) {
  const base = await appCost({});
  /** @type {Record<string, any>} */
  const costs = { react: base.eager };
  const minus = (a, b) =>
    Object.fromEntries(['minified', 'gzip', 'brotli'].map((k) => [k, a[k] - b[k]]));
  for (const [label, imports] of Object.entries(libraries)) {
    const app = await appCost(imports);
    costs[label] = { eager: minus(app.eager, base.eager), lazy: app.lazy };
  }
  return costs;
}
