// Recomputes the mutation score from Stryker's JSON report (reports/mutation/mutation.json) and
// lists every surviving mutant that test/mutation/equivalent.md does not explain.
//
//   node scripts/mutation-report.mjs            # per-file and total scores, unexplained survivors
//
// A survivor is explained when a line of equivalent.md starts with its file, line and mutator,
// as `src/file.ts:LINE Mutator`. Exit code 1 when any survivor is unexplained, or when an entry
// names no survivor (a killed mutant or a moved line), so the file says only what is true.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const explained = new Set(
  [...readFileSync('test/mutation/equivalent.md', 'utf8').matchAll(/^(src\/\S+:\d+ \w+)/gm)].map(
    ([, id]) => id,
  ),
);

const KILLED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
let killed = 0;
let counted = 0;
const unexplained = [];
const survivors = new Set();
const rows = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  let fileKilled = 0;
  let fileCounted = 0;
  for (const m of mutants) {
    if (!COUNTED.has(m.status)) continue;
    fileCounted += 1;
    if (KILLED.has(m.status)) {
      fileKilled += 1;
      continue;
    }
    const id = `${file}:${m.location.start.line} ${m.mutatorName}`;
    survivors.add(id);
    if (!explained.has(id)) {
      unexplained.push(`${id} (${m.status}) → ${JSON.stringify(m.replacement ?? '').slice(0, 90)}`);
    }
  }
  killed += fileKilled;
  counted += fileCounted;
  rows.push([file, fileCounted, fileKilled]);
}

const pct = (k, n) => (n === 0 ? '-' : `${((100 * k) / n).toFixed(1)} %`);
for (const [file, n, k] of rows.sort((a, b) => a[2] / a[1] - b[2] / b[1])) {
  console.log(
    `${pct(k, n).padStart(8)}  ${String(n - k).padStart(3)} of ${String(n).padStart(3)} survive  ${file}`,
  );
}
console.log(
  `${pct(killed, counted).padStart(8)}  total: ${counted - killed} of ${counted} survive`,
);
// An entry about a file this report did not mutate (a run scoped with --mutate) is not judged.
const measured = new Set(Object.keys(report.files));
const stale = [...explained].filter(
  (id) => measured.has(id.slice(0, id.indexOf(':'))) && !survivors.has(id),
);
if (stale.length > 0) {
  console.log(`\n${stale.length} entries in test/mutation/equivalent.md name no survivor:`);
  for (const id of stale) console.log(`  ${id}`);
  process.exitCode = 1;
}
if (unexplained.length > 0) {
  console.log(`\n${unexplained.length} survivors not explained in test/mutation/equivalent.md:`);
  for (const line of unexplained) console.log(`  ${line}`);
  process.exitCode = 1;
}
