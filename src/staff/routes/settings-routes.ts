// Library settings (admin only): the library's name, logo, terms of use, a dated notice on the
// patron pages and the walled garden, saved in the store and in force at once on every gateway.
// The audit log names what changed, never the texts themselves.
import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { staffOf } from '../guards';
import { readMultipart, uploadOf } from '../../branding/multipart';
import { MAX_BANNER_CHARS, MAX_LOGO_BYTES, parseSettingsForm, pickSettingsValues, settingsToForm, TEXT_FIELDS, type SettingsFormValues } from '../../branding/settings-form';
import { logoPath, type StoredSettings } from '../../branding/settings-types';
import { LANGUAGES, SUPPORTED } from '../../i18n/languages';
import type { AuditDetail, AuditPart } from '../audit-text';

export function settingsRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const defaults = { libraryName: deps.config.libraryName, walledGarden: deps.config.walledGarden };

  const render = async (res: Response, status: number, values: SettingsFormValues, errors: Record<string, string> = {}, notice?: string) => {
    const current = await deps.library.current();
    res.status(status).render('staff/settings', {
      values,
      errors,
      notice,
      languages: SUPPORTED.map((l) => [l, LANGUAGES[l].name]),
      logoUrl: current.logo ? `/staff${logoPath(current.logo)}` : undefined,
      limits: { logoKB: MAX_LOGO_BYTES / 1024, bannerChars: MAX_BANNER_CHARS },
      timezone: deps.config.timezone,
    });
  };

  r.get('/staff/settings', async (req, res) => {
    await render(res, 200, settingsToForm(await deps.library.current(), defaults, deps.config.timezone), {}, req.query.saved === '1' ? 'The library settings are saved and in force.' : undefined);
  });

  r.post(
    '/staff/settings',
    readMultipart({ fileField: 'logo', maxFileBytes: MAX_LOGO_BYTES, maxFieldBytes: 64 * 1024, maxFields: TEXT_FIELDS.length + 2 }),
    csrf.protect,
    csrf.provide,
    async (req, res) => {
      const values = pickSettingsValues(req.body);
      const before = await deps.library.current();
      const parsed = parseSettingsForm(values, uploadOf(req), before, defaults, deps.config.timezone);
      if (!parsed.ok) return render(res, parsed.status, values, parsed.errors);
      try {
        await deps.library.save(parsed.settings, parsed.logo);
        await deps.staff.audit.record(staffOf(res).username, 'settings.update', 'library', changesOrNone(describeChange(before, parsed.settings)));
      } catch (err) {
        deps.logger.error({ err }, 'library settings could not be saved: the store did not answer');
        return render(res, 503, values, { form: 'The settings could not be saved: the gateway\'s store is not answering. Nothing was changed on the patron pages; try again in a minute.' });
      }
      res.redirect(303, '/staff/settings?saved=1');
    },
  );
  return r;
}

/** What changed, by name: never the texts, only which of them. */
export function describeChange(a: StoredSettings, b: StoredSettings): AuditPart[] {
  const out: AuditPart[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  if (!same(a.libraryName, b.libraryName)) out.push({ key: 'audit.settingsName' });
  if (!same(a.defaultLang, b.defaultLang)) out.push({ key: 'audit.settingsDefaultLang' });
  if (!same(a.logo?.hash, b.logo?.hash)) out.push(b.logo ? { key: 'audit.settingsLogo', vars: { type: b.logo.type === 'image/png' ? 'PNG' : 'SVG' } } : { key: 'audit.settingsLogoRemoved' });
  const langs = (x?: Partial<Record<string, string>>, y?: Partial<Record<string, string>>) => SUPPORTED.filter((l) => (x?.[l] ?? '') !== (y?.[l] ?? ''));
  const terms = langs(a.terms, b.terms);
  if (terms.length) out.push({ key: 'audit.settingsTerms', vars: { langs: terms.join(', ') } });
  const bannerLangs = langs(a.banner?.text, b.banner?.text);
  if (!b.banner && a.banner) out.push({ key: 'audit.settingsNoticeRemoved' });
  else {
    if (bannerLangs.length) out.push({ key: 'audit.settingsNoticeText', vars: { langs: bannerLangs.join(', ') } });
    if (!same(a.banner?.startsAt, b.banner?.startsAt) || !same(a.banner?.endsAt, b.banner?.endsAt)) out.push({ key: 'audit.settingsNoticeDates' });
  }
  if (!same(a.walledGarden, b.walledGarden)) out.push(b.walledGarden ? { key: 'audit.settingsGarden', vars: { n: b.walledGarden.length } } : { key: 'audit.settingsGardenConfig' });
  return out;
}

const changesOrNone = (parts: AuditPart[]): AuditDetail => (parts.length ? parts : { key: 'audit.policyNone' });
