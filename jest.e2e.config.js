// End-to-end tests: network namespaces with real nftables, the real server process and
// headless Chromium. Needs root; run by `npm run test:e2e` (CI runs it as root).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
  globalSetup: '<rootDir>/test/helpers/e2e-global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 120000,
  // Three suites at a time on 2 cores: the e2e suites mostly wait on real time (a 60 s store
  // outage, a 1-minute idle time, a session's minute running out in the kernel), at 0.3 of the
  // two cores with two at a time (331 s wall, 208 s CPU). The longest start first. The 87-90
  // of 120 sessions the Sentinel kill -9 burst lost on loaded runs were the Redis client ending
  // for good mid-reconnect (src/store/redis/store.ts, revive), with or without the late-sends
  // check; four at a time has not been measured again since.
  maxWorkers: 3,
  testSequencer: '<rootDir>/test/helpers/slow-first-sequencer.js',
};
