// `threshold staff add|reset-password|list` against the SQLite file while a server has it open.
import { PassThrough } from 'node:stream';
import { configSchema } from '../../src/config/schema';
import { addStaff, listStaff, resetStaffPassword, type StaffCliIo } from '../../src/staff/staff-cli';
import { readFirstLine, readNewPassword } from '../../src/staff/tty-password';
import { makeStaffApp, PASSWORD, StaffBrowser, type StaffContext } from '../helpers/staff';

function io(password: string): StaffCliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, readPassword: async () => password, out: (l) => lines.push(l) };
}

describe('threshold staff (CLI)', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when an admin is added from the CLI while the server runs, then the server lets them sign in at once', async () => {
    ctx = await makeStaffApp();
    const config = configSchema.parse({ dataDir: ctx.dataDir });
    const out = io(PASSWORD);
    await addStaff(config, 'ada', 'admin', out);
    expect(out.lines).toEqual(['Added admin account "ada". Sign in at http://127.0.0.1:8081/staff']);
    expect((await new StaffBrowser(ctx.staffApp).login('ada')).status).toBe(303);
    const [entry] = await ctx.deps.staff.audit.list(5).then((e) => e.filter((x) => x.action === 'staff.add'));
    expect(entry).toMatchObject({ actor: 'cli', target: 'ada' });
  });

  it('when the CLI is given a bad role, a taken name or a short password, then it says what is wrong', async () => {
    ctx = await makeStaffApp();
    const config = configSchema.parse({ dataDir: ctx.dataDir });
    await expect(addStaff(config, 'ada', 'root', io(PASSWORD))).rejects.toThrow('--role must be "admin" or "staff"');
    await expect(addStaff(config, 'ada', 'admin', io('short'))).rejects.toThrow('Use at least 10 characters');
    await addStaff(config, 'ada', 'admin', io(PASSWORD));
    await expect(addStaff(config, 'ada', 'staff', io(PASSWORD))).rejects.toThrow('There is already an account named "ada".');
  });

  it('when a password is reset from the CLI, then the signed-in browser is signed out and the new password works', async () => {
    ctx = await makeStaffApp();
    const config = configSchema.parse({ dataDir: ctx.dataDir });
    await addStaff(config, 'ada', 'admin', io(PASSWORD));
    const b = new StaffBrowser(ctx.staffApp);
    await b.login('ada');
    await resetStaffPassword(config, 'ada', io('another long password'));
    expect((await b.get('/staff')).status).toBe(303);
    expect((await new StaffBrowser(ctx.staffApp).login('ada', 'another long password')).status).toBe(303);
    await expect(resetStaffPassword(config, 'nobody', io(PASSWORD))).rejects.toThrow('There is no account named "nobody".');
    const list = io('');
    await listStaff(config, list);
    expect(list.lines).toEqual(['ada\tadmin']);
  });

  it('when the password is piped, then the first line is taken without its line ending', async () => {
    const input = new PassThrough();
    input.end('s3cret passphrase\r\nignored\n');
    expect(await readFirstLine(input)).toBe('s3cret passphrase');
    const piped = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
    (piped as unknown as PassThrough).end('from a pipe\n');
    expect(await readNewPassword(piped)).toBe('from a pipe');
  });
});
