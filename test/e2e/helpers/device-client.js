// Run inside a device's namespace (`ip netns exec <ns> node device-client.js …`): logs each given
// source address in through the portal form (GET /, POST /accept) or out (GET /status, POST
// /logout), one after another, the way a browser would; prints one JSON line of the answers. Never throws.
/* global require, process, console, Buffer */
const http = require('node:http');

const [mode, portal4, portal6, ...addresses] = process.argv.slice(2);

function send(host, localAddress, method, path, cookie, form) {
  return new Promise((resolve) => {
    const body = form === undefined ? undefined : Buffer.from(form);
    const headers = { Accept: 'text/html', ...(cookie ? { Cookie: cookie } : {}) };
    if (body) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length });
    const req = http.request({ host, port: 80, localAddress, method, path, headers, agent: false, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode, location: res.headers.location, body: text, cookie: (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, error: err.code || err.message, body: '', cookie: '' }));
    req.end(body);
  });
}

async function one(address) {
  const host = address.includes(':') ? portal6 : portal4;
  const [page, action, extra] = mode === 'login' ? ['/', '/accept', '&accept=yes'] : ['/status', '/logout', ''];
  const first = await send(host, address, 'GET', page, '');
  // Sent on by the page itself (a device already online opening /, one logged out opening
  // /status): the form is not there, which is where a browser would land.
  if (first.status === 303) return { address, status: first.status, location: first.location };
  const token = /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1] ?? '';
  const res = await send(host, address, 'POST', action, first.cookie, `_csrf=${encodeURIComponent(token)}${extra}`);
  return { address, status: res.status, location: res.location, ...(res.error ? { error: res.error } : {}) };
}

// One address after another, each right after the last: a device's new addresses reach the
// gateway at different moments, as patrons arriving do, not all in one handshake burst.
(async () => {
  const answers = [];
  for (const address of addresses) answers.push(await one(address));
  console.log(JSON.stringify(answers));
  process.exit(0);
})();
