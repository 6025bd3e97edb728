// @ts-check
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Replayed code (orchestrators, entities) must be deterministic: no clock, randomness, environment or I/O. */
const determinism = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
      message:
        'Replayed code must not read the wall clock: use context.df.currentUtcDateTime or pass time in.',
    },
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message:
        'Replayed code must not read the wall clock: use context.df.currentUtcDateTime or pass time in.',
    },
    {
      selector: "MemberExpression[object.name='Math'][property.name='random']",
      message: 'Replayed code must not use Math.random: use context.df.newGuid.',
    },
    {
      selector: "MemberExpression[object.name='process'][property.name='env']",
      message: 'Replayed code must not read process.env: pass configuration in as input.',
    },
  ],
  'no-restricted-imports': [
    'error',
    { paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins in replayed code.' })) },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.deploy/**',
      'coverage/**',
      '.local/**',
      'tests/fixtures/**',
      'local/tests/fixtures/**',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    files: ['src/orchestrators/**/*.ts', 'src/entities/**/*.ts', 'tests/fixtures/lint/replayed/**/*.ts'],
    rules: determinism,
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      ...determinism,
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The domain is pure: no Node built-ins.' })),
          patterns: [
            { group: ['@azure/*', 'durable-functions'], message: 'The domain is pure: no Azure imports.' },
            {
              group: ['../*', '!../domain/*'],
              message: 'The domain must not depend on code outside src/domain.',
            },
          ],
        },
      ],
    },
  },
);
