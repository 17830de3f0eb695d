// Reading `nft -j list table inet <table>` back into the allowed clients, without holding the
// event loop: at 100,000 clients the listing is tens of MB, and one JSON.parse of it, or one loop
// normalising every address, would freeze the gateway for far longer than the 20 ms allowed.
// The listing is cut into its sets' element arrays by a scanner that only looks at the JSON's
// structure, the elements are parsed a batch at a time, and the work yields between slices.
import { SLICE_MS, Slicer, type Pace } from '../jobs/chunks';
import type { Counter } from './nft-elements';
import { SET, type Family } from './nft-template';

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

/** A dotted quad as ipaddr.js prints it: no leading zero, each part 0–255. */
const CANONICAL_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** Items handled between two looks at the clock. */
const STEP = 256;
/** Stands in the skeleton for an element array cut out of the listing (never a valid element). */
const CUT = '\u0000elems:';
/** CUT as written in JSON. */
const CUT_JSON = '\\u0000elems:';

/** Parses the listing into the allowed clients, with their MAC when bound; yields as it goes. */
export async function parseTableListing(json: string, normalise: (ip: string) => string, pace: Pace = {}): Promise<{ clients: KernelClient[]; sets: string[] }> {
  const slicer = new Slicer(pace.sliceMs ?? SLICE_MS, pace.now, pace.pause);
  // nft prints IPv4 in canonical form: those skip `normalise` (an address parse, and garbage, each).
  const norm = (ip: string) => (CANONICAL_V4.test(ip) ? ip : normalise(ip));
  const clients: KernelClient[] = [];
  const macs = new Map<string, string>();
  const bound = new Set<string>();
  // Each element is turned into what is kept of it as it is read: the parsed listing is never held whole.
  const handlers = new Map<string, (raw: unknown) => void>();
  for (const f of [4, 6] as Family[]) {
    handlers.set(SET.pairs(f), (raw) => {
      const concat = (elemOf(raw).val as { concat?: unknown[] } | undefined)?.concat;
      if (Array.isArray(concat) && typeof concat[0] === 'string' && typeof concat[1] === 'string') macs.set(norm(concat[0]), concat[1].toLowerCase());
    });
    handlers.set(SET.bound(f), (raw) => {
      const e = elemOf(raw);
      if (typeof e.val === 'string') bound.add(norm(e.val));
    });
    handlers.set(SET.allowed(f), (raw) => {
      const e = elemOf(raw);
      if (typeof e.val !== 'string') return;
      clients.push({
        ip: norm(e.val),
        family: f,
        expiresInSeconds: e.expires ?? e.timeout ?? 0,
        ...(e.counter ? { counter: { packets: e.counter.packets ?? 0, bytes: e.counter.bytes ?? 0 } } : {}),
      });
    });
  }
  const sets = await readSets(json, slicer, (name) => handlers.get(name));
  // An address is bound to the MAC of its pair only while it is in the bound set.
  for (const [i, c] of clients.entries()) {
    const mac = bound.has(c.ip) ? macs.get(c.ip) : undefined;
    if (mac) c.mac = mac;
    if (i % STEP === 0) await slicer.maybeYield();
  }
  return { clients, sets };
}

/** Adds to `held` the addresses of the allowed sets in a listing (nothing else is kept); yields as it goes. */
export async function parseAllowedAddresses(json: string, normalise: (ip: string) => string, held: Set<string>, pace: Pace = {}): Promise<void> {
  const slicer = new Slicer(pace.sliceMs ?? SLICE_MS, pace.now, pace.pause);
  const handlers = new Map<string, Handler>();
  for (const f of [4, 6] as Family[]) {
    handlers.set(SET.allowed(f), (raw) => {
      const { val } = elemOf(raw);
      if (typeof val === 'string') held.add(CANONICAL_V4.test(val) ? val : normalise(val));
    });
  }
  await readSets(json, slicer, (name) => handlers.get(name));
}

function elemOf(raw: unknown): NftElem {
  if (raw && typeof raw === 'object' && 'elem' in raw) return (raw as { elem: NftElem }).elem;
  return { val: raw };
}

type Handler = (raw: unknown) => void;

/**
 * Reads every set's elements through its handler (`handlerOf` its name; a set without one is
 * skipped) and returns the sets' names in order. Every `"elem": [...]` array is cut out and
 * read a batch of elements at a time; what is left (tables, chains, set headers) is small and
 * parsed in one go. `"elem":` cannot occur inside a JSON string (its quote would be escaped),
 * so finding it outside strings is enough.
 */
