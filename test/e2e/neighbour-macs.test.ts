// 100 new addresses sign in, 20 devices at a time, through the real gateway (the server process,
// nftables, the kernel's neighbour table in the gateway namespace). Some arrive after the table
// was last read (without the re-read on a miss, about 5 in 100 were sealed without a MAC), so
// each grant must re-read it: every address is held to its device's MAC by the kernel, and each
// device has one session (an address whose MAC was missed would have started one of its own),
// sealed with the MAC and counted under the MAC's pseudonym (never the address's).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import { createStore } from '../../src/store/registry';
import type { SessionRecord } from '../../src/store/types';
import { keysLeft, openWithAny, pseudonymsUnder } from '../helpers/key-audit';
import { requireNetnsSupport } from '../helpers/netns';
import { waitFor } from '../helpers/wait';
import type { ServerProcess } from '../helpers/server-process';
import { DeviceLab } from './helpers/device-lab';

requireNetnsSupport();
jest.setTimeout(120_000);

let lab: DeviceLab;
let server: ServerProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  // 20 devices, each with four IPv4 addresses and one IPv6 address: 100 sessions.
  lab = new DeviceLab({ devices: 20, v4: 4, v6: 1 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-neigh-'));
  server = await lab.serve(dataDir);
});

afterAll(async () => {
  await Promise.race([server?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 5_000).unref())]).catch(() => undefined);
  lab?.destroy();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function storedSessions(): Promise<SessionRecord[]> {
  const store = createStore(configSchema.parse({ dataDir }));
  await store.init();
  try {
    return await store.listSessions();
  } finally {
    await store.close();
  }
}

describe('the MAC of every new session, through the real gateway', () => {
  it('when 100 new addresses sign in, 20 devices at a time, then 0 of 100 logins are without their MAC: in the kernel, sealed, and in the pseudonym', async () => {
    const answers = (await Promise.all(lab.devices.map((d) => lab.run(d, 'login')))).flat();
    expect(answers).toHaveLength(100);
    // A device's later addresses find it online already (sent to /status by the welcome page).
    expect(answers.filter((a) => a.status !== 303 || a.location !== '/status')).toEqual([]);

    // The kernel holds each address to its device's MAC.
    const macOf = lab.macOf();
    const expected = JSON.stringify([...macOf].sort());
    const kernel = await waitFor(async () => (await lab.kernelClients()).map((c) => [c.ip, c.mac ?? 'no MAC']).sort(), (k) => JSON.stringify(k) === expected);
    expect(kernel).toEqual([...macOf].sort());

    // The records, as the server wrote them (read once it has stopped).
    await server!.stop();
    const records = await storedSessions();
    expect(records).toHaveLength(lab.devices.length);
    const keys = keysLeft(path.join(dataDir, 'keys'));
    const sealed = records.map((r) => openWithAny([r.sealedAddress.slice(r.sealedAddress.indexOf('.') + 1)], keys.addresses)[0] ?? '{}');
    const addresses = sealed.map((s) => JSON.parse(s) as { ip?: string; mac?: string });
    expect(addresses.filter((a) => !a.ip || !a.mac || macOf.get(a.ip) !== a.mac)).toEqual([]);
    const byMac = pseudonymsUnder(keys.days, lab.devices.map((d) => d.mac));
    expect(records.filter((r) => !byMac.has(r.pseudonym)).length).toBe(0);
  });
});
