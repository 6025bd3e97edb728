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
};

/**
 * @typedef {{ group?: string[]; regex?: string; message: string }} Pattern
 * @typedef {{ paths?: { name: string; message: string }[]; patterns?: Pattern[] }} Restriction
 */

/** @param {...Restriction} parts */
const restrict = (...parts) => [
  'error',
  { paths: parts.flatMap((p) => p.paths ?? []), patterns: parts.flatMap((p) => p.patterns ?? []) },
];

/** @type {Restriction} */
const noBuiltins = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins here (replayed or pure code).' })),
};

/** App code never imports the local runtime (it is a dev tool; the app must run without it). */
/** @type {Restriction} */
const noLocalRuntime = {
  patterns: [
    {
      group: ['**/local', '**/local/**', '@cold-member/local-runtime', '@cold-member/local-runtime/**'],
      message: 'App code must not import the local runtime (local/).',
    },
  ],
};

/** Adapters map to and from the outside world; they never reach back into the shells. */
/** @type {Restriction} */
const noShells = {
  patterns: [
    {
      group: ['**/functions', '**/functions/**', '**/app', '**/app/**'],
      message: 'Adapters must not import functions or the composition root.',
    },
  ],
};

/** Entities and orchestrators are replayed: no adapters and nothing that does I/O. */
/** @type {Restriction & { patterns: Pattern[] }} */
const noIo = {
  patterns: [
    {
      regex: '(^|/)adapters(/|$)',
      message: 'Entities and orchestrators must not import adapters.',
    },
    {
      group: ['**/functions', '**/functions/**', '**/app', '**/app/**'],
      message: 'Entities and orchestrators must not import the shells or the composition root (they do I/O).',
    },
    {
      group: ['@azure/cosmos', '@azure/service-bus', '@azure/storage-blob', '@azure/identity', 'axios'],
      message: 'Entities and orchestrators must not import an I/O SDK.',
    },
  ],
};

/** The domain imports only itself, zod and luxon. */
/** @type {Restriction} */
const domainOnly = {
  patterns: [
    {
      regex: '^(?![./])(?!(zod|luxon)(/|$))',
      message: 'The domain is pure: it imports only itself, zod and luxon.',
    },
    { group: ['../*', '!../domain/*'], message: 'The domain must not depend on code outside src/domain.' },
  ],
};

/** The local runtime depends on the app only through the registrations it loads (local/README.md). */
/** @type {Restriction} */
const noAppSource = {
  patterns: [
    {
      group: ['**/src', '**/src/**'],
      message: 'The local runtime must not import the app (src/): it loads the app entry at run time.',
    },
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
  // Boundaries (issue 10.7). no-restricted-imports is one rule per file (the last matching block wins),
  // so each block below lists every restriction that applies to its folder.
  {
    files: ['src/**/*.ts', 'tests/fixtures/lint/app/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noLocalRuntime) },
  },
  {
    files: ['src/adapters/**/*.ts', 'tests/fixtures/lint/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noLocalRuntime, noShells) },
  },
  {
    files: ['src/orchestrators/**/*.ts', 'src/entities/**/*.ts', 'tests/fixtures/lint/replayed/**/*.ts'],
    rules: { ...determinism, 'no-restricted-imports': restrict(noBuiltins, noLocalRuntime, noIo) },
  },
  {
    files: ['src/domain/**/*.ts', 'tests/fixtures/lint/domain/**/*.ts'],
    rules: { ...determinism, 'no-restricted-imports': restrict(noBuiltins, domainOnly) },
  },
  {
    files: ['local/**/*.ts', 'tests/fixtures/lint/local/**/*.ts'],
    ignores: ['local/tests/**'],
    rules: { 'no-restricted-imports': restrict(noAppSource) },
  },
);
