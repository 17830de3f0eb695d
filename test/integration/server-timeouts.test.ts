// The listeners' timeouts (src/http/server-timeouts.ts), on the real server from serve(): a
// request whose body or headers trickle in is cut, on the portal and on the staff console.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import { createLogger } from '../../src/logger';
import { serve, type Running } from '../../src/main';
import { freePort } from '../helpers/ports';

/** Sends `head`, then one byte every 200 ms until the server closes; resolves what it answered and how many bytes it took. */
function trickle(port: number, head: string, drip: string): Promise<{ answer: string; dripped: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let dripped = 0;
    const timer = setInterval(() => {
      if (socket.writable) socket.write(drip[dripped++ % drip.length]!);
    }, 200);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, dripped });
    });
  });
}

describe('listener timeouts', () => {
  let running: Running;
  let dataDir: string;
  let ports: { port: number; staffPort: number };
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-timeouts-'));
    ports = { port: await freePort(), staffPort: await freePort() };
    const config = configSchema.parse({ dataDir, host: '127.0.0.1', staffHost: '127.0.0.1', ...ports, requestTimeoutSeconds: 2, logLevel: 'silent' });
    running = await serve(config, createLogger('silent'));
  });
  afterAll(async () => {
    await running.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['port', 'staffPort'] as const)('when a request body trickles in on the %s listener, then the request is cut (408) long before the body is complete', async (which) => {
    const head = 'POST /accept HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n';
    const { answer, dripped } = await trickle(ports[which], head, 'a');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // 10,000 bytes at 5 a second would take over half an hour.
    expect(dripped).toBeLessThan(10_000);
  }, 60_000);

  it('when headers trickle in, then the connection is cut before they end', async () => {
    const { answer, dripped } = await trickle(ports.port, 'GET / HTTP/1.1\r\nHost: portal\r\nX-Slow: ', 'b');
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    expect(dripped).toBeLessThan(10_000);
  }, 60_000);
});
