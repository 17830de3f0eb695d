// The console language switcher (a small form in every page's header): the signed-in staff
// member's choice is kept on their account, then they go back to the page they were on (a
// console page only; anything else goes to the overview).
import { Router } from 'express';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { badRequest } from '../../http/errors';
import { isLang } from '../../i18n/languages';
import { safeNext, staffOf } from '../guards';
import { formValues } from '../../http/forms';

export function languageRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  r.post('/staff/language', csrf.protect, async (req, res) => {
    const { lang, back } = formValues(req.body, { lang: {}, back: {} });
    if (!isLang(lang)) throw badRequest('Choose one of the languages in the list.');
    await deps.staff.accounts.setLanguage(staffOf(res).username, lang);
    res.redirect(303, safeNext(back));
  });
  return r;
}
