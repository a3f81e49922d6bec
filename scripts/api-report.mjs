// The public API as users can import it: one API Extractor report per `exports` entry of
// package.json (etc/<entry>.api.md), built from the entry's own declaration file, so only what an
// entry exports (and the types those exports mention) appears. Adding an entry to `exports` adds
// its report; nothing else to edit. Run after `npm run build`.
//   node scripts/api-report.mjs          refresh the reports (npm run api:update)
//   node scripts/api-report.mjs --check  fail when a committed report is stale (npm test)
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** `.` is the core entry; `./react` is `react`. Entries without types (package.json) have no API. */
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object' && typeof target.types === 'string')
  .map(([path, target]) => ({
    name: path === '.' ? 'core' : path.slice(2).replaceAll('/', '-'),
    types: target.types,
  }));

const stale = [];
/** Names the core entry exports: a sub-entry may name them without exporting them again. */
const coreNames = new Set();
/** Types a public signature names that no entry exports (ae-forgotten-export), per entry. */
const forgotten = [];
mkdirSync(join(ROOT, 'etc'), { recursive: true });
for (const { name, types } of entries) {
  const config = ExtractorConfig.prepare({
    configObjectFullPath: join(ROOT, 'api-extractor.json'),
    packageJsonFullPath: join(ROOT, 'package.json'),
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: join(ROOT, types),
      // The emulator's declarations need Node's types; the library's must not (tsconfig.build.json).
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            ...JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions,
            types: ['node'],
          },
          include: [join(ROOT, types)],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: join(ROOT, 'etc'),
        reportTempFolder: join(ROOT, '.tmp/api-report'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // No @public/@beta tags in this package: everything an entry exports is public.
          'ae-missing-release-tag': { logLevel: 'none' },
          // A type used by a public signature but not exported: collected below, and an error
          // unless the core entry exports it (a sub-entry's signatures name the core's types).
          'ae-forgotten-export': { logLevel: 'warning', addToApiReportFile: false },
          // TSDoc completeness and links are the style guide's job, not the API report's.
          'ae-undocumented': { logLevel: 'none' },
          'ae-unresolved-link': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
  const result = Extractor.invoke(config, {
    localBuild: !check,
    showVerboseMessages: false,
    messageCallback(message) {
      quiet(message);
      if (message.messageId !== 'ae-forgotten-export') return;
      message.handled = true;
      message.logLevel = 'none';
      const symbol = /symbol "([^"]+)"/.exec(message.text)?.[1] ?? message.text;
      if (!coreNames.has(symbol)) forgotten.push(`etc/${name}.api.md: ${symbol}`);
    },
  });
  if (name === 'core') {
    const report = readFileSync(join(ROOT, 'etc', 'core.api.md'), 'utf8');
    for (const [, exported] of report.matchAll(
      /^export (?:declare )?(?:function|const|class|interface|type) (\w+)/gm,
    ))
      coreNames.add(exported);
  }
  if (check && result.apiReportChanged) stale.push(`etc/${name}.api.md`);
  else if (!result.succeeded) {
    console.error(
      `API Extractor failed for ${name} (${result.errorCount} errors, ${result.warningCount} warnings).`,
    );
    process.exitCode = 1;
  }
}

if (forgotten.length > 0) {
  console.error(
    `Public signatures name types no entry exports (export them):\n  ${forgotten.join('\n  ')}`,
  );
  process.exitCode = 1;
}
if (stale.length > 0) {
  console.error(
    `The public API changed (${stale.join(', ')}): run \`npm run api:update\` and review etc/.`,
  );
  process.exitCode = 1;
} else if (!check && process.exitCode !== 1) {
  console.log(`API reports written: ${entries.map(({ name }) => `etc/${name}.api.md`).join(', ')}`);
}

/** Keeps the console to real problems: API Extractor's progress lines are noise in `npm test`. */
function quiet(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
  // Its bundled compiler is older than ours; the notice is not a problem with the API.
  if (message.messageId === 'console-compiler-version-notice') message.handled = true;
}
