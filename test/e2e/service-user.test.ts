// The real `threshold serve` as the systemd unit runs it: an unprivileged user whose only
// capability is CAP_NET_ADMIN (ambient). With it, the firewall starts; without it, start fails
// saying how to grant it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Netns, requireNetnsSupport, suffix } from '../helpers/netns';
import { startServer } from '../helpers/server-process';

requireNetnsSupport();

const NOBODY = 65534;
const asNobody = (caps: string) => [
  'setpriv',
  `--reuid=${NOBODY}`,
  `--regid=${NOBODY}`,
  '--clear-groups',
  `--inh-caps=-all${caps}`,
  `--ambient-caps=-all${caps}`,
  `--bounding-set=-all${caps}`,
];

let ns: Netns;
let dataDir: string;
beforeAll(() => {
  ns = new Netns('svc', suffix());
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-svc-'));
  fs.chownSync(dataDir, NOBODY, NOBODY);
});
afterAll(() => {
  ns?.delete();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ PORT: '8080', DATA_DIR: dataDir, FIREWALL: 'nftables', LAN_INTERFACES: 'lan0', LOG_LEVEL: 'info', HOME: dataDir });

describe('threshold serve as the systemd unit runs it', () => {
  it('when it runs as an unprivileged user with only CAP_NET_ADMIN, then it creates its table and serves', async () => {
    const server = await startServer(env(), { prefix: [...ns.prefix, ...asNobody(',+net_admin')] });
    try {
      expect(server.output()).toContain('firewall ready: nftables table inet threshold');
      expect(ns.exec('nft', ['list', 'tables'])).toContain('table inet threshold');
    } finally {
      await server.stop();
    }
  });

  it('when it runs without CAP_NET_ADMIN, then it refuses to start and says how to grant it', async () => {
    const failed = await startServer(env(), { prefix: [...ns.prefix, ...asNobody('')] }).catch((e: unknown) => e as Error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/server exited with 1/);
    expect((failed as Error).message).toContain('AmbientCapabilities=CAP_NET_ADMIN');
  });
});
