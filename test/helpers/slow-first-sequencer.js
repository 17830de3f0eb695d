// Jest test sequencer: the suites known to take longest start first, so no long suite is left to
// start last while the other workers are idle. Jest orders by the last run's times when its cache
// has them; a fresh CI clone has none, and jest's fallback (largest file first) starts short-lived
// but long-waiting suites (a 60 s outage, a 1-minute idle time) last. Ordering only: every suite runs.
'use strict';
const path = require('node:path');
// Jest's default sequencer (installed with jest itself).
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Seconds each slow suite took on a quiet 2-core machine (2026-12-01); suites not named here run
 * after them. Stale figures only reorder.
 */
const KNOWN_SECONDS = {
  'e2e/patron-pages.test.ts': 87,
  'e2e/gateway.test.ts': 80,
  'e2e/queue-pages.test.ts': 77,
  'e2e/gateway-devices.test.ts': 76,
  'e2e/staff-languages.test.ts': 74,
  'e2e/store-outage.test.ts': 71,
  'e2e/desk-pages.test.ts': 37,
  'e2e/staff-console.test.ts': 30,
  'e2e/redis-failover.test.ts': 19,
  'e2e/privacy-audit.test.ts': 19,
  'integration/staff-store-outage.test.ts': 31,
  'contract/redis-ha-store.test.ts': 30,
  'integration/branch-autonomy.test.ts': 23,
  'integration/agent-process.test.ts': 22,
  'integration/periodic-jobs.test.ts': 17,
  'integration/redis-reshard.test.ts': 17,
  'integration/route-fuzz.test.ts': 11,
  'integration/server-timeouts.test.ts': 9,
  'integration/queue-agents.test.ts': 9,
  'contract/sqlite-store.test.ts': 8,
};

/** Milliseconds, as jest's cache keeps them. */
function known(file) {
  const rel = path.relative(path.join(__dirname, '..'), file).split(path.sep).join('/');
  return (KNOWN_SECONDS[rel] ?? 0) * 1000;
}

/** Jest's own sequencer (failed suites first, then the longest), with these figures where its cache has none. */
class SlowFirstSequencer extends Sequencer {
  time(test) {
    return super.time(test) ?? known(test.path);
  }
}

module.exports = SlowFirstSequencer;
