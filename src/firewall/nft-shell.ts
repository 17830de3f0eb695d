// One long-lived `nft -j -i` child that every firewall change and listing goes through, so a
// grant costs a line on a pipe instead of a process. Each batch is one input line (statements
// joined by ";"), which nft runs as one transaction; a `describe` line after it marks where its
// output ends, and an "Error:" before the mark is the batch's refusal.
import { spawn, type ChildProcess } from 'node:child_process';
import { hintFor, NFT_MISSING, NftError, SpawnNftRunner, type NftRunner } from './nft-runner';

/** An offline command (no netlink) whose output marks the end of the line before it. */
const MARKER = 'describe meta mark';
const COMMAND = 'nft -i';

/**
 * Longer batches go to a one-off `nft -f -`: nft's line editor reads its input a byte per
 * system call (about 1.7 µs a byte), which is nothing for a login's 150 bytes but 0.25 s for a
 * 1,000-client re-sync that a process applies in 30 ms.
 */
export const INLINE_LIMIT = 32 * 1024;

/**
 * nft -i keeps every line in its history, in memory: the child is replaced (between commands,
 * never during one) after this much input, about 14,000 grants.
 */
export const RECYCLE_BYTES = 2 * 1024 * 1024;

export interface NftShellOptions {
  /** Runs nft inside another command, e.g. ["ip", "netns", "exec", "gw"]. */
  prefix?: readonly string[];
  binary?: string;
  /** A command that prints nothing for this long is taken as hung: the child is killed. */
  timeoutMs?: number;
  inlineLimit?: number;
  recycleBytes?: number;
}

interface Job {
  /** The line for the shell, or undefined to run `args` in a process of its own. */
  line?: string;
  args: string[];
  stdin?: string;
  label: string;
  tries: number;
  resolve(out: string): void;
  reject(err: unknown): void;
}

interface Child {
  proc: ChildProcess;
  out: string;
  stderr: string;
  /** The marker's own output, learnt when the child starts. */
  mark?: string;
  written: number;
  ready: Promise<void>;
  exited: boolean;
  /** The shell could not find nft. */
  missing: boolean;
}

export class NftShell implements NftRunner {
  private readonly spawner: SpawnNftRunner;
  private child: Child | undefined;
  private readonly queue: Job[] = [];
  private busy = false;
  private spawned = 0;
  private restarts = 0;
  private closed = false;
  /** Called with the output so far whenever the current child prints. */
  private onOutput: (() => void) | undefined;

  constructor(private readonly o: NftShellOptions = {}) {
    this.spawner = new SpawnNftRunner({ prefix: o.prefix, binary: o.binary, timeoutMs: o.timeoutMs });
  }

  get processes(): number {
    return this.spawned + this.spawner.processes;
  }

  /** How many times a child died or hung and was replaced (recycling not counted). */
  get restarted(): number {
    return this.restarts;
  }

  /** The running child's process id (tests kill it to prove a restart). */
  get pid(): number | undefined {
    return this.child && !this.child.exited ? this.child.proc.pid : undefined;
  }

  run(args: string[], stdin?: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the nft channel is closed'));
    const line = this.lineFor(args, stdin);
    const label = line === undefined ? `nft ${args.join(' ')}` : COMMAND;
    return new Promise((resolve, reject) => {
      this.queue.push({ line, args, stdin, label, tries: 0, resolve, reject });
      void this.pump();
    });
  }

