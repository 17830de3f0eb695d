// Preloaded into the real server process (NODE_OPTIONS="--require …/clock-offset.js") by e2e
// suites that move its clock: Date.now() runs THRESHOLD_TEST_CLOCK_OFFSET_MS ahead of the real
// time. Threshold reads time only through Date.now() (systemClock), so its days, address epochs
// and session ends move with it; the kernel's timeouts and the timers' intervals do not.
/* global process */
const offset = Number(process.env.THRESHOLD_TEST_CLOCK_OFFSET_MS || 0);
if (offset) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;
}
