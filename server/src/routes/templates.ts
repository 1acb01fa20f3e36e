/**
 * @module routes/templates
 * `GET /api/v1/templates` (officer, admin): the permit templates of shared/src/templates (Res.
 * 0631/2015, Decreto 1886/2015, the comparison anchors) with every rule, its limit or `null`
 * where the site must enter its own number, its sources (title, article, URL) and confidence.
 * Read-only and the same for every site: the data is compiled into the server.
 */
import { TEMPLATES, type TemplatesAnswer } from '@vigia/shared';
import { Hono } from 'hono';
import type { RequireRole, SessionVars } from '../auth/session.ts';

export function templatesRoutes(requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().get('/', requireRole('officer', 'admin'), (c) =>
    c.json<TemplatesAnswer>({ templates: [...TEMPLATES] }),
  );
}
