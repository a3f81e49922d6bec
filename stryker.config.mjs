// Mutation testing of the security and session code (`npm run mutation`; not part of `npm test`:
// a full run, some 3,500 mutants, takes about 90 minutes on two cores). Runs are incremental:
// results for code and tests that did not change since the last run
// (reports/stryker-incremental.json) are reused;
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
    'src/api/fetch-wrapper.ts',
    'src/callback/lazy-path.ts',
    'src/callback/url.ts',
    'src/callback/response.ts',
    'src/client.ts',
    'src/callback/complete-login.ts',
    'src/id-token/verify.ts',
    'src/id-token/jwks.ts',
    'src/id-token/key-set.ts',
    'src/id-token/jws.ts',
    'src/session/lifecycle.ts',
    'src/login/pending-take.ts',
    'src/login/pending.ts',
    'src/login/popup-login.ts',
    'src/login/popup.ts',
    'src/callback/handle-redirect.ts',
    'src/session/state.ts',
    'src/session/session.ts',
    'src/session/tabs.ts',
    'src/session/refresh-path.ts',
    'src/session/storage.ts',
    'src/config/options.ts',
    'src/login/authorize.ts',
    'src/login/start-login.ts',
    'src/api/validation.ts',
    'src/device/**/*.ts',
    '!src/device/iife.ts',
  ],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
