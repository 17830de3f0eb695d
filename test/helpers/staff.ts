// Test helpers for the staff console: the staff app on the test dependencies, accounts, and a
// staff browser for supertest that keeps its cookies and reads form tokens from pages.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import type { StaffRole } from '../../src/store/staff-types';
import { makeTestApp, type TestContext, type TestOptions } from './test-deps';
import { auditText } from '../../src/staff/audit-text';
import { staffLanguageTools } from '../../src/staff/staff-language';

export const PASSWORD = 'correct horse battery';

export interface StaffContext extends TestContext {
  staffApp: Express;
}

/** The test context with the staff surface built too (the portal app stays in `app`). */
export async function makeStaffApp(opts: TestOptions = {}): Promise<StaffContext> {
  const ctx = await makeTestApp(opts);
  return Object.assign(ctx, { staffApp: createApp(ctx.deps, { surfaces: ['staff'] }) });
}

export async function addAccount(ctx: TestContext, username: string, role: StaffRole = 'staff', password = PASSWORD): Promise<void> {
  await ctx.deps.staff.accounts.add('test', username, role, password);
}

/** A browser on the staff network: cookies kept, form tokens read from the last page. */
export class StaffBrowser {
  readonly cookies = new Map<string, string>();
  lastPage = '';
  /** The browser's Accept-Language header (none by default). */
  acceptLanguage = '';

  constructor(
    private readonly app: Express,
    readonly ip = '192.0.2.10',
  ) {}

  private get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: request.Response): request.Response {
    const set = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const c of set ?? []) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if (res.text) this.lastPage = res.text;
    return res;
  }

  async get(url: string, accept = 'text/html'): Promise<request.Response> {
    return this.keep(await request(this.app).get(url).set('X-Test-Client', this.ip).set('Accept', accept).set('Accept-Language', this.acceptLanguage).set('Cookie', this.cookieHeader));
  }

  /** The form token of the last page (or of `from`, loaded first). */
  async token(from?: string): Promise<string> {
    if (from) await this.get(from);
    return /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1] ?? '';
  }

  /** Posts a form with a token taken from `from` (loaded first). */
  async submit(from: string, action: string, fields: Record<string, string> = {}): Promise<request.Response> {
    const token = await this.token(from);
    return this.post(action, { _csrf: token, ...fields });
  }

  async post(action: string, fields: Record<string, string>): Promise<request.Response> {
    return this.keep(
      await request(this.app).post(action).set('X-Test-Client', this.ip).set('Accept', 'text/html').set('Accept-Language', this.acceptLanguage).set('Cookie', this.cookieHeader).type('form').send(fields),
    );
  }

  /** Posts a multipart form (the settings page, with a file), with a token taken from `from`. */
  async upload(from: string, action: string, fields: Record<string, string>, file?: { field: string; name: string; data: Buffer; type?: string }): Promise<request.Response> {
    const token = await this.token(from);
    let req = request(this.app).post(action).set('X-Test-Client', this.ip).set('Accept', 'text/html').set('Cookie', this.cookieHeader).field('_csrf', token);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach(file.field, file.data, { filename: file.name, contentType: file.type ?? 'application/octet-stream' });
    return this.keep(await req);
  }

  async login(username: string, password = PASSWORD): Promise<request.Response> {
    return this.submit('/staff/login', '/staff/login', { username, password });
  }
}

/** A signed-in browser for a new account of the given role. */
export async function signedIn(ctx: StaffContext, username: string, role: StaffRole): Promise<StaffBrowser> {
  await addAccount(ctx, username, role);
  const b = new StaffBrowser(ctx.staffApp);
  const res = await b.login(username);
  if (res.status !== 303) throw new Error(`sign-in failed (${res.status}): ${res.text.slice(0, 300)}`);
  return b;
}

/** An audit entry's detail as an English reader of the log sees it (entries store keys and parameters). */
export function auditInEnglish(detail: string): string {
  const { translators, tx } = staffLanguageTools();
  return auditText(detail, translators.get('en')!, tx.get('en')!);
}
