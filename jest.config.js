/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // @secretlint/* is ESM-only: Jest's loader cannot require() it, so @swc/jest turns those packages into CommonJS.
  transform: { '^.+\\.tsx?$': ['@swc/jest'], '^.+/node_modules/@secretlint/.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!@secretlint/)'],
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // One Azurite for the whole run; each test file isolates itself with its own TABLE_PREFIX / queue names.
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
  testTimeout: 30000,
  // @microsoft/app-manifest requires strip-bom 5, which is ESM-only; Jest on Node 20 cannot load it.
  moduleNameMapper: { '^strip-bom$': '<rootDir>/tests/support/stripBom.cjs' },
};
