/** @module routes/audit — `GET /api/v1/audit?from&to[&limit]`: the audit log, admin only, oldest first. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';

export const MAX_AUDIT_ENTRIES = 10_000;

const AuditQuery = z
  .object({
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_ENTRIES).default(1000),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

export function auditRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole('admin')).get('/', (c) => {
    const q = parseInput(AuditQuery, c.req.query(), 'invalid_query', 400);
    // One more than asked tells whether the answer was cut.
    const rows = deps.meta.listAudit(q.from, q.to, q.limit + 1);
    return c.json({ entries: rows.slice(0, q.limit), truncated: rows.length > q.limit });
  });
}
