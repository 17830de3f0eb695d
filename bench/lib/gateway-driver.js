// Bench child, run inside the client namespace by bench/gateway-logins.js: patrons log in through
// the gateway (port 80 of an internet address, DNATed to the portal by nftables), each from its
// own address and MAC, with the real form (GET / for the CSRF cookie and token, POST /accept),
// `concurrency` at a time; and the captive probe, answered by the portal, at the same
// concurrency, as the baseline. Prints one JSON line of latencies (ms).
const { Buffer } = require('node:buffer');
const http = require('node:http');

const [target, rawClients, rawProbers, rawConcurrency] = process.argv.slice(2);
const clients = rawClients.split(',');
const probers = rawProbers.split(',');
const concurrency = Number(rawConcurrency);
const PROBES_PER_WORKER = 60;

function request(agent, localAddress, method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: target, port: 80, localAddress, method, path, headers: { Accept: 'text/html', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const ms = (since) => Number(process.hrtime.bigint() - since) / 1e6;

async function login(address) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
  try {
    const began = process.hrtime.bigint();
    const splash = await request(agent, address, 'GET', '/');
    const token = /name="_csrf" value="([^"]+)"/.exec(splash.text)?.[1];
    const cookie = (splash.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    if (splash.status !== 200 || !token) throw new Error(`splash page: status ${splash.status}, token ${token ? 'found' : 'missing'}`);
    const form = `_csrf=${encodeURIComponent(token)}&accept=yes`;
    const posted = process.hrtime.bigint();
    const res = await request(agent, address, 'POST', '/accept', { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) }, form);
    if (res.status !== 303 || res.headers.location !== '/status') throw new Error(`POST /accept: status ${res.status}, location ${res.headers.location}`);
    return { accept: ms(posted), flow: ms(began) };
  } finally {
    agent.destroy();
  }
}

async function pool(count, job) {
  let next = 0;
  const out = [];
  const worker = async () => {
    while (next < count) out.push(await job(next++));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

async function main() {
  // The probe first: the portal's own answer to a captured client, the baseline of this run.
  const probe = [];
  await pool(concurrency, async (w) => {
    const address = probers[w % probers.length];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
    for (let i = 0; i < PROBES_PER_WORKER; i++) {
      const t = process.hrtime.bigint();
      const res = await request(agent, address, 'GET', '/generate_204');
      if (res.status !== 302) throw new Error(`a captured probe was answered ${res.status}, not 302 to the portal`);
      probe.push(ms(t));
    }
    agent.destroy();
  });
  const began = process.hrtime.bigint();
  const logins = await pool(clients.length, (i) => login(clients[i]));
  process.stdout.write(`${JSON.stringify({ probe, accept: logins.map((l) => l.accept), flow: logins.map((l) => l.flow), seconds: ms(began) / 1000 })}\n`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
