/**
 * @module routes/permits
 * `GET /api/v1/permits` (any role) and `PUT /api/v1/permits` (officer, admin): the current
 * version of each permit. A changed permit becomes a new version, effective from the change;
 * breaches found before keep the version they were found under. Every change is audit-logged
 * with a summary of what changed.
 * `POST /api/v1/permits/preview` `{ permit, from, to }` (officer, admin): the breaches the permit
 * would have had over [from, to) of stored history (compliance/preview.ts), stored nowhere. At
 * most MAX_PREVIEW_MS long; shares the reports' cap on heavy reads (reports/slots.ts).
 * `GET /api/v1/permits/:id/history` (officer, admin): every stored version of the permit, newest
 * first, each with who saved it, when, and what it changed from the version before (permitDiff,
 * the same summary the audit log keeps). Versions are never rewritten, so this is the record.
 */
import {
  InputError,
  Permit,
  type PermitHistoryAnswer,
  type PermitsAnswer,
  type PermitsChangedAnswer,
  type PermitView,
} from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { ComplianceEngine } from '../compliance/engine.ts';
import { checkPermits, PutPermitsBody, permitDiff } from '../compliance/permits.ts';
import { previewPermit } from '../compliance/preview.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';
import type { PermitVersion } from '../meta/compliance.ts';
import type { HeavySlots } from '../reports/slots.ts';
import { canSeeSite, siteScope } from './visibility.ts';

/** A preview covers at most a year and a day, like a report. */
export const MAX_PREVIEW_MS = 366 * 86_400_000;

const PreviewBody = z
  .object({ permit: Permit, from: z.number().int(), to: z.number().int() })
  .strict()
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_PREVIEW_MS, { message: 'the period may be at most 366 days', path: ['to'] });

const view = (v: PermitVersion): PermitView => ({
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
  slots: HeavySlots,
): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>()
    .get('/', requireRole(...ROLES), (c) => {
      const permits = engine.currentPermits().filter((p) => canSeeSite(c.var.user, p.site));
      return c.json<PermitsAnswer>({ permits: permits.map(view) });
    })
    .put('/', requireRole('officer', 'admin'), async (c) => {
      const body = parseInput(PutPermitsBody, await readJsonBody(c.req.raw), 'invalid_permit', 422);
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
      return c.json<PermitsChangedAnswer>({ permits: out.map(view), changed });
    })
    .get('/:id/history', requireRole('officer', 'admin'), (c) => {
      const id = c.req.param('id');
      const versions = deps.meta.permitVersions().filter((v) => v.id === id);
      // Another site's permit is answered like a missing one: its id tells nothing.
      if (versions.length === 0 || !canSeeSite(c.var.user, versions.at(-1)!.site))
        throw new InputError('permit_unknown', `no permit "${id}": list them with GET /api/v1/permits`, undefined, 404);
      const history: PermitHistoryAnswer['versions'] = versions.map((v, i) => ({
        version: v.version,
        effective_from: v.effective_from,
        effective_to: v.effective_to,
        updated_at: v.updated_at,
        updated_by: v.updated_by,
        changes: permitDiff(versions[i - 1]?.permit, v.permit),
        permit: v.permit,
      }));
      return c.json<PermitHistoryAnswer>({ permit: id, versions: history.reverse() });
    })
    .post('/preview', requireRole('officer', 'admin'), async (c) => {
      const body = parseInput(PreviewBody, await readJsonBody(c.req.raw), 'invalid_permit', 422);
      // The same checks as a save (sensors known and at the permit's site, the caller's sites),
      // the version label aside: a preview of an edit is not a conflict.
      const { version: _v, ...permit } = body.permit;
      checkPermits([permit], deps.meta.listSensors([]), engine.currentPermits(), siteScope(c.var.user));
      const to = Math.min(body.to, deps.clock.now());
      if (to <= body.from) return c.json({ breaches: [], truncated: false });
      return slots.run(async () => c.json(await previewPermit(deps, permit, body.from, to)));
    });
}
