// Client elements in the nftables sets: the nft statements that let clients through or stop
// them, and the parsing of `nft -j list table` back into entries.
import { MACS_SET, SET, type Family } from './nft-template';

export interface Counter {
  packets: number;
  bytes: number;
}

export type ClientOp =
  | { kind: 'allow'; family: Family; ip: string; mac?: string; timeoutSeconds: number; counter?: Counter }
  | { kind: 'revoke'; family: Family; ip: string; mac?: string };

/**
 * How an allowed client's new timeout reaches the kernel. `update`: re-adding an element sets
 * its timeout and keeps its counter (newer kernels). `recreate`: older kernels ignore a re-add,
 * so the element is deleted and added again with its last known counter.
 */
export type UpdateMode = 'update' | 'recreate';

/**
 * The statements for a batch of changes, one client at most once. Deleting an element that is
 * not there fails the whole transaction, so every delete is preceded by an add of the same
 * element: the pair is a delete that cannot fail.
 */
export function elementsScript(table: string, ops: readonly ClientOp[], mode: UpdateMode): string {
  const ensure = new Grouped();
  const remove = new Grouped();
  const add = new Grouped();
  const drop = (set: string, el: string) => {
    ensure.push(set, `${el} timeout 1s`);
    remove.push(set, el);
  };
  for (const op of ops) {
    const f = op.family;
    if (op.kind === 'revoke' || mode === 'recreate') {
      drop(SET.allowed(f), op.ip);
      if (op.mac) drop(SET.pairs(f), `${op.ip} . ${op.mac}`);
    }
    // Unbind on revoke, and when a client is let through without a MAC.
    if (op.kind === 'revoke' || !op.mac || mode === 'recreate') drop(SET.bound(f), op.ip);
    // A revoke with the MAC ends the device: its new addresses are no longer noted.
    if (op.mac && (op.kind === 'revoke' || mode === 'recreate')) drop(MACS_SET, op.mac);
    if (op.kind !== 'allow') continue;
    const timeout = `timeout ${Math.max(1, Math.ceil(op.timeoutSeconds))}s`;
    const counter = mode === 'recreate' && op.counter ? `counter packets ${op.counter.packets} bytes ${op.counter.bytes} ` : '';
    add.push(SET.allowed(f), `${op.ip} ${counter}${timeout}`);
    if (op.mac) {
      add.push(SET.bound(f), `${op.ip} ${timeout}`);
      add.push(SET.pairs(f), `${op.ip} . ${op.mac} ${timeout}`);
      // Every address of a device has its session's time left: the last one written wins.
      add.push(MACS_SET, `${op.mac} ${timeout}`);
    }
  }
  const t = `inet ${table}`;
  return [...ensure.lines(`add element ${t}`), ...remove.lines(`delete element ${t}`), ...add.lines(`add element ${t}`)].join('\n') + '\n';
}

/** Elements per set, each once (a device's MAC comes with each of its addresses). */
class Grouped {
  private readonly bySet = new Map<string, Map<string, string>>();
  push(set: string, el: string): void {
    const list = this.bySet.get(set) ?? new Map<string, string>();
    // Keyed by the element without its timeout: the last timeout asked for wins.
    list.delete(el.replace(/ timeout \S+$/, ''));
    list.set(el.replace(/ timeout \S+$/, ''), el);
    this.bySet.set(set, list);
  }
  lines(verb: string): string[] {
    return [...this.bySet].map(([set, els]) => `${verb} ${set} { ${[...els.values()].join(', ')} }`);
  }
}

/** What the kernel holds for one allowed client. */
export interface KernelClient {
  ip: string;
  family: Family;
  expiresInSeconds: number;
  counter?: Counter;
  mac?: string;
}

interface NftElem {
  val?: unknown;
  expires?: number;
  timeout?: number;
  counter?: { packets?: number; bytes?: number };
}

/** Parses `nft -j list table inet <table>` into the allowed clients, with their MAC when bound. */
export function parseTableListing(json: string, normalise: (ip: string) => string): { clients: KernelClient[]; sets: string[] } {
  const doc = JSON.parse(json) as { nftables?: Record<string, unknown>[] };
  const sets = new Map<string, unknown[]>();
  for (const item of doc.nftables ?? []) {
    const set = item.set as { name?: string; elem?: unknown[] } | undefined;
    if (set?.name) sets.set(set.name, set.elem ?? []);
  }
  const clients: KernelClient[] = [];
  for (const f of [4, 6] as Family[]) {
    const macs = new Map<string, string>();
    for (const raw of sets.get(SET.pairs(f)) ?? []) {
      const e = elemOf(raw);
      const concat = (e.val as { concat?: unknown[] } | undefined)?.concat;
      if (Array.isArray(concat) && typeof concat[0] === 'string' && typeof concat[1] === 'string') {
        macs.set(normalise(concat[0]), concat[1].toLowerCase());
      }
    }
    const bound = new Set<string>();
    for (const raw of sets.get(SET.bound(f)) ?? []) {
      const e = elemOf(raw);
      if (typeof e.val === 'string') bound.add(normalise(e.val));
    }
    for (const raw of sets.get(SET.allowed(f)) ?? []) {
      const e = elemOf(raw);
      if (typeof e.val !== 'string') continue;
      const ip = normalise(e.val);
      const mac = bound.has(ip) ? macs.get(ip) : undefined;
      clients.push({
        ip,
        family: f,
        expiresInSeconds: e.expires ?? e.timeout ?? 0,
        ...(e.counter ? { counter: { packets: e.counter.packets ?? 0, bytes: e.counter.bytes ?? 0 } } : {}),
        ...(mac ? { mac } : {}),
      });
    }
  }
  return { clients, sets: [...sets.keys()] };
}

/** Parses `nft -j list set` of an arrivals set into address + MAC pairs. */
export function parseArrivals(json: string, normalise: (ip: string) => string): { ip: string; mac: string }[] {
  const doc = JSON.parse(json) as { nftables?: Record<string, unknown>[] };
  const out: { ip: string; mac: string }[] = [];
  for (const item of doc.nftables ?? []) {
    const set = item.set as { elem?: unknown[] } | undefined;
    for (const raw of set?.elem ?? []) {
      const concat = (elemOf(raw).val as { concat?: unknown[] } | undefined)?.concat;
      if (Array.isArray(concat) && typeof concat[0] === 'string' && typeof concat[1] === 'string') {
        out.push({ ip: normalise(concat[0]), mac: concat[1].toLowerCase() });
      }
    }
  }
  return out;
}

function elemOf(raw: unknown): NftElem {
  if (raw && typeof raw === 'object' && 'elem' in raw) return (raw as { elem: NftElem }).elem;
  return { val: raw };
}
