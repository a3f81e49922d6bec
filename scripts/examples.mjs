// Type-checks every example against the built declarations (run after `npm run build`; part of
// `npm test` as `npm run examples`): each ```ts/```tsx block of README.md and each ```ts/```tsx
// block after an `@example` tag in src/ and emulator/ becomes one module in .tmp/examples/, and
// `tsc` checks them all. The conventions (CONTRIBUTING.md says the same):
// - README blocks are checked verbatim: they import what they use from 'twitch-spa-login',
//   '/react', '/vue' or '/emulator', which resolve to this package's own built types.
// - TSDoc examples are fragments: each becomes the body of an async function (so `await` and
//   `return` work), and may use without importing what its own module or any other built module
//   exports, and the framework names in FRAMEWORK below: the check adds those imports.
// - Names an example takes from the reader's app (`auth`, `clientId`, `App`, …) are declared once
//   in scripts/examples-globals.d.ts.
// - `<!-- examples: skip -->` on the line before a README block leaves it out (use sparingly).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, '.tmp/examples');

/** Files under `dir` (relative to ROOT) whose names match `pattern`. */
function walk(dir, pattern) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

const FENCE = /^```(ts|tsx|typescript)\s*$/;

/** README blocks: `{ line, lang, code }` for every TypeScript fence not marked to skip. */
function readmeExamples(file) {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const examples = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i]);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (lines[i - 1]?.trim() !== '<!-- examples: skip -->') {
      examples.push({
        line: i + 1,
        lang: open[1] === 'tsx' ? 'tsx' : 'ts',
        code: lines.slice(i + 1, end).join('\n'),
      });
    }
    i = end;
  }
  return examples;
}

/** TSDoc blocks: the fenced code after each `@example` inside a `/** … *\/` comment. */
function tsdocExamples(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const examples = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\*(?: |$)/, ''));
    const startLine = text.slice(0, comment.index).split('\n').length;
    for (let i = 0; i < lines.length; i += 1) {
      if (!/^\s*@example\b/.test(lines[i])) continue;
      const open = lines.findIndex((line, j) => j > i && FENCE.test(line.trim()));
      if (open === -1)
        throw new Error(`${file}:${startLine + i}: @example without a \`\`\`ts block`);
      const end = lines.findIndex((line, j) => j > open && line.trim() === '```');
      const lang = FENCE.exec(lines[open].trim())[1] === 'tsx' ? 'tsx' : 'ts';
      examples.push({ line: startLine + open, lang, code: lines.slice(open + 1, end).join('\n') });
      i = end;
    }
  }
  return examples;
}

/** Every name a declaration file exports (declarations and `export { … }` lists). */
function exportedNames(dts) {
  const text = readFileSync(dts, 'utf8');
  const names = [
    ...text.matchAll(
      /^export (?:declare )?(?:function|const|let|class|interface|type|enum|abstract class) (\w+)/gm,
    ),
  ].map((m) => m[1]);
  for (const [, list] of text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const item of list.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names;
}

/** Built declarations for a source file: src/a/b.ts → dist/types/a/b.d.ts, emulator/x.ts likewise. */
function declarationsOf(file) {
  const base = file.replace(/\.tsx?$/, '.d.ts');
  return file.startsWith('src/')
    ? join('dist/types', base.slice(4))
    : join('dist/emulator/types', base);
}

/** Names TSDoc examples take from the frameworks and jose without importing them. */
const FRAMEWORK = {
  createRoot: 'react-dom/client',
  StrictMode: 'react',
  createApp: 'vue',
  compactVerify: 'jose',
};

/** name → module, the example's own module first, then the library's, then the emulator's. */
function importableNames(file) {
  const modules = [
    declarationsOf(file),
    ...walk('dist/types', /\.d\.ts$/),
    ...walk('dist/emulator/types', /\.d\.ts$/),
  ];
  const names = new Map();
  for (const dts of modules) {
    const specifier = relative(OUT, join(ROOT, dts)).replace(/\.d\.ts$/, '.js');
    for (const name of exportedNames(join(ROOT, dts)))
      if (!names.has(name)) names.set(name, specifier);
  }
  for (const [name, specifier] of Object.entries(FRAMEWORK))
    if (!names.has(name)) names.set(name, specifier);
  return names;
}

/** The imports a TSDoc example needs: names it uses but neither declares nor imports. */
function implicitImports(code, names) {
  const declared = new Set(
    [
      ...code.matchAll(/\b(?:const|let|var|function|class|interface|type|enum)\s+(\w+)/g),
      ...code.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}/g),
    ]
      .flatMap((m) => m[1].split(','))
      .map((name) =>
        name
          .trim()
          .split(/\s+as\s+/)
          .pop(),
      ),
  );
  const used = new Set([...code.matchAll(/(?<![.\w$'"-])([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const byModule = new Map();
  for (const name of used) {
    const specifier = names.get(name);
    if (specifier === undefined || declared.has(name)) continue;
    if (!byModule.has(specifier)) byModule.set(specifier, []);
    byModule.get(specifier).push(name);
  }
  return [...byModule]
    .map(([specifier, list]) => `import { ${list.sort().join(', ')} } from '${specifier}';`)
    .join('\n');
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const written = [];
const write = (source, { line, lang }, text) => {
  const name = `${source.replace(/[/.]/g, '_')}_${line}.${lang}`;
  // `export {}` makes every example a module, so its names never clash with another example's.
  writeFileSync(join(OUT, name), `// ${source}:${line}\n${text}\nexport {};\n`);
  written.push(name);
};

for (const example of readmeExamples('README.md')) write('README.md', example, example.code);
for (const file of [...walk('src', /\.tsx?$/), ...walk('emulator', /\.ts$/)]) {
  const examples = tsdocExamples(file);
  if (examples.length === 0) continue;
  const names = importableNames(file);
  for (const example of examples) {
    const lines = example.code.split('\n');
    const imports = lines.filter((line) => /^import\s/.test(line));
    const body = lines.filter((line) => !/^import\s/.test(line)).map((line) => `  ${line}`);
    const text = [
      implicitImports(example.code, names),
      ...imports,
      'async function example() {',
      ...body,
      '}',
      'void example;',
    ];
    write(file, example, text.filter((line) => line !== '').join('\n'));
  }
}

writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        // Fragments: unused names are fine, and the added imports do not say which are types.
        noUnusedLocals: false,
        noUnusedParameters: false,
        noImplicitReturns: false,
        verbatimModuleSyntax: false,
      },
      files: [...written, '../../scripts/examples-globals.d.ts'],
    },
    null,
    2,
  ),
);

try {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(OUT, 'tsconfig.json')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  console.log(
    `${written.length} examples type-check against the built declarations (.tmp/examples/).`,
  );
} catch (error) {
  // Each generated file starts with the example's source and line, to find it from the error.
  console.error(
    `${error.stdout}${error.stderr}\nExamples that do not compile (see .tmp/examples/<file>, line 1 names the source).`,
  );
  process.exitCode = 1;
}
