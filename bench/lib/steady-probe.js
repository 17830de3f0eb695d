// A captive-portal probe at a steady rate, as many phones send theirs: each request goes out
// when it is due, whether or not the ones before it were answered (pipelined on keep-alive
// sockets), and its latency runs from when it was written to when its answer was read.
// autocannon's `overallRate` is not that: each connection sends back to back until it has made
// its share of the second, then waits for the next second, so the server met a burst of closed-
// loop requests at the start of every second, each one queued behind the other connections'.
const { Buffer } = require('node:buffer');
const net = require('node:net');
const { setTimeout } = require('node:timers');
const { percentile } = require('./common');

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Probes `path` on 127.0.0.1:`port` at `rate` a second for `ms`, over `connections` sockets.
 * Resolves with latency percentiles (ms) and the count; rejects if an answer is not `status`.
 */
async function steadyProbe({ port, path = '/generate_204', rate, ms, connections = 8, status = 204 }) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  const times = [];
  let failure;
  const sockets = await Promise.all(
    Array.from({ length: connections }, () =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
        socket.setNoDelay(true);
        socket.once('error', reject);
      }),
    ),
  );
  const waiting = sockets.map(() => []);
  sockets.forEach((socket, i) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      const at = now();
      text += chunk;
      // The answers carry no body (204): each ends at its blank line.
      for (let end = text.indexOf('\r\n\r\n'); end !== -1; end = text.indexOf('\r\n\r\n')) {
        const head = text.slice(0, end);
        text = text.slice(end + 4);
        const sent = waiting[i].shift();
        if (!head.startsWith(`HTTP/1.1 ${status} `)) failure ??= new Error(`probe: answered ${head.split('\r\n', 1)[0]}, not ${status}`);
        else if (sent !== undefined) times.push(at - sent);
      }
    });
  });
  const started = now();
  let sent = 0;
  while (now() - started < ms && !failure) {
    const due = Math.floor(((now() - started) * rate) / 1000);
    for (; sent < due; sent++) {
      const i = sent % connections;
      waiting[i].push(now());
      sockets[i].write(request);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // The answers still owed, for as long as a probe may take.
  const until = now() + 2000;
  while (waiting.some((w) => w.length) && now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const socket of sockets) socket.destroy();
  if (failure) throw failure;
  const lost = waiting.reduce((n, w) => n + w.length, 0);
  if (lost) throw new Error(`probe: ${lost} of ${sent} requests unanswered 2 s after the last was sent`);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1], requests: times.length };
}

module.exports = { steadyProbe };
