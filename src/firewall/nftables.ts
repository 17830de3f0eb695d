// The nftables firewall: Threshold's own table `inet threshold`, clients let through in sets
// whose element timeouts are the time left (the kernel ends access even if Threshold is down),
// per-element counters for idle time and data allowances, changes batched through one
// long-lived `nft -i` (nft-shell.ts).
import fs from 'node:fs';
import ipaddr from 'ipaddr.js';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import { Batcher } from './nft-batcher';
import { elementsScript, type ClientOp, type Counter, type UpdateMode } from './nft-elements';
import { parseAllowedAddresses, parseArrivals, parseTableListing, type KernelClient } from './nft-listing';
import { forEachChunk } from '../jobs/chunks';
import { hasNetAdmin, INCOMPATIBLE_TABLE, NftError, NO_NET_ADMIN, type NftRunner } from './nft-runner';
import { NftShell } from './nft-shell';
import { gardenScript, SET, templateScript, type ZoneCap } from './nft-template';
import { resolveGarden, systemResolve, type Resolve } from './walled-garden';
import type { Arrival, Firewall, FirewallClient, FirewallEntry, HeldAddresses } from './types';

export interface NftablesOptions {
  logger: Logger;
  clock: Clock;
  portalPort: number;
  portalHttpsPort?: number;
  /** The interfaces patrons are on (at least one). */
  lanInterfaces: readonly string[];
  /** Addresses, subnets and host names reachable before login (the portal's host included). */
  walledGarden?: readonly string[];
  /** Per-zone, per-client bandwidth caps. */
  caps?: readonly ZoneCap[];
  /** The table's name in the inet family. */
  table?: string;
  /** Runs nft; by default one long-lived `nft -i` child, inside `prefix` when given. */
  runner?: NftRunner;
  /** e.g. ["ip", "netns", "exec", "gw"]: run every nft inside a network namespace. */
  prefix?: readonly string[];
  resolve?: Resolve;
  /** How long a change waits for others to share its batch (default: none, see nft-batcher.ts). */
  batchWindowMs?: number;
  /** Force how timeouts are updated instead of detecting what the kernel does. */
  updateMode?: UpdateMode;
}

const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
const PROBE_SET = 'timeout_probe';
const PROBE_ADDR = '192.0.2.1';

export class NftablesFirewall implements Firewall {
  readonly name = 'nftables';
  readonly table: string;
  private readonly runner: NftRunner;
  private readonly batcher: Batcher<ClientOp>;
  private mode: UpdateMode = 'update';
  /** Last counters seen, carried over when an element must be re-created (older kernels). */
  private counters = new Map<string, Counter>();
  private garden = '';
  private gardenEntries: readonly string[];

  constructor(private readonly o: NftablesOptions) {
    if (!o.lanInterfaces.length) throw new Error('the nftables firewall needs the LAN interfaces patrons are on: set LAN_INTERFACES, e.g. "wlan0,eth1"');
    this.table = o.table ?? 'threshold';
    this.gardenEntries = o.walledGarden ?? [];
    this.runner = o.runner ?? new NftShell({ prefix: o.prefix });
    this.batcher = new Batcher<ClientOp>({ apply: (ops) => this.apply(ops), windowMs: o.batchWindowMs });
  }

  /** How this kernel takes new timeouts for existing elements (known after init). */
  get updateMode(): UpdateMode {
    return this.mode;
  }

  /** nft processes started so far (the long-lived child, and one-offs for very large batches). */
  get nftProcesses(): number {
    return this.runner.processes;
  }

  async init(): Promise<void> {
    if (!this.o.prefix && !this.o.runner && !hasNetAdmin()) throw new Error(NO_NET_ADMIN);
    this.warnAboutHost();
    await this.applyTemplate(this.o.updateMode ? '' : this.probeScript(1000));
    this.mode = this.o.updateMode ?? (await this.detectUpdateMode());
    const kept = await this.list();
    this.o.logger.info(
      { firewall: this.name, table: `inet ${this.table}`, kept: kept.length, timeoutUpdate: this.mode },
      `firewall ready: nftables table inet ${this.table}, ${kept.length} client(s) still let through by the kernel`,
    );
  }

