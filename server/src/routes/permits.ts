/**
 * @module routes/permits
 * `GET /api/v1/permits` (any role) and `PUT /api/v1/permits` (officer, admin): the current
 * version of each permit. A changed permit becomes a new version, effective from the change;
 * breaches found before keep the version they were found under. Every change is audit-logged
 * with a summary of what changed.
 */
import { Hono } from 'hono';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { ComplianceEngine } from '../compliance/engine.ts';
import { checkPermits, PutPermitsBody, permitDiff } from '../compliance/permits.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput, parseJson } from '../http/parse-input.ts';
import { JSON_BODY_LIMITS, readBodyText } from '../http/read-body.ts';
import type { PermitVersion } from '../meta/compliance.ts';
import { canSeeSite, siteScope } from './visibility.ts';

const view = (v: PermitVersion) => ({
  ...v.permit,
  version: v.version,
  effective_from: v.effective_from,
  updated_at: v.updated_at,
  updated_by: v.updated_by,
});

export function permitsRoutes(
  deps: AppDeps,
  engine: ComplianceEngine,
  requireRole: RequireRole,
): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>()
    .get('/', requireRole(...ROLES), (c) => {
      const permits = engine.currentPermits().filter((p) => canSeeSite(c.var.user, p.site));
      return c.json({ permits: permits.map(view) });
    })
    .put('/', requireRole('officer', 'admin'), async (c) => {
      const body = parseInput(
        PutPermitsBody,
        parseJson(await readBodyText(c.req.raw, JSON_BODY_LIMITS)),
        'invalid_permit',
        422,
      );
      const current = engine.currentPermits();
      checkPermits(body.permits, deps.meta.listSensors([]), current, siteScope(c.var.user));
      const now = deps.clock.now();
      const changed: string[] = [];
      const out: PermitVersion[] = [];
      for (const p of body.permits) {
        const prev = current.find((v) => v.id === p.id);
        const diff = permitDiff(prev?.permit, p);
        if (!diff) {
          out.push(prev!);
          continue;
        }
        const v = engine.putPermit(p, c.var.user.user, now);
        deps.meta.audit(c.var.user.user, 'permit_changed', { permit: p.id, version: v.version, ...diff }, now);
        changed.push(p.id);
        out.push(v);
      }
      return c.json({ permits: out.map(view), changed });
    });
}
