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
  describe('enrolment codes', () => {
    test('when a code is taken, then it is returned once and never again', async () => {
      const code = { codeHash: hash(), zoneId: 'kiosks', createdAt: Date.now(), expiresAt: Date.now() + 60_000 };
      await store().putEnrolmentCode(code);
      expect(await store().takeEnrolmentCode(code.codeHash)).toEqual(code);
      expect(await store().takeEnrolmentCode(code.codeHash)).toBeUndefined();
      expect(await store().takeEnrolmentCode(hash())).toBeUndefined();
    });

    test('when a code has expired, then it cannot be taken', async () => {
      const code = { codeHash: hash(), zoneId: 'kiosks', createdAt: Date.now(), expiresAt: Date.now() + 150 };
      await store().putEnrolmentCode(code);
      await sleep(300);
      await store().sweep(Date.now());
      expect(await store().takeEnrolmentCode(code.codeHash)).toBeUndefined();
    });
  });

  describe('workstations', () => {
    test('when a workstation is added, then it is found by name, by token hash and in the list', async () => {
      const ws = makeWorkstation({ name: 'pc-b' });
      const other = makeWorkstation({ name: 'pc-a', zoneId: 'lab' });
      expect(await store().addWorkstation(ws)).toBe(true);
      expect(await store().addWorkstation(other)).toBe(true);
      expect(await store().getWorkstation('pc-b')).toEqual(ws);
      expect(await store().findWorkstationByToken(ws.tokenHash)).toEqual(ws);
      expect(await store().findWorkstationByToken(hash())).toBeUndefined();
      expect(await store().listWorkstations()).toEqual([other, ws]);
    });

    test('when an active workstation has the name, then adding another under it changes nothing', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const intruder = makeWorkstation({ name: ws.name });
      expect(await store().addWorkstation(intruder)).toBe(false);
      expect(await store().getWorkstation(ws.name)).toEqual(ws);
      expect(await store().findWorkstationByToken(intruder.tokenHash)).toBeUndefined();
    });

    test('when a workstation is updated, then only the patched fields change', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const lastWipe = { ok: false, at: Date.now(), reason: 'exit-code' as const };
      expect(await store().updateWorkstation(ws.name, { mode: 'locked', inUse: true, lastWipe })).toBe(true);
      expect(await store().updateWorkstation(ws.name, { inUse: false })).toBe(true);
      expect(await store().getWorkstation(ws.name)).toEqual({ ...ws, mode: 'locked', inUse: false, lastWipe });
      expect(await store().updateWorkstation('nobody', { inUse: true })).toBe(false);
      expect(await store().getWorkstation('nobody')).toBeUndefined();
    });

    test('when reports are recorded, then history is newest first, the last is the latest health and lastSeenAt is set', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const t = Date.now();
      const a = { receivedAt: t, report: makeReport({ at: t - 2000, cpuLoadPercent: 1 }) };
      const b = { receivedAt: t, report: makeReport({ at: t - 1000, cpuLoadPercent: 2 }) };
      const c = { receivedAt: t + 5, report: makeReport({ at: t, cpuLoadPercent: 3 }) };
      expect(await store().recordHealth(ws.name, [a, b], t)).toBe(true);
      expect(await store().recordHealth(ws.name, [c], t + 5)).toBe(true);
      expect(await store().healthHistory(ws.name)).toEqual([c, b, a]);
      expect(await store().getWorkstation(ws.name)).toEqual({ ...ws, lastSeenAt: t + 5, health: c.report });
      expect(await store().recordHealth('nobody', [a], t)).toBe(false);
      expect(await store().healthHistory('nobody')).toEqual([]);
    });

    test('when more reports arrive than the history holds, then only the newest are kept', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const samples = Array.from({ length: HEALTH_HISTORY_LIMIT + 5 }, (_, i) => ({ receivedAt: i, report: makeReport({ at: i }) }));
      await store().recordHealth(ws.name, samples.slice(0, 10), 10);
      await store().recordHealth(ws.name, samples.slice(10), 20);
      const history = await store().healthHistory(ws.name);
      expect(history).toHaveLength(HEALTH_HISTORY_LIMIT);
      expect(history[0]!.report.at).toBe(HEALTH_HISTORY_LIMIT + 4);
      expect(history[HEALTH_HISTORY_LIMIT - 1]!.report.at).toBe(5);
    });
  });

  describe('retiring', () => {
    test('when a workstation is retired, then its token answers retired and it takes no more reports or commands', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      await store().recordHealth(ws.name, [{ receivedAt: 1, report: makeReport() }], 1);
      await store().queueCommand(makeCommand(ws.name));
      const at = Date.now();
      expect(await store().retireWorkstation(ws.name, at)).toBe(true);
      expect(await store().retireWorkstation(ws.name, at)).toBe(false);
      expect((await store().findWorkstationByToken(ws.tokenHash))?.retiredAt).toBe(at);
      expect((await store().getWorkstation(ws.name))?.retiredAt).toBe(at);
      expect(await store().healthHistory(ws.name)).toEqual([]);
      expect(await store().listCommands(ws.name)).toEqual([]);
      expect(await store().recordHealth(ws.name, [{ receivedAt: 2, report: makeReport() }], 2)).toBe(false);
      expect(await store().updateWorkstation(ws.name, { mode: 'locked' })).toBe(false);
      expect(await store().queueCommand(makeCommand(ws.name))).toBe(false);
      expect((await store().listWorkstations()).map((w) => w.name)).toEqual([ws.name]);
    });

    test('when a retired name is enrolled again, then the old token no longer finds it and history starts afresh', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      await store().recordHealth(ws.name, [{ receivedAt: 1, report: makeReport() }], 1);
      await store().retireWorkstation(ws.name, Date.now());
      const again = makeWorkstation({ name: ws.name, zoneId: 'lab' });
      expect(await store().addWorkstation(again)).toBe(true);
      expect(await store().findWorkstationByToken(ws.tokenHash)).toBeUndefined();
      expect(await store().findWorkstationByToken(again.tokenHash)).toEqual(again);
      expect(await store().healthHistory(ws.name)).toEqual([]);
      expect(await store().listWorkstations()).toEqual([again]);
    });
  });

  describe('commands', () => {
    test('when commands are queued, delivered and finished, then each step is kept and a command finishes once', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const t = Date.now();
      const first = makeCommand(ws.name, { createdAt: t - 10 });
      const second = makeCommand(ws.name, { kind: 'message', message: 'Closing in 10 minutes', createdAt: t });
      expect(await store().queueCommand(first)).toBe(true);
      expect(await store().queueCommand(second)).toBe(true);
      expect(await store().listCommands(ws.name)).toEqual([second, first]);

      await store().markDelivered(ws.name, [first.id, second.id], t + 1);
      await store().markDelivered(ws.name, [first.id], t + 2);
      const done = await store().finishCommand(ws.name, first.id, { status: 'done', at: t + 3 });
      expect(done).toEqual({ ...first, deliveredAt: t + 1, status: 'done', finishedAt: t + 3 });
      expect(await store().finishCommand(ws.name, first.id, { status: 'failed', at: t + 4 })).toBeUndefined();
      const failed = await store().finishCommand(ws.name, second.id, { status: 'failed', at: t + 5, reason: 'no-hook' });
      expect(failed).toEqual({ ...second, deliveredAt: t + 1, status: 'failed', finishedAt: t + 5, reason: 'no-hook' });
      expect(await store().listCommands(ws.name)).toEqual([failed, done]);
      expect(await store().finishCommand(ws.name, 'no-such-id', { status: 'done', at: t })).toBeUndefined();
      expect(await store().queueCommand(makeCommand('nobody'))).toBe(false);
    });

    test('when more commands are queued than are kept, then the oldest go', async () => {
      const ws = makeWorkstation();
      await store().addWorkstation(ws);
      const t = Date.now();
      for (let i = 0; i < COMMAND_HISTORY_LIMIT + 3; i++) await store().queueCommand(makeCommand(ws.name, { createdAt: t + i }));
      const kept = await store().listCommands(ws.name);
      expect(kept).toHaveLength(COMMAND_HISTORY_LIMIT);
      expect(kept[0]!.createdAt).toBe(t + COMMAND_HISTORY_LIMIT + 2);
      expect(kept[COMMAND_HISTORY_LIMIT - 1]!.createdAt).toBe(t + 3);
    });
  });
}
