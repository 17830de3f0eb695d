// The workstation part of the Store contract (called from store.contract.ts for every backend).
import crypto from 'node:crypto';
import {
  COMMAND_HISTORY_LIMIT,
  HEALTH_HISTORY_LIMIT,
  type Store,
  type WorkstationCommand,
} from '../../src/store/types';
import { makeReport, makeWorkstation } from '../helpers/workstations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hash = () => crypto.randomBytes(32).toString('base64url');

function makeCommand(workstation: string, over: Partial<WorkstationCommand> = {}): WorkstationCommand {
  return { id: crypto.randomBytes(9).toString('base64url'), workstation, kind: 'lock', status: 'pending', createdAt: Date.now(), ...over };
}

/** `store()` gives the fresh store of the current test. */
export function describeWorkstationContract(store: () => Store): void {
  const ws = () => store().workstations;
  describe('enrolment codes', () => {
    test('when a code is taken, then it is returned once and never again', async () => {
      const code = { codeHash: hash(), zoneId: 'kiosks', createdAt: Date.now(), expiresAt: Date.now() + 60_000 };
      await ws().putCode(code);
      expect(await ws().takeCode(code.codeHash)).toEqual(code);
      expect(await ws().takeCode(code.codeHash)).toBeUndefined();
      expect(await ws().takeCode(hash())).toBeUndefined();
    });

    test('when a code has expired, then it cannot be taken', async () => {
      const code = { codeHash: hash(), zoneId: 'kiosks', createdAt: Date.now(), expiresAt: Date.now() + 150 };
      await ws().putCode(code);
      await sleep(300);
      await store().sweep(Date.now());
      expect(await ws().takeCode(code.codeHash)).toBeUndefined();
    });
  });

  describe('workstations', () => {
    test('when a workstation is added, then it is found by name, by token hash and in the list', async () => {
      const pc = makeWorkstation({ name: 'pc-b' });
      const other = makeWorkstation({ name: 'pc-a', zoneId: 'lab' });
      expect(await ws().add(pc)).toBe(true);
      expect(await ws().add(other)).toBe(true);
      expect(await ws().get('pc-b')).toEqual(pc);
      expect(await ws().findByToken(pc.tokenHash)).toEqual(pc);
      expect(await ws().findByToken(hash())).toBeUndefined();
      expect(await ws().list()).toEqual([other, pc]);
    });

    test('when an active workstation has the name, then adding another under it changes nothing', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const intruder = makeWorkstation({ name: pc.name });
      expect(await ws().add(intruder)).toBe(false);
      expect(await ws().get(pc.name)).toEqual(pc);
      expect(await ws().findByToken(intruder.tokenHash)).toBeUndefined();
    });

    test('when a workstation is updated, then only the patched fields change', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const lastWipe = { ok: false, at: Date.now(), reason: 'exit-code' as const };
      expect(await ws().update(pc.name, { mode: 'locked', inUse: true, lastWipe })).toBe(true);
      expect(await ws().update(pc.name, { inUse: false })).toBe(true);
      expect(await ws().get(pc.name)).toEqual({ ...pc, mode: 'locked', inUse: false, lastWipe });
      expect(await ws().update('nobody', { inUse: true })).toBe(false);
      expect(await ws().get('nobody')).toBeUndefined();
    });

    test('when reports are recorded, then history is newest first, the last is the latest health and lastSeenAt is set', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const t = Date.now();
      const a = { receivedAt: t, report: makeReport({ at: t - 2000, cpuLoadPercent: 1 }) };
      const b = { receivedAt: t, report: makeReport({ at: t - 1000, cpuLoadPercent: 2 }) };
      const c = { receivedAt: t + 5, report: makeReport({ at: t, cpuLoadPercent: 3 }) };
      expect(await ws().recordHealth(pc.name, [a, b], t)).toEqual([]);
      expect(await ws().recordHealth(pc.name, [c], t + 5)).toEqual([]);
      expect(await ws().history(pc.name)).toEqual([c, b, a]);
      expect(await ws().get(pc.name)).toEqual({ ...pc, lastSeenAt: t + 5, health: c.report });
      expect(await ws().recordHealth('nobody', [a], t)).toBeUndefined();
      expect(await ws().history('nobody')).toEqual([]);
    });

    test('when more reports arrive than the history holds, then only the newest are kept', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const samples = Array.from({ length: HEALTH_HISTORY_LIMIT + 5 }, (_, i) => ({ receivedAt: i, report: makeReport({ at: i }) }));
      await ws().recordHealth(pc.name, samples.slice(0, 10), 10);
      await ws().recordHealth(pc.name, samples.slice(10), 20);
      const history = await ws().history(pc.name);
      expect(history).toHaveLength(HEALTH_HISTORY_LIMIT);
      expect(history[0]!.report.at).toBe(HEALTH_HISTORY_LIMIT + 4);
      expect(history[HEALTH_HISTORY_LIMIT - 1]!.report.at).toBe(5);
    });
  });

  describe('retiring', () => {
    test('when a workstation is retired, then its token answers retired and it takes no more reports or commands', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      await ws().recordHealth(pc.name, [{ receivedAt: 1, report: makeReport() }], 1);
      await ws().queueCommand(makeCommand(pc.name));
      const at = Date.now();
      expect(await ws().retire(pc.name, at)).toBe(true);
      expect(await ws().retire(pc.name, at)).toBe(false);
      expect((await ws().findByToken(pc.tokenHash))?.retiredAt).toBe(at);
      expect((await ws().get(pc.name))?.retiredAt).toBe(at);
      expect(await ws().history(pc.name)).toEqual([]);
      expect(await ws().listCommands(pc.name)).toEqual([]);
      expect(await ws().recordHealth(pc.name, [{ receivedAt: 2, report: makeReport() }], 2)).toBeUndefined();
      expect(await ws().update(pc.name, { mode: 'locked' })).toBe(false);
      expect(await ws().queueCommand(makeCommand(pc.name))).toBe(false);
      expect((await ws().list()).map((w) => w.name)).toEqual([pc.name]);
    });

    test('when a retired name is enrolled again, then the old token no longer finds it and history starts afresh', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      await ws().recordHealth(pc.name, [{ receivedAt: 1, report: makeReport() }], 1);
      await ws().retire(pc.name, Date.now());
      const again = makeWorkstation({ name: pc.name, zoneId: 'lab' });
      expect(await ws().add(again)).toBe(true);
      expect(await ws().findByToken(pc.tokenHash)).toBeUndefined();
      expect(await ws().findByToken(again.tokenHash)).toEqual(again);
      expect(await ws().history(pc.name)).toEqual([]);
      expect(await ws().list()).toEqual([again]);
    });
  });

  describe('commands', () => {
    test('when commands are queued, delivered and finished, then each step is kept and a command finishes once', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const t = Date.now();
      const first = makeCommand(pc.name, { createdAt: t - 10 });
      const second = makeCommand(pc.name, { kind: 'message', message: 'Closing in 10 minutes', createdAt: t });
      expect(await ws().queueCommand(first)).toBe(true);
      expect(await ws().queueCommand(second)).toBe(true);
      expect(await ws().listCommands(pc.name)).toEqual([second, first]);
      expect(await ws().recordHealth(pc.name, [{ receivedAt: t, report: makeReport() }], t)).toEqual([first, second]);

      await ws().markDelivered(pc.name, [first.id, second.id], t + 1);
      await ws().markDelivered(pc.name, [first.id], t + 2);
      const done = await ws().finishCommand(pc.name, first.id, { status: 'done', at: t + 3 });
      expect(done).toEqual({ ...first, deliveredAt: t + 1, status: 'done', finishedAt: t + 3 });
      expect(await ws().finishCommand(pc.name, first.id, { status: 'failed', at: t + 4 })).toBeUndefined();
      const failed = await ws().finishCommand(pc.name, second.id, { status: 'failed', at: t + 5, reason: 'no-hook' });
      expect(failed).toEqual({ ...second, deliveredAt: t + 1, status: 'failed', finishedAt: t + 5, reason: 'no-hook' });
      expect(await ws().listCommands(pc.name)).toEqual([failed, done]);
      const third = makeCommand(pc.name, { createdAt: t + 6 });
      await ws().queueCommand(third);
      expect(await ws().recordHealth(pc.name, [{ receivedAt: t, report: makeReport() }], t)).toEqual([third]);
      expect(await ws().finishCommand(pc.name, 'no-such-id', { status: 'done', at: t })).toBeUndefined();
      expect(await ws().queueCommand(makeCommand('nobody'))).toBe(false);
    });

    test('when more commands are queued than are kept, then the oldest go', async () => {
      const pc = makeWorkstation();
      await ws().add(pc);
      const t = Date.now();
      for (let i = 0; i < COMMAND_HISTORY_LIMIT + 3; i++) await ws().queueCommand(makeCommand(pc.name, { createdAt: t + i }));
      const kept = await ws().listCommands(pc.name);
      expect(kept).toHaveLength(COMMAND_HISTORY_LIMIT);
      expect(kept[0]!.createdAt).toBe(t + COMMAND_HISTORY_LIMIT + 2);
      expect(kept[COMMAND_HISTORY_LIMIT - 1]!.createdAt).toBe(t + 3);
    });
  });
}
