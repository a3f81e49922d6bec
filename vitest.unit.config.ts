import { defineConfig } from 'vitest/config';
import type { InlineConfig } from 'vitest/node';

/**
 * The unit suite: happy-dom, real RSA keys, a strict fake fetch checked after every test. Shared by
 * vitest.config.ts (as its `unit` project) and by Stryker (`npm run mutation`), which runs it alone.
 */
export const unitTests: InlineConfig = {
  name: 'unit',
  include: ['test/unit/**/*.test.{ts,tsx}'],
  environment: 'happy-dom',
  setupFiles: ['test/helpers/setup-unit.ts'],
  // Real RSA keys and 10 000-input fuzz runs take seconds on a loaded 2-core machine.
  testTimeout: 30_000,
};

export default defineConfig({ test: unitTests });
