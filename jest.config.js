// Unit, contract and integration tests: run by `npm test`. They need redis-server
// (started by the harness on a free port) but not root.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/{unit,contract,integration}/**/*.test.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 20000,
  // Coverage (`npx jest --coverage`) counts every source file, entry points (main.ts, cli.ts) included.
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
};
