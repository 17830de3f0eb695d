// Running the library's local hooks (log out, wipe, lock, restart …): a program and its arguments,
// no shell, a time limit. Their output is not kept or sent anywhere: a wipe script's output
// could name a patron's files.
import { spawn } from 'node:child_process';
import type { Outcome } from '../workstations/protocol';

/** Runs one hook; tests give their own. */
export interface HookRunner {
  /** Resolves with how it went; never rejects. */
  run(argv: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<Outcome>;
}

export const processHookRunner: HookRunner = {
  run(argv, env, timeoutMs) {
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const done = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore', windowsHide: true });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done({ ok: false, reason: 'timeout' });
      }, timeoutMs);
      child.once('error', () => done({ ok: false, reason: 'spawn-failed' }));
      child.once('exit', (code, signal) => {
        if (code === 0) done({ ok: true });
        // Windows exit codes can be 32-bit: anything outside -255…255 is sent as 255.
        const exitCode = code === null ? (signal ? -1 : undefined) : Math.abs(code) <= 255 ? code : 255;
        done({ ok: false, reason: 'exit-code', ...(exitCode !== undefined && { exitCode }) });
      });
    });
  },
};
