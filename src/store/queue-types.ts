// The queue part of the Store contract: one waiting list per kiosk zone, kept as one document
// that is changed only by compare-and-set, so gateways sharing a store never lose an update.
// Nothing in it names a patron: a ticket is a number and two hashes of secrets only its holder has.

/** A PC held for a ticket: the holder has until `until` to type the claim code at it. */
export interface TicketHold {
  pc: string;
  /** Epoch ms. */
  until: number;
  /** Wrong claim codes typed at the PC for this hold. */
  wrong: number;
}

/** A ticket (or a booking: a ticket with a slot) in a zone's queue. */
export interface QueueTicket {
  /** The number called out ("B-17" is zone letter B, number 17); unique in the zone for the day. */
  number: number;
  /** SHA-256 (base64url) of the holder's key, the secret in their ticket link; the key is never kept. */
  keyHash: string;
  /** SHA-256 (base64url) of the claim code typed at the PC; the code is never kept. */
  claimHash: string;
  /** Epoch ms. */
  issuedAt: number;
  /** A booking: when its slot starts (epoch ms); it waits until then. */
  slotAt?: number;
  /** The PC it must go to (a booking for one PC, or a ticket staff moved). */
  pc?: string;
  hold?: TicketHold;
  /** Its place in the line when staff skipped it (default: its number). */
  order?: number;
}

/** One zone's queue. */
export interface ZoneQueue {
  /** Local date the numbers count in; a queue of another day is started afresh. */
  day: string;
  /** The next ticket number to give. */
  next: number;
  tickets: QueueTicket[];
}

/** A queue as stored, with the version a compare-and-set must name. */
export interface StoredQueue {
  /** Counts writes; 0 is "nothing stored". */
  version: number;
  queue: ZoneQueue;
}

/** The Store's queue methods; every implementation passes test/contract/queue.contract.ts. */
export interface QueueStore {
  /** The zone's queue, or undefined when none is kept (never written, deleted, or expired). */
  read(zoneId: string): Promise<StoredQueue | undefined>;
  /**
   * Compare-and-set, in one atomic step: writes `next` (or deletes the queue, when undefined)
   * only while the stored version is `expected` (0 when nothing is stored). The queue expires
   * at `expiresAt`. Resolves true when written; false when another writer came first (read it
   * again and decide again).
   */
  write(zoneId: string, expected: number, next: ZoneQueue | undefined, expiresAt: number): Promise<boolean>;
}
