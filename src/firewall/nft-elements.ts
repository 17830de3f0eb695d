// Client elements in the nftables sets: the nft statements that let clients through or stop
// them (reading them back from `nft -j list table` is in nft-listing.ts).
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
