// Benchmark: logins on the real gateway path. A gateway namespace runs Threshold (dist/, the
// nftables backend); a client namespace holds one macvlan per patron (its own address and MAC,
// as phones have), whose port-80 traffic to an internet address is DNATed to the portal. Each
// patron logs in with the real form; 1 at a time, then 16 and 64 at a time. Reports POST /accept
// p50/p99 (and the whole GET + POST flow) as ratios to the captive probe's latency, answered
// by the portal at the same concurrency in the same run. Needs root; `npm run build` first.
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');
const { machine, onCleanup, percentile, ROOT, runMain, tempDir } = require('./lib/common');

const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const LOGINS = Number(process.env.BENCH_LOGINS || 200);
const WARMUP = 16;
const PROBERS = 4;
const TARGET = '198.51.100.9';
const PORT = 8080;
/** BENCH_SERVER_ROOT: another checkout's server (built), e.g. to compare with the previous release. */
const SERVER_ROOT = process.env.BENCH_SERVER_ROOT ?? ROOT;

const run = (cmd, args, input) => execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

/** 10.77.<1+i/250>.<1+i%250> and a locally administered MAC, for patron i. */
function patron(i) {
  const hi = 1 + Math.floor(i / 250);
  const lo = 1 + (i % 250);
  const hex = (n) => n.toString(16).padStart(2, '0');
  return { ip: `10.77.${hi}.${lo}`, mac: `02:77:00:00:${hex(hi)}:${hex(lo)}`, dev: `p${i}` };
}

/** Gateway and client namespaces, joined by a veth; one macvlan (own MAC, own route table) per patron. */
function makeLab(count) {
  const tag = crypto.randomBytes(3).toString('hex');
  const gw = `thr-bgw-${tag}`;
  const cl = `thr-bcl-${tag}`;
  run('ip', ['netns', 'add', gw]);
  onCleanup(() => run('ip', ['netns', 'del', gw]));
  run('ip', ['netns', 'add', cl]);
  onCleanup(() => run('ip', ['netns', 'del', cl]));
  const lan = `tbl${tag}`;
  run('ip', ['link', 'add', lan, 'netns', gw, 'type', 'veth', 'peer', 'name', 'up0', 'netns', cl]);
  const gwCmds = [`link set lo up`, `link set ${lan} up`, `addr add 10.77.0.1/16 dev ${lan}`];
  run('ip', ['-n', gw, '-batch', '-'], gwCmds.join('\n') + '\n');
  const gwMac = JSON.parse(run('ip', ['-n', gw, '-j', 'link', 'show', lan]))[0].address;
  // Each address answers ARP only on its own macvlan, so the gateway learns each patron's MAC.
  run('ip', ['netns', 'exec', cl, 'sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.default.arp_ignore=1']);
  const clCmds = ['link set lo up', 'link set up0 up'];
  for (let i = 0; i < count; i++) {
    const p = patron(i);
    const table = 1000 + i;
    clCmds.push(
      `link add ${p.dev} link up0 address ${p.mac} type macvlan mode private`,
      `link set ${p.dev} up`,
      `addr add ${p.ip}/16 dev ${p.dev} noprefixroute`,
      `route add 10.77.0.0/16 dev ${p.dev} src ${p.ip} table ${table}`,
      `route add default via 10.77.0.1 dev ${p.dev} table ${table}`,
      `rule add from ${p.ip} lookup ${table} pref ${table}`,
      // Each macvlan would otherwise keep its own entry for the gateway, and a namespace's
      // neighbour table (1,024 entries) starts evicting at 512.
      `neigh add 10.77.0.1 lladdr ${gwMac} dev ${p.dev} nud permanent`,
    );
  }
  run('ip', ['-n', cl, '-batch', '-'], clCmds.join('\n') + '\n');
  return { gw, cl, lan };
}