  async allow(clients: FirewallClient[]): Promise<void> {
    const ops = clients.map((c): ClientOp => {
      const { ip, family, mac } = checked(c);
      return { kind: 'allow', family, ip, ...(mac ? { mac } : {}), timeoutSeconds: c.timeoutSeconds, counter: this.counters.get(ip) };
    });
    await this.batcher.submit(ops.map((op) => ({ key: op.ip, op })));
  }

  async revoke(clients: Pick<FirewallClient, 'ip' | 'mac'>[]): Promise<void> {
    const ops = clients.map((c): ClientOp => ({ kind: 'revoke', ...checked(c) }));
    await this.batcher.submit(ops.map((op) => ({ key: op.ip, op })));
  }

  async list(): Promise<FirewallEntry[]> {
    let clients: KernelClient[];
    try {
      ({ clients } = await this.listKernel());
    } catch (err) {
      await this.recreateIfDeleted(err);
      return [];
    }
    const counters = new Map<string, Counter>();
    const out: FirewallEntry[] = [];
    // In chunks: 100,000 clients are too many for one go of the event loop.
    await forEachChunk(clients, (chunk) => {
      for (const c of chunk) {
        if (c.counter) counters.set(c.ip, c.counter);
        out.push({ ip: c.ip, ...(c.mac ? { mac: c.mac } : {}), expiresInSeconds: c.expiresInSeconds, ...(c.counter ? { bytes: c.counter.bytes } : {}) });
      }
    });
    this.counters = counters;
    return out;
  }

  /** Lists the two allowed sets alone: no pairs, bound sets, counters or entries are built. */
  async heldAddresses(): Promise<HeldAddresses> {
    const normalise = (ip: string) => ipaddr.parse(ip).toString();
    const held = new Set<string>();
    try {
      for (const f of [4, 6] as const) {
        await parseAllowedAddresses(await this.runner.run(['-j', 'list', 'set', 'inet', this.table, SET.allowed(f)]), normalise, held);
      }
    } catch (err) {
      await this.recreateIfDeleted(err);
      return new Set();
    }
    return held;
  }

  /**
   * Something deleted the table (a host firewall reload with "flush ruleset"): puts it back, and
   * the session service lets its sessions through again. Any other error is thrown on.
   */
  private async recreateIfDeleted(err: unknown): Promise<void> {
    if (!(err instanceof NftError && /No such file or directory/.test(err.stderr))) throw err;
    this.o.logger.error({ table: `inet ${this.table}` }, `nftables table inet ${this.table} was deleted by something else; re-created it (do not use "flush ruleset" in /etc/nftables.conf)`);
    await this.applyTemplate('');
  }

  /** The new addresses the kernel noted from devices let through (two small sets, read whole). */
  async arrivals(): Promise<Arrival[]> {
    const normalise = (ip: string) => ipaddr.parse(ip).toString();
    const out: Arrival[] = [];
    try {
      for (const f of [4, 6] as const) {
        out.push(...parseArrivals(await this.runner.run(['-j', 'list', 'set', 'inet', this.table, SET.arrivals(f)]), normalise));
      }
    } catch (err) {
      // The table is gone (a host firewall reload): list() puts it back; nothing to learn until then.
      if (err instanceof NftError && /No such file or directory/.test(err.stderr)) return [];
      throw err;
    }
    return out;
  }

  async setWalledGarden(entries: readonly string[]): Promise<void> {
    this.gardenEntries = [...entries];
    await this.refresh();
  }

  /** Resolves the walled garden's host names again and applies any change. */
  async refresh(): Promise<void> {
    const before = this.garden;
    const script = await this.resolveGarden();
    if (script !== before) await this.runner.run(['-f', '-'], script);
  }

  /** Waits for changes in flight, then ends the nft child. The table stays: the kernel keeps enforcing the timeouts. */
  async close(): Promise<void> {
    await this.batcher.drain();
    await this.runner.close?.();
  }

