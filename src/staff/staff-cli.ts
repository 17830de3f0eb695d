// `threshold staff …`: add an account, reset a password, list accounts — against the configured
// store, safe while the server runs (SQLite in WAL mode with a busy timeout, or Redis).
import type { Command } from 'commander';
import type { Config } from '../config/schema';
import { systemClock, type Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';
import { cryptoRandom } from '../privacy/random';
import type { StaffRole } from '../store/staff-types';
import type { Store } from '../store/types';
import type { AccountService } from './account-service';
import { readNewPassword } from './tty-password';

/** What the commands read and write; tests give their own. */
export interface StaffCliIo {
  readPassword(): Promise<string>;
  out(line: string): void;
}

// The store and the account service are loaded when a staff command runs, not when the CLI
// starts: `threshold agent run` on a public PC shares this CLI and never needs them.
function accountsFor(store: Store, config: Config, clock: Clock): AccountService {
  const { AuditLog } = require('./audit-log') as typeof import('./audit-log');
  const { AccountService } = require('./account-service') as typeof import('./account-service');
  const audit = new AuditLog({ store, clock, random: cryptoRandom, retentionDays: config.auditRetentionDays });
  return new AccountService({ store, clock, audit });
}

/** Opens the configured store, runs `fn`, closes it; a form problem becomes its plain message. */
async function withAccounts<T>(config: Config, fn: (accounts: AccountService) => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const { createStore } = require('../store/registry') as typeof import('../store/registry');
  const store = createStore(config, { clock });
  await store.init();
  try {
    return await fn(accountsFor(store, config, clock));
  } catch (err) {
    if (err instanceof DomainError) throw new Error(err.message, { cause: err });
    throw err;
  } finally {
    await store.close();
  }
}

export async function addStaff(config: Config, username: string, role: string, io: StaffCliIo): Promise<void> {
  if (role !== 'admin' && role !== 'staff') throw new Error(`--role must be "admin" or "staff", not "${role}".`);
  const password = await io.readPassword();
  await withAccounts(config, (a) => a.add('cli', username, role as StaffRole, password));
  io.out(`Added ${role} account "${username}". Sign in at http://${config.staffHost}:${config.staffPort}/staff`);
}

export async function resetStaffPassword(config: Config, username: string, io: StaffCliIo): Promise<void> {
  await withAccounts(config, async (a) => {
    if (!(await a.get(username))) throw new Error(`There is no account named "${username}".`);
    await a.resetPassword('cli', username, await io.readPassword());
  });
  io.out(`New password set for "${username}"; its console sessions were ended.`);
}

export async function listStaff(config: Config, io: StaffCliIo): Promise<void> {
  const accounts = await withAccounts(config, (a) => a.list());
  if (accounts.length === 0) io.out('No staff accounts yet. Add one with: threshold staff add <name> --role admin');
  for (const a of accounts) io.out(`${a.username}\t${a.role}`);
}

/** Adds `staff add`, `staff reset-password` and `staff list` to the program. */
export function registerStaffCommands(program: Command, loadConfig: () => Config, io?: StaffCliIo): void {
  const cliIo: StaffCliIo = io ?? { readPassword: () => readNewPassword(), out: (l) => console.log(l) };
  const staff = program.command('staff').description('staff console accounts');
  staff
    .command('add')
    .argument('<username>', 'lower-case letters, digits, dots, dashes or underscores')
    .option('--role <role>', 'admin or staff', 'staff')
    .description('add a staff account; the password is asked for (or read from stdin when piped)')
    .action((username: string, opts: { role: string }) => addStaff(loadConfig(), username, opts.role, cliIo));
  staff
    .command('reset-password')
    .argument('<username>')
    .description('set a new password (asked for, or read from stdin) and end the account\'s sessions')
    .action((username: string) => resetStaffPassword(loadConfig(), username, cliIo));
  staff
    .command('list')
    .description('list staff accounts and their roles')
    .action(() => listStaff(loadConfig(), cliIo));
}