async function startServer(lab) {
  const dataDir = tempDir('gateway');
  const config = path.join(dataDir, 'threshold.json');
  fs.writeFileSync(config, JSON.stringify({ libraryName: 'Bench Library', timezone: 'UTC', lanInterfaces: [lab.lan], zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.77.0.0/16'], policy: { sessionMinutes: 60 } }] }));
  const env = { ...process.env, PORT: String(PORT), HOST: '0.0.0.0', STAFF_PORT: '8081', STAFF_HOST: '127.0.0.1', DATA_DIR: dataDir, THRESHOLD_CONFIG: config, FIREWALL: 'nftables', LOG_LEVEL: 'info' };
  const child = spawn('ip', ['netns', 'exec', lab.gw, process.execPath, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), path.join(SERVER_ROOT, 'dist', 'cli.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Threshold did not start:\n${out}`)), 60_000);
    const check = (d) => {
      out = (out + d).slice(-20_000);
      if (out.includes('portal listening') && out.includes('staff console listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`Threshold exited (${code}):\n${out}`)));
  });
  return child;
}

function drive(lab, clients, probers, concurrency) {
  const args = ['netns', 'exec', lab.cl, process.execPath, path.join(__dirname, 'lib', 'gateway-driver.js'), TARGET, clients.join(','), probers.join(','), String(concurrency)];
  return JSON.parse(run('ip', args));
}

/** The server's child processes (the nft channel), read from /proc. */
function childrenOf(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
  } catch {
    return [];
  }
}

/** CPU seconds used so far by a process (utime + stime from /proc, clock ticks of 10 ms). */
function cpuOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** The server's CPU and its children's (the nft channel), in seconds. */
function cpu(server) {
  return { server: cpuOf(server.pid), nft: childrenOf(server.pid).reduce((sum, pid) => sum + cpuOf(pid), 0) };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
};

async function main() {
  if (process.getuid?.() !== 0) throw new Error('gateway-logins needs root (network namespaces, nftables): sudo node bench/gateway-logins.js');
  const total = WARMUP + LEVELS.length * LOGINS + PROBERS;
  // The neighbour table holds 1,024 entries (gc_thresh3, a host-wide setting this bench leaves alone).
  if (total > 900) throw new Error(`${total} patrons: keep BENCH_LOGINS × levels under about 880 (a namespace's neighbour table holds 1,024)`);
  const started = Date.now();
  const lab = makeLab(total);
  const setUpSeconds = (Date.now() - started) / 1000;
  const server = await startServer(lab);
  const ips = Array.from({ length: total }, (_, i) => patron(i).ip);
  const probers = ips.splice(0, PROBERS);
  drive(lab, ips.splice(0, WARMUP), probers, 4);
  const childrenBefore = childrenOf(server.pid).join(',');
  const results = [];
  for (const concurrency of LEVELS) {
    const before = cpu(server);
    const r = drive(lab, ips.splice(0, LOGINS), probers, concurrency);
    const after = cpu(server);
    // CPU per login, probes included (they are a small part): what the code costs, whatever the load.
    const perLogin = { server: ((after.server - before.server) * 1000) / r.accept.length, nft: ((after.nft - before.nft) * 1000) / r.accept.length };
    results.push({ concurrency, logins: r.accept.length, perSecond: r.accept.length / r.seconds, probe: stats(r.probe), accept: stats(r.accept), flow: stats(r.flow), perLogin });
  }
  const allowed = JSON.parse(run('ip', ['netns', 'exec', lab.gw, 'nft', '-j', 'list', 'set', 'inet', 'threshold', 'allowed4'])).nftables.find((x) => x.set).set.elem?.length ?? 0;
  const childrenAfter = childrenOf(server.pid).join(',');
  // A graceful stop (the nft child ends with it; a --cpu-prof profile is written).
  await new Promise((resolve) => {
    server.once('exit', resolve);
    server.kill('SIGTERM');
    setTimeout(() => server.kill('SIGKILL'), 10_000).unref();
  });
  console.log(`gateway-logins — ${machine()} (1-min load average at the end: ${os.loadavg()[0].toFixed(1)})`);
  console.log(`${LOGINS} logins per level through DNAT and the real form, each patron its own address and MAC (set-up ${setUpSeconds.toFixed(1)} s); ratios are to the captive probe answered by the portal at the same concurrency`);
  console.log('| at a time | logins/s | probe p50 / p99 ms | POST /accept p50 / p99 ms | ×probe p50 / p99 | GET+POST p50 / p99 ms | CPU ms per login: server, nft |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const f = (n) => n.toFixed(1);
  for (const r of results) {
    console.log(`| ${r.concurrency} | ${Math.round(r.perSecond)} | ${f(r.probe.p50)} / ${f(r.probe.p99)} | ${f(r.accept.p50)} / ${f(r.accept.p99)} | ${f(r.accept.p50 / r.probe.p50)} / ${f(r.accept.p99 / r.probe.p99)} | ${f(r.flow.p50)} / ${f(r.flow.p99)} | ${f(r.perLogin.server)}, ${f(r.perLogin.nft)} |`);
  }
  console.log(`clients let through by the kernel: ${allowed} (expected ${WARMUP + LEVELS.length * LOGINS}); server's child processes (the nft channel) after warm-up ${childrenBefore || 'none'}, at the end ${childrenAfter || 'none'} (the same pid: no process started for the ${LEVELS.length * LOGINS} logins)`);
  return { results, allowed };
}

runMain(module, main);
