// The agent's transport: certificates are always verified, plain HTTP only when allowed.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeHttp } from '../../src/agent/transport';
import { describeNetworkError, enrolAgent } from '../../src/agent/enrol';
import { makeTestTls, type TestTls } from '../helpers/tls';

describe('agent transport', () => {
  let tls: TestTls;
  let server: https.Server;
  let url: string;
  beforeAll(async () => {
    tls = makeTestTls();
    server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, (req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    tls.cleanup();
  });

  it('when the server\'s certificate is signed by the configured CA, then requests go through with the token', async () => {
    const http = nodeHttp({ server: url, ca: fs.readFileSync(tls.caFile) });
    try {
      const res = await http.request('POST', '/api/x', { body: { a: 1 }, token: 'secret-token' });
      expect(res).toEqual({ status: 200, body: { path: '/api/x', auth: 'Bearer secret-token' } });
    } finally {
      http.close();
    }
  });

  it('when no CA vouches for the certificate, then the request fails and the error says to pass --ca', async () => {
    const http = nodeHttp({ server: url });
    try {
      const err = await http.request('GET', '/').catch((e: unknown) => e);
      expect((err as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(describeNetworkError(err)).toMatch(/could not be verified .*--ca FILE/);
    } finally {
      http.close();
    }
  });

  it('when the certificate does not name the host, then the request fails even with the right CA', async () => {
    const http = nodeHttp({ server: url.replace('127.0.0.1', '127.0.0.2'), ca: fs.readFileSync(tls.caFile) });
    try {
      await expect(http.request('GET', '/')).rejects.toThrow();
    } finally {
      http.close();
    }
  });

  it('when the URL is plain http, then it is refused unless development mode allows it', () => {
    expect(() => nodeHttp({ server: 'http://127.0.0.1:1' })).toThrow(/must start with https:\/\//);
    expect(() => nodeHttp({ server: 'ftp://127.0.0.1:1', allowHttp: true })).toThrow(/https/);
    nodeHttp({ server: 'http://127.0.0.1:1', allowHttp: true }).close();
  });
});

describe('agent enrolment over an IPv6 literal URL', () => {
  let tls: TestTls;
  let server: https.Server;
  let dir: string;
  beforeAll(async () => {
    tls = makeTestTls();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-agent6-'));
    server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, (req, res) => {
      res.statusCode = req.url?.endsWith('/enrol') ? 201 : 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ name: 'kiosk-01', zoneId: 'kiosk', token: 't'.repeat(43) }));
    });
    await new Promise<void>((r) => server.listen(0, '::1', r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    tls.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the server URL is https://[::1]:port, then the agent connects to ::1, verifies the certificate and enrols', async () => {
    const url = `https://[::1]:${(server.address() as AddressInfo).port}`;
    const config = await enrolAgent({ server: url, code: 'ABCD-EFGH', name: 'kiosk-01', configPath: path.join(dir, 'agent.json'), ca: tls.caFile });
    expect(config).toMatchObject({ server: url, name: 'kiosk-01', token: 't'.repeat(43) });
  });
});