  private async applyTemplate(extra: string): Promise<void> {
    const garden = await this.resolveGarden();
    const template = templateScript({ table: this.table, lanInterfaces: this.o.lanInterfaces, portalPort: this.o.portalPort, portalHttpsPort: this.o.portalHttpsPort, caps: this.o.caps ?? [] });
    try {
      await this.runner.run(['-f', '-'], template + garden + extra);
    } catch (err) {
      if (err instanceof NftError && /File exists|Device or resource busy/.test(err.stderr)) {
        throw new NftError(err.command, err.stderr, INCOMPATIBLE_TABLE(this.table));
      }
      throw err;
    }
  }

  private async apply(ops: ClientOp[]): Promise<void> {
    await this.runner.run(['-f', '-'], elementsScript(this.table, ops, this.mode));
  }

  private async listKernel(): Promise<{ clients: KernelClient[]; sets: string[] }> {
    const json = await this.runner.run(['-j', 'list', 'table', 'inet', this.table]);
    return parseTableListing(json, (ip) => ipaddr.parse(ip).toString());
  }

  private async resolveGarden(): Promise<string> {
    const garden = await resolveGarden(this.gardenEntries, this.o.resolve ?? systemResolve);
    if (garden.unresolved.length) {
      this.o.logger.warn({ hosts: garden.unresolved }, 'walled garden: some host names did not resolve; they are left out until they do');
    }
    this.garden = gardenScript(this.table, garden);
    return this.garden;
  }

  /**
   * Newer kernels update an element's timeout when it is added again (keeping its counter);
   * older ones ignore the add. Find out which, on a scratch set.
   */
  private async detectUpdateMode(): Promise<UpdateMode> {
    await this.runner.run(['-f', '-'], `add element inet ${this.table} ${PROBE_SET} { ${PROBE_ADDR} timeout 2000s }\n`);
    const json = await this.runner.run(['-j', 'list', 'set', 'inet', this.table, PROBE_SET]);
    await this.runner.run(['-f', '-'], `delete set inet ${this.table} ${PROBE_SET}\n`);
    return /"timeout":\s*2000\b/.test(json) ? 'update' : 'recreate';
  }

  private probeScript(seconds: number): string {
    const t = `inet ${this.table}`;
    return `add set ${t} ${PROBE_SET} { type ipv4_addr; flags timeout; }\nflush set ${t} ${PROBE_SET}\nadd element ${t} ${PROBE_SET} { ${PROBE_ADDR} timeout ${seconds}s }\n`;
  }

  /** Things that make the gateway not work although Threshold does: worth a warning at start. */
  private warnAboutHost(): void {
    if (this.o.prefix || this.o.runner) return;
    const read = (f: string) => {
      try {
        return fs.readFileSync(f, 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    if (read('/proc/sys/net/ipv4/ip_forward') === '0') {
      this.o.logger.warn('IPv4 forwarding is off, so clients let through still cannot reach the internet: set net.ipv4.ip_forward=1 (see docs/install.md)');
    }
    for (const dev of this.o.lanInterfaces) {
      if (!fs.existsSync(`/sys/class/net/${dev}`)) this.o.logger.warn({ interface: dev }, `LAN interface "${dev}" does not exist (yet): check LAN_INTERFACES`);
    }
  }
}

function checked(c: Pick<FirewallClient, 'ip' | 'mac'>): { ip: string; family: 4 | 6; mac?: string } {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(c.ip);
  } catch {
    // The value itself is not repeated: it may be a client's address and errors reach logs.
    throw new Error('nftables firewall: a client address is not a valid IPv4 or IPv6 address');
  }
  const mac = c.mac?.toLowerCase();
  if (mac !== undefined && !MAC.test(mac)) throw new Error('nftables firewall: a client MAC address is not six colon-separated hex bytes');
  return { ip: addr.toString(), family: addr.kind() === 'ipv6' ? 6 : 4, ...(mac ? { mac } : {}) };
}
