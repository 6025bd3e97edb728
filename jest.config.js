/**
 * Three tiers, named by suffix: *.unit.test.ts, *.int.test.ts, *.e2e.test.ts (see STYLE.md). The app's tests
 * live in tests/, the local runtime's own in local/tests (its package runs them alone: local/jest.config.js).
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const tier = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  // .deploy/ is the staged deployment package (scripts/package/stage.ts), with a second package.json
  modulePathIgnorePatterns: ['<rootDir>/.deploy/'],
  transform,
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/local/jestFunctionsCore.ts' },
  testMatch: [`<rootDir>/tests/**/*.${name}.test.ts`, `<rootDir>/local/tests/**/*.${name}.test.ts`],
  ...extra,
});
module.exports = {
  reporters: ['default', '<rootDir>/tests/support/plainSummaryReporter.js'],
  projects: [
    tier('unit'),
    tier('int'),
    // local/interceptions.ts exercised against the installed SDKs (npm run test:canary before an upgrade)
    tier('canary'),
    // each e2e file runs the whole runtime (node .local/e2e-dist/local/start.js) in a child process;
    // globalSetup compiles it once, so a fresh clone needs no prior build
    tier('e2e', { globalSetup: '<rootDir>/tests/support/e2eGlobalSetup.ts', testTimeout: 180_000 }),
  ],
};
