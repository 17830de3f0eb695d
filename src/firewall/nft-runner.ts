// Runs the `nft` command: one process per call, the script on stdin, errors that say what failed
// and how to fix it. Counts the processes it starts (the batching benchmark reads the count).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { redactString } from '../privacy/redact';

/** Something that runs nft; the nftables backend takes one so tests can run it in a namespace. */
export interface NftRunner {
  /** Runs `nft <args>` with `stdin`; resolves with stdout, rejects with an NftError. */
  run(args: string[], stdin?: string): Promise<string>;
  /** How many nft processes were started so far. */
  readonly processes: number;
  /** Ends what the runner keeps running (a long-lived nft); pending commands finish first. */
  close?(): Promise<void>;
}

/** A failed nft command: the command, the kernel's words, and (when known) how to fix it. */
export class NftError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly hint?: string,
  ) {
    super(`${command} failed: ${summarise(stderr)}${hint ? `\n${hint}` : ''}`);
    this.name = 'NftError';
  }
}

export const NFT_MISSING = 'nftables is not installed: install it with "apt-get install -y nftables", then start Threshold again.';
export const NO_NET_ADMIN =
  'Threshold needs the CAP_NET_ADMIN capability to manage its nftables table. Run it as the systemd unit in ' +
  'deploy/threshold.service (AmbientCapabilities=CAP_NET_ADMIN), or as root.';
export const INCOMPATIBLE_TABLE = (table: string) =>
  `the nftables table "inet ${table}" exists with a different layout (made by another version or by hand). ` +
  `Delete it with "nft delete table inet ${table}" and start Threshold again: sessions are restored from the store.`;

export interface SpawnRunnerOptions {
  /** Runs nft inside another command, e.g. ["ip", "netns", "exec", "gw"] for tests. */
  prefix?: readonly string[];
  /** The nft binary. */
  binary?: string;
  /** Gives up after this long. */
  timeoutMs?: number;
}

/** Runs nft as a child process. */
export class SpawnNftRunner implements NftRunner {
  private started = 0;
  constructor(private readonly opts: SpawnRunnerOptions = {}) {}

  get processes(): number {
    return this.started;
  }

  run(args: string[], stdin?: string): Promise<string> {
    const argv = [...(this.opts.prefix ?? []), this.opts.binary ?? 'nft', ...args];
    const command = `nft ${args.join(' ')}`;
    this.started++;
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.timeoutMs ?? 30_000);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new NftError(command, e.message, e.code === 'ENOENT' ? NFT_MISSING : undefined));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
        const said = stderr || `exited with ${signal ?? code}`;
        reject(new NftError(command, said, hintFor(said, this.opts.prefix)));
      });
      // EPIPE when nft dies early is reported by 'close' with its stderr.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? '');
    });
  }
}

export function hintFor(stderr: string, prefix?: readonly string[]): string | undefined {
  if (/Operation not permitted|you must be root/i.test(stderr)) return NO_NET_ADMIN;
  // `ip netns exec` or `env` report a missing binary on stderr with exit code 127/255.
  if (prefix?.length && /No such file or directory/.test(stderr) && /\bnft\b/.test(stderr) && !/Error:/.test(stderr)) return NFT_MISSING;
  return undefined;
}

/**
 * What the kernel said, without the echo of our own script: nft repeats the failing line,
 * which may hold a client's address, and this message can reach a log.
 */
function summarise(stderr: string): string {
  const raw = stderr.split('\n');
  const lines = raw.map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /Error:/.test(l)).map((l) => l.replace(/^\/dev\/stdin:[\d:-]+:\s*/, ''));
  const at = raw.findIndex((l, i) => /Error:/.test(raw[i - 1] ?? '') && l.trim() && !/Error:|^\s*\^/.test(l));
  const failing = at >= 0 ? statementAt(raw[at]!, raw[at + 1]) : undefined;
  const statement = failing ? ` (in "${redactString(failing).split(/\s+/).slice(0, 5).join(' ')} …")` : '';
  const said = errors.length ? [...new Set(errors)].slice(0, 3).join('; ') : lines.slice(0, 3).join('; ');
  return redactString(said) + statement;
}

/** The statement the carets under a line point at: a batch on one line holds many, joined by ";". */
function statementAt(line: string, carets?: string): string {
  const col = carets && /^\s*\^/.test(carets) ? carets.indexOf('^') : -1;
  if (col < 0 || !line.includes(';')) return line.trim();
  const start = line.lastIndexOf(';', col) + 1;
  const end = line.indexOf(';', col);
  return line.slice(start, end < 0 ? undefined : end).trim();
}

/** True when this process holds CAP_NET_ADMIN (bit 12 of the effective set). */
export function hasNetAdmin(statusFile = '/proc/self/status'): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(fs.readFileSync(statusFile, 'utf8'));
    return m ? (BigInt(`0x${m[1]}`) & (1n << 12n)) !== 0n : true;
  } catch {
    return true; // not Linux /proc: let nft itself say what is wrong
  }
}
