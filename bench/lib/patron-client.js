// A patron's browser for the grant bench: one loopback source address, one keep-alive socket,
// GET / for the CSRF cookie and token, then POST /accept as the splash form does.
const { Buffer } = require('node:buffer');
const http = require('node:http');

function request(agent, opts, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', ...opts }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${opts.method ?? 'GET'} ${opts.path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs the splash → accept flow for the client at `address`. Returns the POST /accept's status,
 * where it redirects, and its latency in ms (request sent to response read).
 */
async function acceptTerms(port, address) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
  try {
    const base = { port, localAddress: address, headers: { Accept: 'text/html' } };
    const splash = await request(agent, { ...base, method: 'GET', path: '/' });
    const token = /name="_csrf" value="([^"]+)"/.exec(splash.text)?.[1];
    const cookie = (splash.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    if (splash.status !== 200 || !token || !cookie) throw new Error(`splash page for a client: status ${splash.status}, token ${token ? 'found' : 'missing'}`);
    const form = `_csrf=${encodeURIComponent(token)}&accept=yes`;
    const started = process.hrtime.bigint();
    // The monotonic clock is the machine's, so the server can tell how long the request waited
    // in its socket backlog before its loop read it (bench/lib/threshold-server.js).
    const accepted = await request(
      agent,
      { ...base, method: 'POST', path: '/accept', headers: { ...base.headers, 'X-Bench-Sent': String(started), Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) } },
      form,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { status: accepted.status, location: accepted.headers.location, ms };
  } finally {
    agent.destroy();
  }
}

/** One probe from `address`: 204 once its session is live. */
async function probe(port, address) {
  const res = await request(false, { port, localAddress: address, method: 'GET', path: '/generate_204' });
  return res.status;
}

/** Distinct loopback source addresses: 127.<net>.<1..>.<1..250>. */
function loopbackAddress(net, i) {
  return `127.${net}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

module.exports = { acceptTerms, probe, loopbackAddress };
