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
  // Two suites at a time, as the e2e run does. Jest's default on a 2-core machine is one
  // (cores - 1), and one suite at a time left a core idle while suites waited on Redis restarts,
  // store timeouts and child processes: 345 s for the suite on a quiet 2-core machine, 207 s with two.
  maxWorkers: 2,
  // The longest suites first, also on a fresh clone with no jest cache.
  testSequencer: '<rootDir>/test/helpers/slow-first-sequencer.js',
  // Coverage (`npx jest --coverage`) counts every source file, entry points (main.ts, cli.ts) included.
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
};