  /** Lets queued commands finish, then ends the child. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.busy || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    const c = this.child;
    this.child = undefined;
    if (c && !c.exited) {
      const gone = new Promise((r) => c.proc.once('close', r));
      // Held while it goes, so a caller awaiting close() is not left behind by a Node that exits.
      const hold = setInterval(() => undefined, 1000);
      c.proc.kill('SIGTERM');
      await gone.finally(() => clearInterval(hold));
    }
  }

  /** Scripts become one line of statements; what cannot (long, comments, continuations) is run apart. */
  private lineFor(args: string[], stdin?: string): string | undefined {
    let line: string | undefined;
    if (args.length === 2 && args[0] === '-f' && args[1] === '-' && stdin !== undefined) {
      const statements = stdin.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      if (statements.some((s) => s.includes('#') || s.endsWith('\\'))) return undefined;
      line = statements.join('; ');
    } else if (args[0] === '-j' && stdin === undefined) line = args.slice(1).join(' ');
    if (line === undefined || /[\r\n]/.test(line) || line.length > (this.o.inlineLimit ?? INLINE_LIMIT)) return undefined;
    return line;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) await this.runJob(job);
    } finally {
      this.busy = false;
    }
  }

  private async runJob(job: Job): Promise<void> {
    if (job.line === undefined) {
      await this.spawner.run(job.args, job.stdin).then(job.resolve, job.reject);
      return;
    }
    for (;;) {
      job.tries++;
      try {
        const out = await this.exchange(job.line);
        if (/(^|\n)[^\n]*Error: /.test(out)) job.reject(new NftError(job.label, out, hintFor(out)));
        else job.resolve(out);
        break;
      } catch (err) {
        // The child died or hung: every command here is idempotent (adds, delete pairs, lists),
        // so the next child runs it again; the kernel applied it whole or not at all.
        if (job.tries >= 2 || this.closed) {
          job.reject(err);
          break;
        }
        this.restarts++;
      }
    }
    if (this.child && this.child.written > (this.o.recycleBytes ?? RECYCLE_BYTES) && !this.queue.length) this.retire();
  }

  /** Writes one line and its marker; resolves with what the line printed. */
  private async exchange(line: string): Promise<string> {
    const c = this.child && !this.child.exited ? this.child : this.start();
    await c.ready;
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    return new Promise<string>((resolve, reject) => {
      const mark = c.mark!;
      const timer = setTimeout(() => {
        finish();
        c.proc.kill('SIGKILL');
        reject(new NftError(COMMAND, `no answer within ${timeoutMs / 1000} s; the nft child was killed`));
      }, timeoutMs);
      const check = () => {
        const at = c.out.indexOf(mark);
        if (at < 0 && c.exited) {
          finish();
          reject(this.deathError(c));
        }
        if (at < 0) return;
        finish();
        const out = c.out.slice(0, at);
        c.out = c.out.slice(at + mark.length);
        resolve(out);
      };
      const finish = () => {
        clearTimeout(timer);
        this.onOutput = undefined;
      };
      this.onOutput = check;
      c.written += line.length + MARKER.length + 2;
      c.proc.stdin!.write(`${line}\n${MARKER}\n`);
      check();
    });
  }

  private start(): Child {
    const argv = [...(this.o.prefix ?? []), 'sh', '-c', 'exec "$0" -j -i 2>&1', this.o.binary ?? 'nft'];
    this.spawned++;
    // HOME=/dev/null: nft -i loads and saves its history in $HOME/.nft.history; our lines hold
    // clients' addresses and must never reach a disk.
    const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: '/dev/null' } });
    const c: Child = { proc, out: '', stderr: '', written: 0, exited: false, missing: false, ready: Promise.resolve() };
    this.child = c;
    // The child must not keep Node alive on its own; a command in flight holds a timer that does.
    proc.unref();
    for (const s of [proc.stdin, proc.stdout, proc.stderr] as unknown as { unref?: () => void }[]) s?.unref?.();
    proc.stdin!.on('error', () => undefined); // EPIPE: reported by 'exit'
    proc.stderr!.on('data', (d: Buffer) => (c.stderr += d.toString('utf8')));
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      c.out += d;
      if (this.child === c) this.onOutput?.();
    });
    const exited = (code: number | null, signal: NodeJS.Signals | null, err?: NodeJS.ErrnoException) => {
      if (c.exited) return;
      c.exited = true;
      c.stderr ||= err ? err.message : '';
      c.stderr += code !== null || signal ? `${c.stderr ? '; ' : ''}exited with ${signal ?? code}` : '';
      c.missing = code === 127 || err?.code === 'ENOENT';
      if (this.child === c) this.onOutput?.();
    };
    // 'close', not 'exit': what the child printed before it went is read first.
    proc.once('close', (code, signal) => exited(code, signal));
    proc.once('error', (e: NodeJS.ErrnoException) => exited(null, null, e));
    c.ready = this.learnMark(c);
    return c;
  }

  /** The marker is sent twice; its output is the first half of what comes back. */
  private learnMark(c: Child): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onOutput = undefined;
        c.proc.kill('SIGKILL');
        reject(new NftError(COMMAND, 'nft -i did not answer when started'));
      }, this.o.timeoutMs ?? 30_000);
      this.onOutput = () => {
        const half = c.out.length / 2;
        const done = c.exited || (c.out.endsWith('\n') && Number.isInteger(half) && c.out.slice(0, half) === c.out.slice(half));
        if (!done) return;
        clearTimeout(timer);
        this.onOutput = undefined;
        if (c.exited) return reject(this.deathError(c));
        c.mark = c.out.slice(0, half);
        c.out = '';
        resolve();
      };
      c.proc.stdin!.write(`${MARKER}\n${MARKER}\n`);
    });
  }

  private deathError(c: Child): NftError {
    const said = `${c.out}${c.stderr}`.trim() || 'the nft child exited';
    return new NftError(COMMAND, said, c.missing ? NFT_MISSING : hintFor(said, this.o.prefix));
  }

  /** Replaces a child whose history has grown; only called between commands. */
  private retire(): void {
    const c = this.child;
    this.child = undefined;
    if (c && !c.exited) c.proc.kill('SIGTERM');
  }
}
