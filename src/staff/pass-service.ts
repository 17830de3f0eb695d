// Access passes: staff create a batch of codes, print them once, revoke unused ones; a patron
// in a pass-required zone redeems one at the splash page. Only keyed hashes are stored.
import crypto from 'node:crypto';
import type { Clock } from '../domain/clock';
import { normaliseCode, readableCode, type RandomSource } from '../privacy/random';
import type { ClientAddress, GrantResult, SessionService } from '../sessions/session-service';
import type { LiveSession } from '../sessions/live-view';
import type { PassBatch, PassBatchSummary } from '../store/staff-types';
import type { Store } from '../store/types';
import { notFound } from '../domain/errors';
import type { AuditLog } from './audit-log';

/** Characters in a pass code: 10 of a 31-letter alphabet, about 49 bits. */
export const PASS_CODE_LENGTH = 10;
/** The name of the HMAC secret in the store. */
const SECRET_NAME = 'pass-code-hmac';
/** How long a batch stays listed (with its used and revoked counts) after its passes expire. */
const KEEP_AFTER_MS = 7 * 86_400_000;

export type RedeemResult =
  | { ok: true; session: LiveSession }
  | { ok: false; reason: 'unknown' | 'used' | 'revoked' | 'expired' }
  | { ok: false; reason: 'refused'; refusal: Exclude<GrantResult, { ok: true }> };

/** The label of the one-pass batches staff make when they give time at the desk. */
export const DESK_LABEL = 'Desk help';

export interface NewBatch {
  count: number;
  minutes: number;
  validUntil: number;
  label?: string;
}

export interface PassServiceDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  sessions: SessionService;
  audit: AuditLog;
}

/** "ABCDE-FGHJK": how a code is printed. */
export function formatPassCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * Codes are hashed with HMAC-SHA256 under a secret kept in the store, so every gateway sharing
 * a Redis can check a code with one lookup. argon2 would need a scan of every pass per attempt.
 * The codes are random (not chosen by people), work once and expire within days; the rate limit
 * at the splash page stops online guessing.
 */
export class PassService {
  private secret: Promise<string> | undefined;

  constructor(private readonly d: PassServiceDeps) {}

  private async hash(code: string): Promise<string> {
    this.secret ??= this.d.store.staff.ensureSecret(SECRET_NAME, this.d.random.bytes(32).toString('base64url'));
    const secret = await this.secret;
    return crypto.createHmac('sha256', secret).update(normaliseCode(code)).digest('base64url');
  }

  /** Creates a batch; the codes are returned once, for the printable sheet, and never stored. */
  async createBatch(actor: string, spec: NewBatch): Promise<{ batch: PassBatch; codes: string[] }> {
    const now = this.d.clock.now();
    const codes = new Set<string>();
    while (codes.size < spec.count) codes.add(readableCode(this.d.random, PASS_CODE_LENGTH));
    const batch: PassBatch = {
      id: this.d.random.bytes(6).toString('hex'),
      createdAt: now,
      createdBy: actor,
      count: spec.count,
      minutes: spec.minutes,
      validUntil: spec.validUntil,
      ...(spec.label ? { label: spec.label } : {}),
    };
    const hashes = await Promise.all([...codes].map((c) => this.hash(c)));
    await this.d.store.staff.createPassBatch(batch, hashes, spec.validUntil + KEEP_AFTER_MS);
    await this.d.audit.record(actor, 'passes.create', batch.id, spec.label
      ? { key: 'audit.passesCreateLabel', vars: { count: spec.count, minutes: spec.minutes, label: spec.label } }
      : { key: 'audit.passesCreate', vars: { count: spec.count, minutes: spec.minutes } });
    return { batch, codes: [...codes].map(formatPassCode) };
  }

  /**
   * Staff give a patron whose day is used up `minutes` more, by the help code on the patron's
   * screen: a one-pass batch ("Desk help") whose pass is that code, valid until midnight. Only
   * the keyed hash of the code is stored, as for any pass; the audit log never holds the code.
   */
  async giveDeskTime(actor: string, helpCode: string, minutes: number, validUntil: number): Promise<void> {
    const now = this.d.clock.now();
    const batch: PassBatch = { id: this.d.random.bytes(6).toString('hex'), createdAt: now, createdBy: actor, count: 1, minutes, validUntil, label: DESK_LABEL };
    await this.d.store.staff.createPassBatch(batch, [await this.hash(helpCode)], validUntil + KEEP_AFTER_MS);
    await this.d.audit.record(actor, 'passes.desk', batch.id, { key: 'audit.passesDesk', vars: { minutes } });
  }

  /**
   * The patron's side: the time staff gave to this device's help code starts a session beyond
   * today's allowance (within the zone's session length and opening hours), once.
   */
  async redeemDeskTime(client: ClientAddress, helpCode: string): Promise<RedeemResult> {
    const hash = await this.hash(helpCode);
    const claim = await this.d.store.staff.claimPass(hash, this.d.clock.now());
    if (!claim.ok) return claim;
    const result = await this.d.sessions.grant(client, 'pass', claim.pass.minutes * 60, { outsideAllowance: true });
    if (!result.ok) {
      await this.d.store.staff.releasePass(hash);
      return { ok: false, reason: 'refused', refusal: result };
    }
    return { ok: true, session: result.session };
  }

  list(): Promise<PassBatchSummary[]> {
    return this.d.store.staff.listPassBatches();
  }

  async revoke(actor: string, batchId: string): Promise<number> {
    if (!(await this.list()).some((b) => b.id === batchId)) {
      throw notFound('There is no such batch of passes (it may have expired). Reload the passes page.');
    }
    const n = await this.d.store.staff.revokePassBatch(batchId);
    await this.d.audit.record(actor, 'passes.revoke', batchId, { key: 'audit.passesRevoke', vars: { n } });
    return n;
  }

  /**
   * Redeems a code for a client: the pass is claimed atomically (a code works once), then a
   * session of its minutes starts. If no session can start (closed, allowance used up), the
   * pass is given back so the patron can use it later.
   */
  async redeem(client: ClientAddress, typed: string): Promise<RedeemResult> {
    const existing = this.d.sessions.lookup(client.ip);
    if (existing) return { ok: true, session: existing };
    if (normaliseCode(typed).length !== PASS_CODE_LENGTH) return { ok: false, reason: 'unknown' };
    const hash = await this.hash(typed);
    const claim = await this.d.store.staff.claimPass(hash, this.d.clock.now());
    if (!claim.ok) return claim;
    const result = await this.d.sessions.grant(client, 'pass', claim.pass.minutes * 60);
    if (!result.ok) {
      await this.d.store.staff.releasePass(hash);
      return { ok: false, reason: 'refused', refusal: result };
    }
    return { ok: true, session: result.session };
  }
}
