// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'apps/chat-server/web/dist/**',
      'bench/out/**',
      // Configuration and build scripts; the benchmark harness (bench/**/*.js) is linted below.
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
      '!bench/**/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    // Type-aware rules: each file is checked with the tsconfig that owns it (the root one, the web
    // client's, bench/tsconfig.json for the harness).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // A promise nobody awaits, one passed where a callback's result is ignored, an await on a
      // value that is not a promise: each hides a failure or an ordering bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The benchmark harness: plain CommonJS run by Node, type-checked by `npm run typecheck`
    // (bench/tsconfig.json, checkJs), which also reports undefined names.
    files: ['bench/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      'no-console': 'off',
      'no-undef': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      // `handler && handler(x)`: the harness's idiom for optional callbacks.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true }],
      // hist.js exports a `valueOf(bucket)`; it shadows nothing the harness uses.
      'no-redeclare': ['error', { builtinGlobals: false }],
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it'], package: 'node:test' },
          ],
        },
      ],
    },
  },
);