async function readSets(json: string, slicer: Slicer, handlerOf: (set: string) => Handler | undefined): Promise<string[]> {
  // Arrays whose set was not named before them (nft names it first): kept until the skeleton says.
  const kept = new Map<number, unknown[]>();
  let skeleton = '';
  let copied = 0;
  let cut = 0;
  for (let at = json.indexOf('"elem"'); at >= 0; at = json.indexOf('"elem"', at)) {
    const open = skipSpace(json, skipSpace(json, at + 6) + 1);
    if (json[at - 1] === '\\' || json[skipSpace(json, at + 6)] !== ':' || json[open] !== '[') {
      at += 6;
      continue;
    }
    const name = setNameBefore(json, at);
    const handler = name === undefined ? undefined : handlerOf(name);
    const keep: unknown[] = [];
    const close = await readArray(json, open, name === undefined ? (e) => keep.push(e) : handler, slicer);
    if (name === undefined) kept.set(cut, keep);
    skeleton += `${json.slice(copied, open)}"${CUT_JSON}${cut++}"`;
    copied = close + 1;
    at = copied;
  }
  skeleton += json.slice(copied);
  const doc = JSON.parse(skeleton) as { nftables?: Record<string, unknown>[] };
  const names: string[] = [];
  for (const item of doc.nftables ?? []) {
    const set = item.set as { name?: string; elem?: unknown } | undefined;
    if (!set?.name) continue;
    names.push(set.name);
    const handler = handlerOf(set.name);
    const elem = set.elem;
    const elements = typeof elem === 'string' && elem.startsWith(CUT) ? kept.get(Number(elem.slice(CUT.length))) : Array.isArray(elem) ? elem : undefined;
    if (!handler || !elements) continue;
    for (const [i, e] of elements.entries()) {
      handler(e);
      if (i % STEP === 0) await slicer.maybeYield();
    }
  }
  return names;
}

/** The name of the set whose `"elem"` key is at `at`: its `"name"`, which nft prints before the elements. */
function setNameBefore(json: string, at: number): string | undefined {
  const key = json.lastIndexOf('"name"', at);
  const set = json.lastIndexOf('"set"', at);
  if (key < 0 || key < set) return undefined;
  const colon = skipSpace(json, key + 6);
  const quote = skipSpace(json, colon + 1);
  if (json[colon] !== ':' || json[quote] !== '"') return undefined;
  const value: unknown = JSON.parse(json.slice(quote, endOfString(json, quote)));
  return typeof value === 'string' ? value : undefined;
}

const [QUOTE, COMMA, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = ['"', ',', '{', '}', '[', ']'].map((c) => c.charCodeAt(0));

/**
 * Reads the array opening at `open`, each element through `handle` (none: skipped), parsing
 * the elements STEP at a time; returns the index of its closing bracket.
 */
async function readArray(json: string, open: number, handle: Handler | undefined, slicer: Slicer): Promise<number> {
  let depth = 0;
  let batchFrom = open + 1;
  let steps = 0;
  const flush = async (to: number) => {
    const text = json.slice(batchFrom, to);
    batchFrom = to + 1;
    if (!handle || !text.trim()) return;
    const batch = JSON.parse(`[${text}]`) as unknown[];
    for (const e of batch) handle(e);
  };
  // Character codes, not a regex: a match object per token would be garbage to collect.
  for (let i = open + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) i = endOfString(json, i) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === COMMA && depth === 0 && ++steps % STEP === 0) {
      // A batch of STEP elements: the scan is far quicker than the parse, so batches are counted.
      await flush(i);
      await slicer.maybeYield();
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) {
        await flush(i);
        return i;
      }
      depth--;
    }
  }
  throw new SyntaxError('nft listing: an element array is not closed');
}

/** The index just past the string whose opening quote is at `from`. */
function endOfString(json: string, from: number): number {
  for (let i = json.indexOf('"', from + 1); i >= 0; i = json.indexOf('"', i + 1)) {
    let slashes = 0;
    while (json.charCodeAt(i - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return i + 1;
  }
  throw new SyntaxError('nft listing: a string is not closed');
}

function skipSpace(json: string, i: number): number {
  while (i < json.length && /\s/.test(json[i]!)) i++;
  return i;
}

/** Parses `nft -j list set` of an arrivals set (at most a few thousand entries) into address + MAC pairs. */
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
