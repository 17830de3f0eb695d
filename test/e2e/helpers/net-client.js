// A tiny network client run inside a test namespace (`ip netns exec <ns> node net-client.js …`):
// one HTTP request (get, post, download) or TCP connect, the outcome printed as one JSON line. Never throws.
/* global require, process, console, Buffer */
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');

const TIMEOUT_MS = Number(process.env.NET_CLIENT_TIMEOUT_MS || 2500);
// The source address to send from (a second IPv6 address of the device), when given.
const FROM = process.env.NET_CLIENT_FROM || undefined;
// HTTPS verified against this CA (PEM file), and host names resolved by this DNS server (the one
// DHCP gave), when given; otherwise any certificate is taken and the system resolves.
const CA = process.env.NET_CLIENT_CA ? require('node:fs').readFileSync(process.env.NET_CLIENT_CA) : undefined;
const DNS = process.env.NET_CLIENT_DNS;
const [cmd, target, cookie, form] = process.argv.slice(2);

function done(result) {
  console.log(JSON.stringify(result));
  process.exit(0);
}

if (cmd === 'connect') {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(target.slice(target.lastIndexOf(':') + 1))];
  const socket = net.connect({ host, port, localAddress: FROM });
  socket.setTimeout(TIMEOUT_MS, () => done({ ok: false, error: 'timeout' }));
  socket.once('connect', () => done({ ok: true }));
  socket.once('error', (err) => done({ ok: false, error: err.code || err.message }));
} else {
  const body = cmd === 'post' ? Buffer.from(form || '') : undefined;
  const headers = { Accept: 'text/html' };
  if (cookie) headers.Cookie = cookie;
  if (body) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length });
  const started = Date.now();
  const client = target.startsWith('https:') ? https : http;
  // Bytes of the body so far: a download cut off (the session ended) reports how much got through.
  let bytes = 0;
  // The test's portal certificate is self-signed; what is checked is who answers, not the chain.
  const tls = CA ? { ca: CA, rejectUnauthorized: true } : { rejectUnauthorized: false };
  const options = { method: cmd === 'post' ? 'POST' : 'GET', headers, timeout: TIMEOUT_MS, localAddress: FROM, lookup: DNS ? viaDns(DNS) : undefined, ...tls };
  const req = client.request(target, options, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d) => {
      bytes += Buffer.byteLength(d);
      // `download` only counts: the body may be megabytes.
      if (cmd !== 'download') text += d;
    });
    res.on('end', () => {
      if (cmd === 'download') done({ ok: true, status: res.statusCode, bytes, ms: Date.now() - started });
      else done({ ok: true, status: res.statusCode, location: res.headers.location, setCookie: res.headers['set-cookie'] || [], body: text });
    });
  });
  req.on('timeout', () => {
    req.destroy();
    done(cmd === 'download' ? { ok: false, error: 'timeout', bytes } : { ok: false, error: 'timeout' });
  });
  req.on('error', (err) => done({ ok: false, error: err.code || err.message }));
  req.end(body);
}

/** A lookup function asking one DNS server for A records (as a client told of it by DHCP would). */
function viaDns(server) {
  const resolver = new (require('node:dns').Resolver)();
  resolver.setServers([server]);
  return (hostname, opts, cb) => {
    resolver.resolve4(hostname, (err, addrs) => {
      if (err) return cb(err);
      if (opts && opts.all) return cb(null, addrs.map((address) => ({ address, family: 4 })));
      cb(null, addrs[0], 4);
    });
  };
}
