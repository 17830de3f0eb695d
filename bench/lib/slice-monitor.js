// How long the event loop was held in one stretch, measured two ways, by a 1 ms timer that
// notes each of its turns: the longest gap between two turns in wall time (what a probe waits),
// and the most CPU the process used in one gap (what the work costs, which the machine's other
// load hardly moves: wall time also counts waiting for a core). Plus the event-loop delay
// histogram and utilisation over the same window.
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { clearTimeout, setTimeout } = require('node:timers');

const TICK_MS = 1;

/** Starts watching; `stop()` returns the figures (ms). */
function watchSlices() {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  let maxWall = 0;
  let maxCpu = 0;
  let timer;
  const turn = () => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    // The timer's own period is not work.
    maxWall = Math.max(maxWall, wall - lastWall - TICK_MS);
    maxCpu = Math.max(maxCpu, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
    lastWall = wall;
    lastCpu = cpu;
    timer = setTimeout(turn, TICK_MS);
  };
  timer = setTimeout(turn, TICK_MS);
  return {
    stop() {
      clearTimeout(timer);
      turn();
      clearTimeout(timer);
      delay.disable();
      const used = performance.eventLoopUtilization(elu);
      return {
        sliceWallMs: maxWall,
        sliceCpuMs: maxCpu,
        loopMaxMs: delay.max / 1e6,
        loopP99Ms: delay.percentile(99) / 1e6,
        utilisation: used.utilization,
      };
    },
  };
}

module.exports = { watchSlices };
