// The long-lived nft channel, against real nftables in a network namespace: a child that dies
// mid-batch is replaced and the batch applied, a refused batch reaches its caller, a hung child
// is cut off, and no process is started per grant.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../src/domain/clock';
import { NftablesFirewall } from '../../src/firewall/nftables';
import { NftError } from '../../src/firewall/nft-runner';
import { NftShell, type NftShellOptions } from '../../src/firewall/nft-shell';
import { Netns, requireNetnsSupport, suffix } from '../helpers/netns';

requireNetnsSupport();
const namespaces: Netns[] = [];
const shells: NftShell[] = [];
afterAll(async () => {
  await Promise.all(shells.map((s) => s.close().catch(() => undefined)));
  namespaces.forEach((n) => n.delete());
});

/** Resolves once the channel has no live child. */
function childGone(shell: NftShell): Promise<void> {
  return new Promise<void>((resolve) => {
    const poll = () => (shell.pid === undefined ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

function setUp(opts: NftShellOptions = {}): { ns: Netns; shell: NftShell; fw: NftablesFirewall } {
  const ns = new Netns('ch', suffix());
  namespaces.push(ns);
  const shell = new NftShell({ prefix: ns.prefix, ...opts });
  shells.push(shell);
  const fw = new NftablesFirewall({ logger: pino({ level: 'silent' }), clock: systemClock, portalPort: 8080, lanInterfaces: ['lan0'], runner: shell });
  return { ns, shell, fw };
}

const grant = (i: number) => ({ ip: `10.9.${i >> 8}.${i & 255}`, mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, zoneId: 'wifi', timeoutSeconds: 600 });

describe('NftShell', () => {
  it('when grants keep coming, then they all go through the one child started with the firewall', async () => {
    const { shell, fw } = setUp();
    await fw.init();
    const pid = shell.pid;
    const before = shell.processes;
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 40 }, (_, i) => fw.allow([grant(round * 40 + i)])));
    expect(shell.processes - before).toBe(0);
    expect(shell.pid).toBe(pid);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(true);
    expect(await fw.list()).toHaveLength(200);
  });

  it('when the child is killed while a batch is in flight, then a new child applies it and no grant is lost', async () => {
    const { shell, fw } = setUp();
    await fw.init();
    const pid = shell.pid!;
    // The child is stopped first, so it cannot answer the batch before it is killed (on a quiet
    // machine nft reads and applies 100 grants before a turn of the event loop has passed).
    process.kill(pid, 'SIGSTOP');
    const calls = Array.from({ length: 100 }, (_, i) => fw.allow([grant(i)]));
    await new Promise((r) => setImmediate(r));
    process.kill(pid, 'SIGKILL');
    await Promise.all(calls);
    expect(shell.restarted).toBe(1);
    expect(shell.pid).not.toBe(pid);
    const listed = await fw.list();
    expect(listed).toHaveLength(100);
    expect(listed.every((e) => e.mac)).toBe(true);
  });

  it('when the child dies while idle, then the next grant starts a new one and goes through', async () => {
    const { shell, fw } = setUp();
    await fw.init();
    const pid = shell.pid!;
    process.kill(pid, 'SIGKILL');
    await childGone(shell);
    await fw.allow([grant(1)]);
    expect(await fw.list()).toHaveLength(1);
  });

  it('when a batch is refused, then its caller gets the kernel\'s words and the child carries on', async () => {
    const { shell, fw } = setUp();
    await fw.init();
    const pid = shell.pid;
    const err = (await shell.run(['-f', '-'], 'add element inet threshold allowed4 { 10.9.0.1 timeout 60s }\ndelete element inet threshold allowed4 { 10.9.0.2 }\n').catch((e: unknown) => e)) as NftError;
    expect(err).toBeInstanceOf(NftError);
    expect(err.message).toMatch(/^nft -i failed: Error: Could not process rule: No such file or directory \(in "delete element inet threshold allowed4 …"\)/);
    expect(err.message).not.toContain('10.9.0.');
    // One transaction: the add before the refused delete did not happen either.
    expect(await fw.list()).toHaveLength(0);
    await fw.allow([grant(3)]);
    expect(await fw.list()).toHaveLength(1);
    expect(shell.pid).toBe(pid);
  });

  it('when nft is missing, then the first command fails with the command that installs it', async () => {
    const { shell } = setUp({ binary: '/nonexistent/nft' });
    await expect(shell.run(['-j', 'list', 'tables'])).rejects.toThrow(/apt-get install -y nftables/);
  });

  it('when the child stops answering, then the command fails after the timeout and the child is killed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thr-hang-'));
    const hang = path.join(dir, 'nft');
    fs.writeFileSync(hang, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    try {
      const { shell } = setUp({ binary: hang, timeoutMs: 300 });
      await expect(shell.run(['-j', 'list', 'tables'])).rejects.toThrow(/did not answer|no answer within/);
      await childGone(shell); // it was sent SIGKILL; it is gone once its pipes close
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a batch is longer than a line should be, then it goes through a process of its own, in order', async () => {
    const { shell, fw } = setUp({ inlineLimit: 2000 });
    await fw.init();
    const before = shell.processes;
    await Promise.all(Array.from({ length: 60 }, (_, i) => fw.allow([grant(i)])));
    expect(shell.processes - before).toBeGreaterThanOrEqual(1);
    expect(await fw.list()).toHaveLength(60);
  });

  it('when the child has read enough to grow its history, then it is replaced between commands and nothing is written to disk', async () => {
    const history = path.join(os.homedir(), '.nft.history');
    const existed = fs.existsSync(history) ? fs.statSync(history).mtimeMs : undefined;
    const { shell, fw } = setUp({ recycleBytes: 4000 });
    await fw.init();
    const before = shell.processes;
    for (let i = 0; i < 60; i++) await fw.allow([grant(i)]);
    expect(shell.processes - before).toBeGreaterThanOrEqual(1);
    expect(shell.restarted).toBe(0);
    expect(await fw.list()).toHaveLength(60);
    await shell.close();
    expect(fs.existsSync(history) ? fs.statSync(history).mtimeMs : undefined).toBe(existed);
  });
});
