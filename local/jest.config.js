/** The local runtime's own tests (`npm test -w local`); the repository's `npm test` runs them too. */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const tier = (name) => ({
  displayName: `local-runtime ${name}`,
  testEnvironment: 'node',
  transform,
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/jestFunctionsCore.ts' },
  testMatch: [`<rootDir>/tests/**/*.${name}.test.ts`],
});
module.exports = { projects: [tier('unit'), tier('int'), tier('canary')] };
