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
  /** `desk`: the code was taken as a desk pass (its messages say so). */
  | { ok: false; reason: 'unknown' | 'used' | 'revoked' | 'expired'; desk?: boolean }
  | { ok: false; reason: 'refused'; refusal: Exclude<GrantResult, { ok: true }> };

/** How many unanswered claims are remembered (a long outage forgets the oldest all at once). */
const UNANSWERED_MAX = 1000;

/** The label of the one-pass batches staff make when they give time at the desk. */
export const DESK_LABEL = 'Desk help';

/**
 * Characters in a desk pass code: 8 of the 31-letter alphabet, about 40 bits (it works one day
 * only, behind the splash rate limit). Its own length, so a batch pass is never taken for one.
 */
export const DESK_PASS_LENGTH = 8;
/** The label of the batches of desk passes staff print: stored as is, shown in the reader's language (deskPrint.label). */
export const DESK_PASS_LABEL = 'Desk pass';
/** Desk passes are hashed in their own domain: no batch pass or help code can match one. */
const DESK_PASS_DOMAIN = 'desk-pass:';

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

/** "ABCDE-FGHJK" (a desk pass: "ABCD-EFGH"): how a code is printed. */
export function formatPassCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/**
 * Codes are hashed with HMAC-SHA256 under a secret kept in the store, so every gateway sharing
 * a Redis can check a code with one lookup. argon2 would need a scan of every pass per attempt.
 * The codes are random (not chosen by people), work once and expire within days; the rate limit
 * at the splash page stops online guessing.
 */
export class PassService {
  private secret: Promise<string> | undefined;
  /** Passes whose claim or grant failed with the store away, and the address that sent them. */
  private readonly unanswered = new Map<string, string>();
  /** The redemption in progress per client address (only while it runs). */
  private readonly redeeming = new Map<string, Promise<RedeemResult>>();

  constructor(private readonly d: PassServiceDeps) {}

  /**
   * A store call on the patron's redeem path, through the outage breaker as a grant is: at most
   * the breaker's time limit, and at once "one moment" while it knows the store is away.
   */
  private guarded<T>(fn: () => Promise<T>): Promise<T> {
    return this.d.sessions.breaker.run(fn);
  }

  private async hash(code: string, domain = ''): Promise<string> {
    // A read that failed (the store away) is not kept: the next pass action asks the store again.
    this.secret ??= this.guarded(() => this.d.store.staff.ensureSecret(SECRET_NAME, this.d.random.bytes(32).toString('base64url'))).catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    const secret = await this.secret;
    return crypto.createHmac('sha256', secret).update(domain + normaliseCode(code)).digest('base64url');
  }

  /**
   * One redemption per device at a time: a second one (a double tap, two codes at once) waits
   * for the first, and when that started a session it gets the session without using its code.
   */
  private oneAtATime(client: ClientAddress, redeem: () => Promise<RedeemResult>): Promise<RedeemResult> {
    const before = this.redeeming.get(client.ip);
    const work = (async (): Promise<RedeemResult> => {
      await before?.catch(() => undefined);
      const existing = this.d.sessions.lookup(client.ip);
      return existing ? { ok: true, session: existing } : redeem();
    })();
    this.redeeming.set(client.ip, work);
    const done = () => {
      if (this.redeeming.get(client.ip) === work) this.redeeming.delete(client.ip);
    };
    work.then(done, done);
    return work;
  }

  /** Claims a pass by its hash and starts its session; gives the pass back if none can start. */
  private async claimAndGrant(client: ClientAddress, hash: string, outsideAllowance: boolean): Promise<RedeemResult> {
    // A claim this device sent that got no answer may have landed after it was told to wait:
    // its retry gives the pass back first, so the pass is not used for nothing.
    if (this.unanswered.get(hash) === client.ip) {
      await this.guarded(() => this.d.store.staff.releasePass(hash));
      this.unanswered.delete(hash);
    }
    try {
      const claim = await this.guarded(() => this.d.store.staff.claimPass(hash, this.d.clock.now()));
      if (!claim.ok) return { ...claim, ...(outsideAllowance ? { desk: true } : {}) };
      const result = await this.d.sessions.grant(client, 'pass', claim.pass.minutes * 60, outsideAllowance ? { outsideAllowance } : {});
      if (!result.ok) {
        await this.guarded(() => this.d.store.staff.releasePass(hash));
        return { ok: false, reason: 'refused', refusal: result };
      }
      // Another request (the terms accepted at the same moment) started the session: the pass is not used.
      if (result.joined) await this.guarded(() => this.d.store.staff.releasePass(hash));
      return { ok: true, session: result.session };
    } catch (err) {
      if (this.unanswered.size >= UNANSWERED_MAX) this.unanswered.clear();
      this.unanswered.set(hash, client.ip);
      throw err;
    }
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
    return this.oneAtATime(client, async () => this.claimAndGrant(client, await this.hash(helpCode), true));
  }

  /**
   * Desk passes: `count` one-use codes printed at the desk, each giving `minutes` beyond today's
   * allowance, valid until the allowance resets (midnight, library time). Stored as any batch:
   * its record and the keyed hashes of its codes. The audit log names no code and no device.
   */
  async createDeskPasses(actor: string, count: number, minutes: number): Promise<{ batch: PassBatch; codes: string[] }> {
    const codes = new Set<string>();
    while (codes.size < count) codes.add(readableCode(this.d.random, DESK_PASS_LENGTH));
    const validUntil = this.d.sessions.allowanceResetsAt();
    const batch: PassBatch = { id: this.d.random.bytes(6).toString('hex'), createdAt: this.d.clock.now(), createdBy: actor, count, minutes, validUntil, label: DESK_PASS_LABEL };
    const hashes = await Promise.all([...codes].map((c) => this.hash(c, DESK_PASS_DOMAIN)));
    await this.d.store.staff.createPassBatch(batch, hashes, validUntil + KEEP_AFTER_MS);
    await this.d.audit.record(actor, 'passes.desk-pass', batch.id, { key: 'audit.passesDeskPrint', vars: { n: count, minutes } });
    return { batch, codes: [...codes].map(formatPassCode) };
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
   * pass is given back so the patron can use it later. A desk pass (its own code length) gives
   * its minutes beyond today's allowance; `deskOnly` (a zone that needs no pass) takes only those.
   */
  redeem(client: ClientAddress, typed: string, opts: { deskOnly?: boolean } = {}): Promise<RedeemResult> {
    return this.oneAtATime(client, () => this.redeemCode(client, typed, opts));
  }

  private async redeemCode(client: ClientAddress, typed: string, opts: { deskOnly?: boolean }): Promise<RedeemResult> {
    const code = normaliseCode(typed);
    // A desk pass gives its time beyond today's allowance; where no pass is needed, only one counts.
    if (code.length === DESK_PASS_LENGTH) return this.claimAndGrant(client, await this.hash(code, DESK_PASS_DOMAIN), true);
    if (opts.deskOnly) return { ok: false, reason: 'unknown', desk: true };
    if (code.length !== PASS_CODE_LENGTH) return { ok: false, reason: 'unknown' };
    return this.claimAndGrant(client, await this.hash(code), false);
  }
}
