/** Three tiers, named by suffix: *.unit.test.ts, *.int.test.ts, *.e2e.test.ts (see STYLE.md). */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const tier = (name) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/local/jestFunctionsCore.ts' },
  testMatch: [`<rootDir>/tests/**/*.${name}.test.ts`],
});
module.exports = {
  projects: [tier('unit'), tier('int'), tier('e2e')],
};
