// The audit log of staff actions (admin only), newest first, fifty to a page.
import { Router } from 'express';
import type { Deps } from '../../deps';
import type { StaffTranslate, TranslateEnglish } from '../../i18n/staff/translate';
import { auditText } from '../audit-text';

const PAGE = 50;

export function auditRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/staff/audit', async (req, res) => {
    const page = Math.max(1, Math.min(1000, Math.floor(Number(req.query.page)) || 1));
    const entries = await deps.staff.audit.list(PAGE + 1, (page - 1) * PAGE);
    res.render('staff/audit', {
      entries: entries.slice(0, PAGE), page, more: entries.length > PAGE, retentionDays: deps.config.auditRetentionDays,
      // Each entry in the reader's language (old entries, written as English sentences, too).
      auditText: (detail: string) => auditText(detail, res.locals.t as StaffTranslate, res.locals.tx as TranslateEnglish),
    });
  });
  return r;
}
