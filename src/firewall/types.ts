// The Firewall contract: the door that lets a client through for a while, one backend per file.

/** A client the firewall lets through. */
export interface FirewallClient {
  ip: string;
  /** Known when the client is on a directly attached network (from the neighbour table). */
  mac?: string;
  zoneId: string;
  /** Seconds until the kernel ends access by itself. */
  timeoutSeconds: number;
}

/** A new address of a device let through, as the backend saw it. */
export interface Arrival {
  ip: string;
  mac: string;
}

/** What the firewall currently lets through. */
export interface FirewallEntry {
  ip: string;
  mac?: string;
  /** Seconds left before the entry expires by itself. */
  expiresInSeconds: number;
  /** Bytes counted for the client, where the backend counts; undefined otherwise. */
  bytes?: number;
}

/**
 * A firewall backend. Methods take batches so a backend can apply many changes at once.
 * A backend throws descriptive errors (the command that failed and what it said), never
 * returns booleans.
 */
/** Whether the firewall lets an address through (at the time it was asked for). */
export interface HeldAddresses {
  has(ip: string): boolean;
}

export interface Firewall {
  readonly name: string;
  /** Creates whatever the backend owns (idempotent); called once at start. */
  init(): Promise<void>;
  /** Lets clients through, or updates their timeout when already allowed. */
  allow(clients: FirewallClient[]): Promise<void>;
  /** Stops letting clients through; unknown clients are ignored. */
  revoke(clients: Pick<FirewallClient, 'ip' | 'mac'>[]): Promise<void>;
  list(): Promise<FirewallEntry[]>;
  /**
   * Only the addresses let through, with nothing else about them: what a check for missing
   * clients needs, without building 100,000 entries to throw away. A view to ask, not a copy: a
   * backend that holds its entries in memory answers from them (a Set of 100,000 built in one
   * go held the loop 20 ms as it grew).
   */
  heldAddresses(): Promise<HeldAddresses>;
  /**
   * False where `list()` never gives bytes (the backend counts nothing): the session tick then
   * does not read the list at all, 100,000 entries it would only throw away. Unset: it may count.
   */
  readonly countsBytes?: boolean;
  /**
   * Addresses the backend saw from the MAC of a client let through that are not let through
   * themselves (an IPv6 privacy address, a new lease), where the backend notes them. Revoking a
   * client with its MAC ends the device: its new addresses are no longer noted.
   */
  arrivals?(): Promise<Arrival[]>;
  /**
   * Replaces the walled garden (addresses, subnets, host names reachable before login) and applies
   * it at once, host names resolved; the library settings page changes it live.
   */
  setWalledGarden?(entries: readonly string[]): Promise<void>;
  /** Periodic upkeep where the backend has some (re-resolving walled-garden host names). */
  refresh?(): Promise<void>;
  /** Waits for changes in flight; what the kernel enforces stays. */
  close(): Promise<void>;
}
