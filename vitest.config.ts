import { defineConfig } from 'vitest/config';
import { unitTests } from './vitest.unit.config';

// Three suites: unit tests in happy-dom, Node-side tests (emulator, SSR imports, packaging) and
// end-to-end tests that drive Debian's Chromium against the emulator.
export default defineConfig({
  test: {
    projects: [
      { test: unitTests },
      {
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // Installs a missing browser from Debian when allowed, else stops naming the command.
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // A browser on a loaded 2-core machine can take seconds to redirect and render; a poll
          // gives up after this long (vitest's default of one second flaked there).
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // No retries: a flake is a bug to find, not to hide.
          retry: 0,
          // One browser at a time keeps 2-core CI machines responsive.
          fileParallelism: false,
        },
      },
    ],
  },
});
