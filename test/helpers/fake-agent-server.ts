// In-memory stand-ins for the agent's surroundings: an agent API that can go down, hooks that
// record their calls, and a systeminformation that knows far more than the agent may say.
import type { AgentHttp, AgentResponse } from '../../src/agent/transport';
import type { HookRunner } from '../../src/agent/hooks';
import type { SystemInfoSource } from '../../src/agent/metrics';
import { AGENT_API_BASE, type DeliveredCommand, type HealthReport, type Outcome, type SessionState } from '../../src/workstations/protocol';

export interface SeenRequest {
  method: string;
  path: string;
  body: unknown;
  token?: string;
}

/** The agent API, as far as the agent can tell: answers, refuses, or is unreachable. */
export class FakeAgentServer implements AgentHttp {
  down = false;
  /** Forces this status on every request to a path (e.g. 503, 400). */
  failWith = new Map<string, number>();
  readonly requests: SeenRequest[] = [];
  readonly reports: HealthReport[] = [];
  readonly acks: { id: string; outcome: Outcome }[] = [];
  readonly wipes: Outcome[] = [];
  session: SessionState = { live: false };
  /** Pending commands: delivered with every heartbeat and poll until acknowledged. */
  commands: DeliveredCommand[] = [];

  async request(method: 'GET' | 'POST', path: string, opts: { body?: unknown; token?: string } = {}): Promise<AgentResponse> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    this.requests.push({ method, path, body: opts.body, ...(opts.token && { token: opts.token }) });
    const route = path.startsWith(AGENT_API_BASE) ? path.slice(AGENT_API_BASE.length) : path;
    const forced = this.failWith.get(route.replace(/^\/commands\/[^/]+/, '/commands'));
    if (forced) return { status: forced, body: { error: { code: 'x', message: `forced ${forced}` } } };
    if (route === '/heartbeat') {
      const reports = (opts.body as { reports: HealthReport[] }).reports;
      this.reports.push(...reports);
      return { status: 200, body: { accepted: reports.length, commands: this.commands } };
    }
    if (route === '/session') return { status: 200, body: { session: this.session, commands: this.commands } };
    const ack = /^\/commands\/([^/]+)\/ack$/.exec(route);
    if (ack) {
      const id = decodeURIComponent(ack[1]!);
      this.acks.push({ id, outcome: opts.body as Outcome });
      this.commands = this.commands.filter((c) => c.id !== id);
      return { status: 204, body: undefined };
    }
    if (route === '/wipe') {
      this.wipes.push(opts.body as Outcome);
      return { status: 204, body: undefined };
    }
    return { status: 302, body: undefined };
  }

  close(): void {}
}

export interface HookCall {
  program: string;
  env: Record<string, string>;
}

/** Hooks that record what was asked of them; `outcome` decides how each goes. */
export class FakeHooks implements HookRunner {
  readonly calls: HookCall[] = [];
  outcome: (program: string) => Outcome = () => ({ ok: true });
  async run(argv: readonly string[], env: Record<string, string>): Promise<Outcome> {
    this.calls.push({ program: argv[0]!, env });
    return this.outcome(argv[0]!);
  }
  named(program: string): HookCall[] {
    return this.calls.filter((c) => c.program === program);
  }
}

/** Things a machine knows that must never leave it. */
export const MACHINE_SECRETS = ['FRONT-DESK-7', 'front-desk-7.branch.library.example', 'alice', 'a4:5e:60:d1:22:9f', '10.20.0.7', 'SN-88123', 'chrome.exe'];

/**
 * A systeminformation that answers with everything it knows, as the real one does.
 * `forbiddenCalls` lists calls the agent must never make, if it made them.
 */
export function nosySystemInfo(over: Partial<SystemInfoSource> = {}): SystemInfoSource & { forbiddenCalls: string[] } {
  const forbidden: string[] = [];
  return {
    currentLoad: async () => ({ currentLoad: 37.26, avgLoad: 0.4, cpus: [{ load: 37 }] }),
    mem: async () => ({ total: 8_000_000_000, available: 5_000_000_000, free: 1, used: 2, active: 3 }),
    fsSize: async () => [
      { fs: '/dev/sdb1', mount: '/media/alice/USB', size: 16e9, available: 1e9, type: 'vfat' },
      { fs: '/dev/sda1', mount: '/', size: 256e9, available: 100e9, type: 'ext4' },
    ],
    time: () => ({ uptime: 7200.4, current: Date.now(), timezone: 'UTC', timezoneName: 'UTC' }),
    osInfo: async () => ({
      platform: 'linux', distro: 'Debian GNU/Linux', release: '12', hostname: 'FRONT-DESK-7', fqdn: 'front-desk-7.branch.library.example',
      serial: 'SN-88123', kernel: '6.1.0', arch: 'x64', codename: 'bookworm', logofile: 'debian', build: '', servicepack: '', uefi: true,
    }),
    networkStats: async () => [{ iface: 'eth0', operstate: 'up', rx_bytes: 81_234_567, tx_bytes: 2_345_678, ms: 1000 }],
    networkInterfaces: async () => forbidden.push('networkInterfaces') && [{ iface: 'eth0', ip4: '10.20.0.7', mac: 'a4:5e:60:d1:22:9f' }],
    // What the real module also offers and the agent must never ask for.
    users: async () => forbidden.push('users') && [{ user: 'alice', tty: 'tty1' }],
    processes: async () => forbidden.push('processes') && { list: [{ name: 'chrome.exe', command: 'chrome.exe https://example.org' }] },
    forbiddenCalls: forbidden,
    ...over,
  } as SystemInfoSource & { forbiddenCalls: string[] };
}
