// The console's language: the browser's Accept-Language until the staff member chooses one in
// the header's switcher; the choice is kept on the account (so it follows them to any browser),
// the switcher goes back to a console page only, and form errors come in the chosen language.
import { StaffBrowser, addAccount, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

describe('the console language', () => {
  let ctx: StaffContext;
  beforeEach(async () => {
    ctx = await makeStaffApp();
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('when an account has chosen no language, then pages follow the browser\'s Accept-Language', async () => {
    const b = await signedIn(ctx, 'sam', 'staff');
    b.acceptLanguage = 'es-MX,es;q=0.9';
    const page = await b.get('/staff/sessions');
    expect(page.text).toContain('<html lang="es" dir="ltr">');
    expect(page.text).toContain('>Sesiones</a>');
    expect(page.headers.vary).toMatch(/Accept-Language/);
  });

  it('when staff choose Arabic in the header, then it is kept on the account and every page is right to left, whatever the browser says', async () => {
    const b = await signedIn(ctx, 'ada', 'admin');
    b.acceptLanguage = 'fr';
    const chose = await b.submit('/staff/accounts', '/staff/language', { lang: 'ar', back: '/staff/accounts?notice=added' });
    expect(chose.status).toBe(303);
    expect(chose.headers.location).toBe('/staff/accounts?notice=added');
    expect((await ctx.deps.store.staff.getAccount('ada'))?.language).toBe('ar');
    const page = await b.get('/staff/accounts?notice=added');
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    expect(page.text).toContain('أُضيف الحساب.');
    // Another browser, another Accept-Language: the account's choice still wins.
    const other = new StaffBrowser(ctx.staffApp);
    other.acceptLanguage = 'es';
    await other.login('ada');
    expect((await other.get('/staff')).text).toContain('<html lang="ar" dir="rtl">');
  });

  it('when the switcher is sent back to another site or with an unknown language, then it goes to the console, or says what to do', async () => {
    const b = await signedIn(ctx, 'sam', 'staff');
    for (const back of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/staff/../../x']) {
      const res = await b.submit('/staff', '/staff/language', { lang: 'fr', back });
      expect([back, res.status, res.headers.location]).toEqual([back, 303, '/staff']);
    }
    const bad = await b.submit('/staff', '/staff/language', { lang: 'xx', back: '/staff' });
    expect(bad.status).toBe(400);
    // Still French (chosen above), and the message is in French too.
    expect(bad.text).toContain('Choisissez l’une des langues de la liste.');
    const noToken = await b.post('/staff/language', { lang: 'es', back: '/staff' });
    expect(noToken.status).toBe(403);
    expect((await ctx.deps.store.staff.getAccount('sam'))?.language).toBe('fr');
  });

  it('when nobody is signed in, then the sign-in page speaks the browser\'s language or the one picked from its links, and its errors too', async () => {
    await addAccount(ctx, 'zoe');
    const b = new StaffBrowser(ctx.staffApp);
    b.acceptLanguage = 'ar';
    const page = await b.get('/staff/login');
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    expect(page.text).toContain('href="/staff/login?lang=es"');
    const spanish = await b.get('/staff/login?lang=es');
    expect(spanish.text).toContain('<html lang="es" dir="ltr">');
    expect(spanish.text).toContain('action="/staff/login?lang=es"');
    const wrong = await b.submit('/staff/login?lang=es', '/staff/login?lang=es', { username: 'zoe', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('El nombre de usuario o la contraseña no son correctos.');
  });
});
