import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // The library runs in browsers only: browser globals (no `process`, no `Buffer`), and the
  // type-aware rules that catch a forgotten or misused promise and needless assertions.
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      // A caught `unknown` is passed on as it came: it is a TwitchAuthError or the platform's own.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `async` on a function without `await` is how a synchronous throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['demo/**/*.{ts,tsx,js}', 'test/e2e/fixtures/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['emulator/**', 'scripts/**', 'demo/vite.config.ts', '*.config.{js,mjs,ts}'],
    languageOptions: { globals: globals.node },
  },
  // Tests and the bench run in Node and hand callbacks to a browser (page.evaluate) or happy-dom.
  {
    files: ['test/**', 'bench/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['emulator/**', 'demo/**', 'bench/**', 'test/**', 'scripts/**', 'vite.config.ts'],
    rules: { 'no-console': 'off' },
  },
);
