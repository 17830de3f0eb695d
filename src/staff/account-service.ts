// Staff accounts: adding, resetting passwords, removing, and signing in with a temporary
// lockout after repeated failures. Used by the console, the first-run setup page and the CLI.
import type { Clock } from '../domain/clock';
import { DomainError, invalidInput, notFound } from '../domain/errors';
import type { StaffAccount, StaffRole } from '../store/staff-types';
import type { Store } from '../store/types';
import type { AuditLog } from './audit-log';
import { hashPassword, passwordProblem, usernameProblem, verifyPassword } from './passwords';

/** Failed sign-ins for one account within the window that lock it. */
export const LOCKOUT_FAILURES = 5;
/** How long failures are remembered, and how long a locked account stays locked after the last one. */
export const LOCKOUT_MS = 15 * 60_000;

export type SignInResult =
  | { ok: true; account: StaffAccount }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface AccountServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}

/** A form problem: a message for one field. */
export function fieldError(field: string, message: string): DomainError {
  return invalidInput({ [field]: message });
}

export class AccountService {
  /** A hash to verify against when the user name is unknown, so timing does not tell. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly d: AccountServiceDeps) {}

  private get staff() {
    return this.d.store.staff;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.staff.listAccounts()).some((a) => a.role === 'admin');
  }

  list(): Promise<StaffAccount[]> {
    return this.staff.listAccounts();
  }

  get(username: string): Promise<StaffAccount | undefined> {
    return this.staff.getAccount(username);
  }

  /** Keeps the console language a staff member chose on their account. */
  async setLanguage(username: string, language: string): Promise<void> {
    const account = await this.staff.getAccount(username);
    if (!account) throw notFound(`There is no account named "${username}".`);
    if (account.language === language) return;
    await this.staff.putAccount({ ...account, language, updatedAt: this.d.clock.now() });
  }

  /** Adds an account; throws a field error a person can act on. */
  async add(actor: string, username: string, role: StaffRole, password: string): Promise<StaffAccount> {
    const nameProblem = usernameProblem(username);
    if (nameProblem) throw fieldError('username', nameProblem);
    const pwProblem = passwordProblem(password);
    if (pwProblem) throw fieldError('password', pwProblem);
    const now = this.d.clock.now();
    const account: StaffAccount = { username, role, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now };
    if (!(await this.staff.addAccount(account))) throw fieldError('username', `There is already an account named "${username}".`);
    await this.d.audit.record(actor, 'staff.add', username, { key: role === 'admin' ? 'audit.staffAddAdmin' : 'audit.staffAddStaff', vars: { name: username } });
    return account;
  }

  /** Sets a new password, ends the account's console sessions and lifts any lockout. */
  async resetPassword(actor: string, username: string, password: string): Promise<void> {
    const account = await this.staff.getAccount(username);
    if (!account) throw notFound(`There is no account named "${username}".`);
    const pwProblem = passwordProblem(password);
    if (pwProblem) throw fieldError('password', pwProblem);
    await this.staff.putAccount({ ...account, passwordHash: await hashPassword(password), updatedAt: this.d.clock.now() });
    await this.staff.deleteConsoleSessionsOf(username);
    await this.staff.clearLoginFailures(username);
    await this.d.audit.record(actor, 'staff.reset-password', username, { key: 'audit.resetPassword', vars: { name: username } });
  }

  /**
   * A staff member changes their own password: the current one is checked as a sign-in is (so
   * wrong guesses count towards the lockout), then every console session of the account ends.
   */
  async changeOwnPassword(username: string, current: string, password: string): Promise<void> {
    const check = await this.signIn(username, current);
    if (!check.ok && check.reason === 'locked') {
      throw fieldError('current', `Too many wrong passwords. Try again in ${Math.ceil(check.retryAfterSeconds / 60)} minutes, or ask an admin to set a new password.`);
    }
    if (!check.ok) throw fieldError('current', 'That is not your current password. Type it again.');
    const pwProblem = passwordProblem(password);
    if (pwProblem) throw fieldError('password', pwProblem);
    if (password === current) throw fieldError('password', 'Choose a new password, different from the current one.');
    await this.staff.putAccount({ ...check.account, passwordHash: await hashPassword(password), updatedAt: this.d.clock.now() });
    await this.staff.deleteConsoleSessionsOf(username);
    await this.d.audit.record(username, 'staff.change-password', username, { key: 'audit.changePassword' });
  }

  /** Removes an account and signs it out; the last admin cannot be removed. */
  async remove(actor: string, username: string): Promise<void> {
    const account = await this.staff.getAccount(username);
    if (!account) throw notFound(`There is no account named "${username}".`);
    if (account.role === 'admin') {
      const admins = (await this.staff.listAccounts()).filter((a) => a.role === 'admin');
      if (admins.length <= 1) throw new DomainError('conflict', 'last_admin', 'This is the only admin account. Add another admin before removing it.');
    }
    await this.staff.deleteAccount(username);
    await this.staff.deleteConsoleSessionsOf(username);
    await this.d.audit.record(actor, 'staff.remove', username, { key: account.role === 'admin' ? 'audit.staffRemoveAdmin' : 'audit.staffRemoveStaff', vars: { name: username } });
  }

  /**
   * Checks a user name and password. After LOCKOUT_FAILURES failures within LOCKOUT_MS the
   * account is locked until LOCKOUT_MS after the last failure, whatever password is given.
   */
  async signIn(username: string, password: string): Promise<SignInResult> {
    const now = this.d.clock.now();
    if (usernameProblem(username)) {
      // Not a possible name (perhaps a password typed in the wrong box): nothing is stored.
      await verifyPassword(await this.dummy(), password);
      return { ok: false, reason: 'invalid' };
    }
    // The attempt is counted before the password is checked, so guesses sent in parallel cannot
    // all pass the check of a count none of them has raised yet. Unknown names count too, so
    // probing for names looks the same as guessing passwords.
    const reserved = await this.staff.reserveLoginAttempt(username, LOCKOUT_FAILURES, now + LOCKOUT_MS);
    if (!reserved.ok) {
      return { ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((reserved.expiresAt - now) / 1000)) };
    }
    const account = await this.staff.getAccount(username);
    const ok = await verifyPassword(account?.passwordHash ?? (await this.dummy()), password);
    if (account && ok) {
      await this.staff.clearLoginFailures(username);
      return { ok: true, account };
    }
    const count = reserved.count;
    if (count === LOCKOUT_FAILURES && account) {
      await this.d.audit.record('-', 'staff.locked', username, { key: 'audit.locked', vars: { minutes: LOCKOUT_MS / 60_000, count } });
    }
    return { ok: false, reason: 'invalid' };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not a real password, only for timing');
    return this.dummyHash;
  }
}
