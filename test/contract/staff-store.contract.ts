// The staff part of the Store contract (accounts, console sessions, failures, audit, secrets,
// passes), run inside describeStoreContract against every implementation.
import crypto from 'node:crypto';
import type { Store } from '../../src/store/types';
import type { AuditEntry, PassBatch, StaffAccount } from '../../src/store/staff-types';

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function account(over: Partial<StaffAccount> = {}): StaffAccount {
  return { username: 'ada', role: 'admin', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', createdAt: 1, updatedAt: 1, ...over };
}

function audit(at: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return { id: crypto.randomBytes(6).toString('hex'), at, actor: 'ada', action: 'policy.update', target: 'wifi', detail: 'changed', ...over };
}

function batch(over: Partial<PassBatch> = {}): PassBatch {
  const now = Date.now();
  return { id: crypto.randomBytes(6).toString('hex'), createdAt: now, createdBy: 'ada', count: 3, minutes: 60, validUntil: now + HOUR, ...over };
}

/** `get` returns the store of the current test (made by the surrounding contract's beforeEach). */
export function describeStaffStoreContract(get: () => Store): void {
  describe('staff accounts', () => {
    test('when an account is added twice, then the second add is refused and the first kept', async () => {
      const s = get().staff;
      expect(await s.addAccount(account())).toBe(true);
      expect(await s.addAccount(account({ role: 'staff' }))).toBe(false);
      expect(await s.getAccount('ada')).toEqual(account());
    });

    test('when accounts are put, listed and deleted, then the list follows by user name', async () => {
      const s = get().staff;
      await s.addAccount(account({ username: 'zoe', role: 'staff' }));
      await s.addAccount(account());
      await s.putAccount(account({ passwordHash: 'new', updatedAt: 5 }));
      expect((await s.listAccounts()).map((a) => [a.username, a.passwordHash])).toEqual([['ada', 'new'], ['zoe', account().passwordHash]]);
      expect(await s.deleteAccount('zoe')).toBe(true);
      expect(await s.deleteAccount('zoe')).toBe(false);
      expect(await s.getAccount('zoe')).toBeUndefined();
      expect((await s.listAccounts()).map((a) => a.username)).toEqual(['ada']);
    });

    test('when an account chooses a console language, then get and list give it back, and an account that never chose has none', async () => {
      const s = get().staff;
      await s.addAccount(account({ username: 'zoe', role: 'staff', language: 'ar' }));
      await s.addAccount(account());
      expect(await s.getAccount('zoe')).toEqual(account({ username: 'zoe', role: 'staff', language: 'ar' }));
      expect(await s.getAccount('ada')).toEqual(account());
      expect('language' in (await s.getAccount('ada'))!).toBe(false);
      await s.putAccount(account({ language: 'es', updatedAt: 7 }));
      expect((await s.listAccounts()).map((a) => [a.username, a.language])).toEqual([['ada', 'es'], ['zoe', 'ar']]);
      await s.putAccount(account({ language: 'fr', passwordHash: 'new', updatedAt: 8 }));
      expect(await s.getAccount('ada')).toEqual(account({ language: 'fr', passwordHash: 'new', updatedAt: 8 }));
    });
  });

  describe('console sessions', () => {
    test('when a session is put, then it is found by its token hash until it is deleted', async () => {
      const s = get().staff;
      const rec = { username: 'ada', createdAt: 1, lastSeenAt: 2 };
      await s.putConsoleSession('h1', rec, Date.now() + HOUR);
      expect(await s.getConsoleSession('h1')).toEqual(rec);
      expect(await s.getConsoleSession('h2')).toBeUndefined();
      await s.deleteConsoleSession('h1');
      expect(await s.getConsoleSession('h1')).toBeUndefined();
    });

    test('when a session reaches its expiry, then it is gone, and putting it again slides the expiry', async () => {
      const s = get().staff;
      const rec = { username: 'ada', createdAt: 1, lastSeenAt: 2 };
      await s.putConsoleSession('short', rec, Date.now() + 150);
      await s.putConsoleSession('slid', rec, Date.now() + 150);
      await s.putConsoleSession('slid', { ...rec, lastSeenAt: 3 }, Date.now() + HOUR);
      await sleep(300);
      await get().sweep(Date.now());
      expect(await s.getConsoleSession('short')).toBeUndefined();
      expect(await s.getConsoleSession('slid')).toEqual({ ...rec, lastSeenAt: 3 });
    });

    test('when every session of a user is ended, then only that user\'s sessions go', async () => {
      const s = get().staff;
      await s.putConsoleSession('a1', { username: 'ada', createdAt: 1, lastSeenAt: 1 }, Date.now() + HOUR);
      await s.putConsoleSession('a2', { username: 'ada', createdAt: 1, lastSeenAt: 1 }, Date.now() + HOUR);
      await s.putConsoleSession('z1', { username: 'zoe', createdAt: 1, lastSeenAt: 1 }, Date.now() + HOUR);
      expect(await s.deleteConsoleSessionsOf('ada')).toBe(2);
      expect(await s.getConsoleSession('a1')).toBeUndefined();
      expect(await s.getConsoleSession('a2')).toBeUndefined();
      expect(await s.getConsoleSession('z1')).toBeDefined();
      expect(await s.deleteConsoleSessionsOf('nobody')).toBe(0);
    });
  });

  describe('sign-in failures', () => {
    test('when failures are added, then they count up until cleared or expired', async () => {
      const s = get().staff;
      expect(await s.getLoginFailures('ada')).toEqual({ count: 0, expiresAt: 0 });
      const until = Date.now() + HOUR;
      expect(await s.addLoginFailure('ada', until)).toBe(1);
      expect(await s.addLoginFailure('ada', until)).toBe(2);
      const f = await s.getLoginFailures('ada');
      expect(f.count).toBe(2);
      expect(Math.abs(f.expiresAt - until)).toBeLessThan(2000);
      await s.clearLoginFailures('ada');
      expect((await s.getLoginFailures('ada')).count).toBe(0);
      await s.addLoginFailure('zoe', Date.now() + 150);
      await sleep(300);
      expect((await s.getLoginFailures('zoe')).count).toBe(0);
      expect(await s.addLoginFailure('zoe', until)).toBe(1);
    });

    test('when 20 attempts are reserved at once with a limit of 5, then exactly 5 are, and the rest report the lock', async () => {
      const s = get().staff;
      const until = Date.now() + HOUR;
      const all = await Promise.all(Array.from({ length: 20 }, () => s.reserveLoginAttempt('ada', 5, until)));
      expect(all.filter((r) => r.ok).map((r) => r.count).sort()).toEqual([1, 2, 3, 4, 5]);
      for (const r of all.filter((x) => !x.ok)) {
        expect(r.count).toBe(5);
        expect(Math.abs(r.expiresAt - until)).toBeLessThan(2000);
      }
      expect((await s.getLoginFailures('ada')).count).toBe(5);
      await s.clearLoginFailures('ada');
      expect((await s.reserveLoginAttempt('ada', 5, until)).ok).toBe(true);
    });
  });

  describe('audit log', () => {
    test('when entries are appended, then they list newest first with limit and offset', async () => {
      const s = get().staff;
      const now = Date.now();
      const entries = [audit(now - 3000), audit(now - 2000, { action: 'passes.create' }), audit(now - 1000, { actor: 'zoe' })];
      for (const e of entries) await s.appendAudit(e, now + HOUR);
      expect(await s.listAudit(10)).toEqual([...entries].reverse());
      expect(await s.listAudit(1, 1)).toEqual([entries[1]]);
    });

    test('when an entry reaches its expiry, then it is no longer listed', async () => {
      const s = get().staff;
      const now = Date.now();
      await s.appendAudit(audit(now - 1000), now + 150);
      await sleep(300);
      const kept = audit(Date.now());
      // Kept for an hour: a busy machine can take longer than a short expiry to reach the list.
      await s.appendAudit(kept, Date.now() + HOUR);
      await get().sweep(Date.now());
      expect(await s.listAudit(10)).toEqual([kept]);
    });
  });

  describe('secrets', () => {
    test('when a secret is ensured twice, then the first value stays', async () => {
      const s = get().staff;
      expect(await s.ensureSecret('pass-hmac', 'first')).toBe('first');
      expect(await s.ensureSecret('pass-hmac', 'second')).toBe('first');
      expect(await s.ensureSecret('other', 'x')).toBe('x');
    });
  });

  describe('passes', () => {
    test('when a pass is claimed, then it works once, and a released pass works again', async () => {
      const s = get().staff;
      const b = batch();
      await s.createPassBatch(b, ['h1', 'h2', 'h3'], b.validUntil + HOUR);
      const first = await s.claimPass('h1', Date.now());
      expect(first).toEqual({ ok: true, pass: { hash: 'h1', batchId: b.id, minutes: 60, validUntil: b.validUntil } });
      expect(await s.claimPass('h1', Date.now())).toEqual({ ok: false, reason: 'used' });
      await s.releasePass('h1');
      expect((await s.claimPass('h1', Date.now())).ok).toBe(true);
      expect(await s.claimPass('nope', Date.now())).toEqual({ ok: false, reason: 'unknown' });
    });

    test('when a batch has a label, then the list gives it back; a batch without one has none', async () => {
      const s = get().staff;
      const labelled = { ...batch(), label: 'Job club, Tuesday' };
      const plain = batch();
      await s.createPassBatch(labelled, ['l1'], labelled.validUntil + HOUR);
      await s.createPassBatch(plain, ['p1'], plain.validUntil + HOUR);
      const listed = new Map((await s.listPassBatches()).map((b) => [b.id, b.label]));
      expect([listed.get(labelled.id), listed.get(plain.id)]).toEqual(['Job club, Tuesday', undefined]);
    });

    test('when a used pass is written again under the same hash (desk time given again), then it works once more, with the new minutes', async () => {
      const s = get().staff;
      const first = batch();
      await s.createPassBatch(first, ['desk'], first.validUntil + HOUR);
      expect((await s.claimPass('desk', Date.now())).ok).toBe(true);
      const again = { ...batch(), minutes: 15 };
      await s.createPassBatch(again, ['desk'], again.validUntil + HOUR);
      expect(await s.claimPass('desk', Date.now())).toEqual({ ok: true, pass: { hash: 'desk', batchId: again.id, minutes: 15, validUntil: again.validUntil } });
    });

    test('when two claims of one code race, then exactly one wins', async () => {
      const s = get().staff;
      const b = batch();
      await s.createPassBatch(b, ['race'], b.validUntil + HOUR);
      const results = await Promise.all(Array.from({ length: 8 }, () => s.claimPass('race', Date.now())));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    test('when a pass is past its validity, then claiming says expired', async () => {
      const s = get().staff;
      const b = batch({ validUntil: Date.now() - 1000 });
      await s.createPassBatch(b, ['old'], Date.now() + HOUR);
      expect(await s.claimPass('old', Date.now())).toEqual({ ok: false, reason: 'expired' });
    });

    test('when a batch is revoked, then its unused passes are revoked and used ones stay used', async () => {
      const s = get().staff;
      const b = batch();
      const other = batch({ createdAt: b.createdAt + 1 });
      await s.createPassBatch(b, ['r1', 'r2', 'r3'], b.validUntil + HOUR);
      await s.createPassBatch(other, ['o1'], b.validUntil + HOUR);
      await s.claimPass('r1', Date.now());
      expect(await s.revokePassBatch(b.id)).toBe(2);
      expect(await s.revokePassBatch(b.id)).toBe(0);
      expect(await s.claimPass('r2', Date.now())).toEqual({ ok: false, reason: 'revoked' });
      const list = await s.listPassBatches();
      expect(list).toEqual([
        { ...other, used: 0, revoked: 0 },
        { ...b, used: 1, revoked: 2 },
      ]);
    });

    test('when a batch reaches its expiry, then it and its passes are gone', async () => {
      const s = get().staff;
      const b = batch();
      await s.createPassBatch(b, ['e1'], Date.now() + 150);
      await sleep(300);
      await get().sweep(Date.now());
      expect(await s.listPassBatches()).toEqual([]);
      expect(await s.claimPass('e1', Date.now())).toEqual({ ok: false, reason: 'unknown' });
    });
  });
}
