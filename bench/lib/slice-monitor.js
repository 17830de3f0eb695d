// How long the event loop was held in one stretch, measured two ways, by a 1 ms timer that
// notes each of its turns: the longest gap between two turns in wall time (what a probe waits),
// and the most CPU the main thread used in one gap (what the work costs, which the machine's
// other load hardly moves: wall time also counts waiting for a core). The main thread's CPU
// comes from /proc/thread-self/schedstat (nanoseconds on a CPU), so GC helper threads and the
// libuv pool are not counted; where that file is missing, process.cpuUsage() (every thread).
// Each figure is also given without the garbage collector's pauses inside the stretch (from
// the 'gc' performance entries): what the job's own code held, GC apart.
// Plus the event-loop delay histogram and utilisation over the same window.
const fs = require('node:fs');
const { PerformanceObserver, constants, monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { clearTimeout, setTimeout } = require('node:timers');

const TICK_MS = 1;

const SCHEDSTAT = '/proc/thread-self/schedstat';
const hasSchedstat = (() => {
  try {
    fs.readFileSync(SCHEDSTAT, 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** CPU time (ms) of the calling (main) thread, or of the whole process where unknown. */
function cpuMs() {
  if (hasSchedstat) return Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Time (ms) the main thread has spent ready to run but waiting for a core (0 where unknown). */
function runDelayMs() {
  return hasSchedstat ? Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]) / 1e6 : 0;
}

/** Starts watching; `stop()` returns the figures (ms). */
function watchSlices() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  let lastWall = performance.now();
  let lastCpu = cpuMs();
  let lastWait = runDelayMs();
  let maxWall = 0;
  // The longest stretch split: on a core, waiting for one, and neither (blocked: I/O, a lock).
  let worst = { wall: 0, cpu: 0, wait: 0 };
  let maxCpu = 0;
  let timer;
  // Gaps longer than a few ms, kept to take the GC pauses inside them out at the end.
  const long = [];
  const pauses = [];
  // Collections in the window by kind (minor = scavenge, major = mark-compact), with their total pause.
  const collections = { minor: 0, major: 0, other: 0, pauseMs: 0 };
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = e.detail?.kind;
      const name = kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : 'other';
      pauses.push([e.startTime, e.startTime + e.duration, name]);
      collections[name]++;
      collections.pauseMs += e.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const turn = () => {
    const wall = performance.now();
    const cpu = cpuMs();
    const wait = runDelayMs();
    // The timer's own period is not work.
    if (wall - lastWall - TICK_MS > worst.wall) worst = { wall: wall - lastWall - TICK_MS, cpu: cpu - lastCpu, wait: wait - lastWait };
    maxWall = Math.max(maxWall, wall - lastWall - TICK_MS);
    maxCpu = Math.max(maxCpu, cpu - lastCpu);
    if (wall - lastWall > 3) long.push({ from: lastWall, to: wall, cpu: cpu - lastCpu });
    lastWall = wall;
    lastCpu = cpu;
    lastWait = wait;
    timer = setTimeout(turn, TICK_MS);
  };
  timer = setTimeout(turn, TICK_MS);
  return {
    stop() {
      clearTimeout(timer);
      turn();
      clearTimeout(timer);
      delay.disable();
      gc.disconnect();
      const used = performance.eventLoopUtilization(elu);
      const inGc = (g) => pauses.reduce((ms, [a, b]) => ms + Math.max(0, Math.min(b, g.to) - Math.max(a, g.from)), 0);
      let noGcWall = 0;
      let noGcCpu = 0;
      for (const g of long) {
        const gcMs = inGc(g);
        noGcWall = Math.max(noGcWall, g.to - g.from - TICK_MS - gcMs);
        noGcCpu = Math.max(noGcCpu, g.cpu - gcMs);
      }
      return {
        sliceWallMs: maxWall,
        sliceCpuMs: maxCpu,
        // Short gaps were not kept: below 3 ms, the figure with GC stands for both.
        sliceWallNoGcMs: long.length ? Math.max(0, noGcWall) : maxWall,
        sliceCpuNoGcMs: long.length ? Math.max(0, noGcCpu) : maxCpu,
        // The longest stretch in wall time: its CPU, its wait for a core (the machine's load), the rest blocked.
        worstCpuMs: worst.cpu,
        worstRunDelayMs: worst.wait,
        worstBlockedMs: Math.max(0, worst.wall - worst.cpu - worst.wait),
        collections,
        gcMaxMs: pauses.reduce((m, [a, b]) => Math.max(m, b - a), 0),
        // The kind of the longest pause (minor = scavenge, major = mark-compact, other = incremental marking steps, weak callbacks).
        gcMaxKind: pauses.reduce((m, p) => (p[1] - p[0] > m[1] - m[0] ? p : m), [0, 0, 'none'])[2],
        loopMaxMs: delay.max / 1e6,
        loopP99Ms: delay.percentile(99) / 1e6,
        utilisation: used.utilization,
        cpuOf: hasSchedstat ? 'main thread' : 'process',
      };
    },
  };
}

module.exports = { watchSlices };
