// Mutation testing of the security and session code (`npm run mutation`; not part of `npm test`:
// a full run takes about 45 minutes on two cores). Runs are incremental: results for code and tests
// that did not change since the last run (reports/stryker-incremental.json) are reused;
// `npx stryker run --force` runs every mutant again. The JSON report lets anyone recompute the
// score: `npm run mutation:report` does, and lists survivors test/mutation/equivalent.md does not
// explain.
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts', related: false },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  mutate: [
    'src/api-fetch.ts',
    'src/callback-path.ts',
    'src/callback-url.ts',
    'src/callback.ts',
    'src/client.ts',
    'src/complete-login.ts',
    'src/id-token.ts',
    'src/jwks.ts',
    'src/key-set.ts',
    'src/jws.ts',
    'src/lifecycle.ts',
    'src/pending-take.ts',
    'src/pending.ts',
    'src/popup-login.ts',
    'src/popup.ts',
    'src/redirect.ts',
    'src/session-state.ts',
    'src/session.ts',
    'src/tabs.ts',
  ],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
