// Network namespaces for root-only tests: random names so concurrent runs never collide, and a
// clean-up that removes everything made (the veths and nftables tables go with their namespace).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';

export const IP_MISSING = 'ip (iproute2) is missing: install it with "apt-get install -y iproute2"';

/** Fails early, saying what to do, when the tests cannot make namespaces here. */
export function requireNetnsSupport(): void {
  if (process.getuid?.() !== 0) throw new Error('these tests need root (network namespaces and nftables): run "sudo npm run test:e2e"');
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error(IP_MISSING);
  }
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('nft is missing: install it with "apt-get install -y nftables"');
  }
}

/** A short random suffix: interface names have at most 15 characters. */
export function suffix(): string {
  return crypto.randomBytes(3).toString('hex');
}

export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export class Netns {
  readonly name: string;
  constructor(role: string, tag: string) {
    this.name = `thr-${role}-${tag}`;
    sh('ip', ['netns', 'add', this.name]);
    this.exec('ip', ['link', 'set', 'lo', 'up']);
  }

  /** The prefix that runs a command inside this namespace. */
  get prefix(): string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  exec(cmd: string, args: string[], input?: string): string {
    return sh('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }

  spawn(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  delete(): void {
    try {
      sh('ip', ['netns', 'del', this.name]);
    } catch {
      // already gone
    }
  }
}

/** Joins two namespaces with a veth pair and gives each end its addresses. */
export function link(a: Netns, aDev: string, aAddrs: string[], b: Netns, bDev: string, bAddrs: string[]): void {
  sh('ip', ['link', 'add', aDev, 'netns', a.name, 'type', 'veth', 'peer', 'name', bDev, 'netns', b.name]);
  for (const [ns, dev, addrs] of [[a, aDev, aAddrs], [b, bDev, bAddrs]] as const) {
    // No duplicate address detection: the addresses are usable at once.
    ns.exec('sysctl', ['-qw', `net.ipv6.conf.${dev}.accept_dad=0`]);
    for (const addr of addrs) ns.exec('ip', ['addr', 'add', addr, 'dev', dev, ...(addr.includes(':') ? ['nodad'] : [])]);
    ns.exec('ip', ['link', 'set', dev, 'up']);
  }
}
