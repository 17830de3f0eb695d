// The audit log of staff actions (admin only), newest first, fifty to a page.
import { Router } from 'express';
import type { Deps } from '../../deps';

const PAGE = 50;

export function auditRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/staff/audit', async (req, res) => {
    const page = Math.max(1, Math.min(1000, Math.floor(Number(req.query.page)) || 1));
    const entries = await deps.staff.audit.list(PAGE + 1, (page - 1) * PAGE);
    res.render('staff/audit', { entries: entries.slice(0, PAGE), page, more: entries.length > PAGE, retentionDays: deps.config.auditRetentionDays });
  });
  return r;
}
