// Starting the server: when a later listener cannot open (its port is taken), the listeners
// already open are closed and the store let go, so a retry on free ports starts cleanly; and the
// listener answers captive probes with the portal app's own handler.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { configSchema } from '../../src/config/schema';
import { createLogger } from '../../src/logger';
import { serve } from '../../src/main';
import { freePort } from '../helpers/ports';

const listenOn = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });

describe('starting the server', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-start-'))));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when the staff port is taken, then start-up fails saying so, and the portal port it had opened is free again', async () => {
    const port = await freePort();
    const staffPort = await freePort();
    const squatter = await listenOn(staffPort);
    try {
      const config = configSchema.parse({ dataDir, host: '127.0.0.1', staffHost: '127.0.0.1', port, staffPort, logLevel: 'silent' });
      await expect(serve(config, createLogger('silent'))).rejects.toThrow(`port ${staffPort} is already in use`);
      // The portal's listener was opened first: it is closed again, so its port can be taken.
      const again = await listenOn(port);
      await new Promise((r) => again.close(r));
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // And the store was let go: the same data directory starts at once.
    const config = configSchema.parse({ dataDir, host: '127.0.0.1', staffHost: '127.0.0.1', port, staffPort, logLevel: 'silent' });
    const running = await serve(config, createLogger('silent'));
    try {
      const probe = await request(`http://127.0.0.1:${port}`).get('/generate_204');
      expect([probe.status, probe.headers.location]).toEqual([302, expect.stringContaining('/')]);
    } finally {
      await running.stop();
    }
  });
});
