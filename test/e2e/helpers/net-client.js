// A tiny network client run inside a test namespace (`ip netns exec <ns> node net-client.js …`):
// one HTTP request (get, post, download) or TCP connect, the outcome printed as one JSON line. Never throws.
/* global require, process, console, Buffer */
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');

const TIMEOUT_MS = Number(process.env.NET_CLIENT_TIMEOUT_MS || 2500);
const [cmd, target, cookie, form] = process.argv.slice(2);

function done(result) {
  console.log(JSON.stringify(result));
  process.exit(0);
}

if (cmd === 'connect') {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(target.slice(target.lastIndexOf(':') + 1))];
  const socket = net.connect({ host, port });
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
  const req = client.request(target, { method: cmd === 'post' ? 'POST' : 'GET', headers, timeout: TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
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
