// The hour's peak: a value no higher than one this gateway wrote this hour is not sent again,
// and everything the store should hold still reaches it (a new hour, a higher value, after a
// failed write, after the store failed over). Against a real SQLite store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/domain/clock';
import { SessionStats, hourOf } from '../../src/sessions/session-stats';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 10, 15);

describe('SessionStats.raisePeak', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: ManualClock;
  let sent: number[];
  let failing: boolean;
  let stats: SessionStats;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-peaks-'));
    clock = new ManualClock(T0);
    store = new SqliteStore({ file: path.join(dir, 'threshold.db'), clock, checkpoints: false });
    await store.init();
    sent = [];
    failing = false;
    const raise = store.raisePeak.bind(store);
    store.raisePeak = async (zoneId, hour, value, expiresAt) => {
      sent.push(value);
      if (failing) throw new Error('the store is away');
      return raise(zoneId, hour, value, expiresAt);
    };
    stats = new SessionStats(store, { statsRetentionDays: 30 }, clock);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const peakOf = async (at: number) => (await store.readStats(hourOf(at), hourOf(at) + HOUR, 'wifi'))[0]?.peakConcurrent;

  it('sends only a value higher than the hour has had from this gateway', async () => {
    await stats.raisePeak('wifi', 5);
    await stats.raisePeak('wifi', 5);
    await stats.raisePeak('wifi', 3);
    await stats.raisePeak('wifi', 6);
    await stats.raisePeak('wifi', 6);
    expect(sent).toEqual([5, 6]);
    expect(await peakOf(T0)).toBe(6);
  });

  it('writes each zone, and each new hour, however low the value', async () => {
    await stats.raisePeak('wifi', 5);
    await stats.raisePeak('pcs', 2);
    clock.advance(HOUR);
    await stats.raisePeak('wifi', 1);
    expect(sent).toEqual([5, 2, 1]);
    expect(await peakOf(T0)).toBe(5);
    expect(await peakOf(T0 + HOUR)).toBe(1);
  });

  it('sends again what failed, and notes it once the kept peak is written', async () => {
    failing = true;
    await stats.raisePeak('wifi', 4);
    expect(stats.waiting).toBe(1);
    failing = false;
    await stats.raisePeak('wifi', 4);
    await stats.flush();
    expect(stats.waiting).toBe(0);
    expect(await peakOf(T0)).toBe(4);
    const before = sent.length;
    await stats.raisePeak('wifi', 4);
    expect(sent.length).toBe(before);
  });

  it('writes the peak again after forgetWrittenPeaks (a failover may have lost it)', async () => {
    await stats.raisePeak('wifi', 5);
    stats.forgetWrittenPeaks();
    await stats.raisePeak('wifi', 5);
    expect(sent).toEqual([5, 5]);
    expect(await peakOf(T0)).toBe(5);
  });
});
