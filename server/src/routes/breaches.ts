/**
 * @module routes/breaches
 * `GET /api/v1/breaches?from&to[&state][&permit][&sensor][&acknowledged=false]` (any role): breaches overlapping [from, to),
 * in event time, every one of them (withdrawn included) with its `state`.
 * `GET /api/v1/breaches/unacknowledged` (any role): `{ count }` of the breaches in force nobody has
 * acknowledged at the user's sites — the nav tab's badge, polled, so one cheap count, not a list.
 * `GET /api/v1/breaches/:id/history` (any role): the breach's stored changes, oldest first.
 * `POST /api/v1/breaches/:id/ack` (officer, admin): acknowledge once, with a note; audit-logged.
 * `POST /api/v1/breaches/:id/notes` (operator, officer, admin): add an operator's note (what was
 * done); never acknowledges; audit-logged (compliance/breach-notes.ts). Every breach answered
 * here carries its `notes`, oldest first.
 * `GET /api/v1/rules/status` (any role) lives in rulesRoutes below. A breach of a site the user
 * may not see is answered as unknown (404), like one that does not exist.
 */
import {
  type BreachesAnswer,
  BreachState,
  type BreachWithNotes,
  InputError,
  type RulesStatusAnswer,
  type UnacknowledgedAnswer,
} from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import { addBreachNote, breachNotes, MAX_NOTES, notesByBreach } from '../compliance/breach-notes.ts';
import type { ComplianceEngine } from '../compliance/engine.ts';
import { breachView } from '../compliance/views.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { readJsonBody } from '../http/read-body.ts';
import type { BreachRecord } from '../meta/compliance.ts';
import { canSeeSite, siteScope } from './visibility.ts';

const BreachQuery = z
  .object({
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
    state: BreachState.optional(),
    permit: z.string().min(1).optional(),
    sensor: z.string().min(1).optional(),
    acknowledged: z.enum(['false']).optional(),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] });

const AckBody = z
  .object({ note: z.string().trim().min(1, 'write what was done (a non-empty note)').max(2000) })
  .strict();

export function breachesRoutes(
  deps: AppDeps,
  engine: ComplianceEngine,
  requireRole: RequireRole,
): Hono<{ Variables: SessionVars }> {
  const show = (b: BreachRecord, notes = breachNotes(deps.meta, b.id)): BreachWithNotes => ({
    ...breachView(b, engine.watermarkOf({ permit: b.permit, version: b.permit_version, rule: b.rule })),
    notes,
  });
  /** The breach named by `:id` if the user may see its site; else 404 breach_unknown. */
  const visibleBreach = (param: string, user: SessionVars['user']): BreachRecord => {
    const id = Number(param);
    const found = Number.isSafeInteger(id) ? deps.meta.breachById(id) : undefined;
    if (!found || !canSeeSite(user, found.site))
      throw new InputError('breach_unknown', `no breach ${param}: list them with GET /api/v1/breaches`, undefined, 404);
    return found;
  };
  return new Hono<{ Variables: SessionVars }>()
    .get('/', requireRole(...ROLES), (c) => {
      const q = parseInput(BreachQuery, c.req.query(), 'invalid_query', 400);
      const { acknowledged, ...rest } = q;
      const rows = deps.meta.listBreaches({
        ...rest,
        unacknowledged: acknowledged === 'false',
        sites: siteScope(c.var.user),
      });
      const notes = notesByBreach(
        deps.meta,
        rows.map((b) => b.id),
      );
      const answer: BreachesAnswer = { breaches: rows.map((b) => show(b, notes.get(b.id) ?? [])) };
      return c.json(answer);
    })
    .get('/unacknowledged', requireRole(...ROLES), (c) =>
      c.json<UnacknowledgedAnswer>({ count: deps.meta.countUnacknowledged(siteScope(c.var.user)) }),
    )
    .get('/:id/history', requireRole(...ROLES), (c) => {
      const b = visibleBreach(c.req.param('id'), c.var.user);
      return c.json({ breach: show(b), history: deps.meta.breachHistory(b.id) });
    })
    .post('/:id/notes', requireRole('operator', 'officer', 'admin'), async (c) => {
      const found = visibleBreach(c.req.param('id'), c.var.user);
      const { note } = parseInput(AckBody, await readJsonBody(c.req.raw), 'invalid_body', 422);
      const now = deps.clock.now();
      const by = c.var.user.user;
      deps.meta.complianceTx(() => {
        if (breachNotes(deps.meta, found.id).length >= MAX_NOTES)
          throw new InputError('too_many_notes', `breach ${found.id} has ${MAX_NOTES} notes already`, 'note', 409);
        addBreachNote(deps.meta, found.id, { by, at: now, note });
        deps.meta.audit(
          by,
          'breach_note_added',
          { breach: found.id, permit: found.permit, rule: found.rule, note },
          now,
        );
      });
      const b = deps.meta.breachById(found.id)!;
      engine.announce(b, 'updated');
      return c.json(show(b), 201);
    })
    .post('/:id/ack', requireRole('officer', 'admin'), async (c) => {
      const found = visibleBreach(c.req.param('id'), c.var.user);
      const id = found.id;
      const { note } = parseInput(AckBody, await readJsonBody(c.req.raw), 'invalid_body', 422);
      const now = deps.clock.now();
      const user = c.var.user.user;
      const acked = deps.meta.complianceTx(() => {
        if (!deps.meta.ackBreach(id, user, now, note)) return false;
        deps.meta.audit(
          user,
          'breach_acknowledged',
          { breach: id, permit: found.permit, rule: found.rule, start: found.start, note },
          now,
        );
        return true;
      });
      const b = deps.meta.breachById(id)!;
      if (!acked)
        throw new InputError(
          'already_acknowledged',
          `breach ${id} was acknowledged by ${b.ack_by} at ${new Date(b.ack_at!).toISOString()}`,
          undefined,
          409,
        );
      engine.announce(b, 'updated');
      return c.json(show(b));
    });
}

/** `GET /api/v1/rules/status`: the state of every rule of the current permit versions. */
export function rulesRoutes(
  deps: AppDeps,
  engine: ComplianceEngine,
  requireRole: RequireRole,
): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().get('/status', requireRole(...ROLES), (c) => {
    const sites = new Map(engine.currentPermits().map((p) => [p.id, p.site]));
    const rules = engine.status(deps.clock.now()).filter((r) => canSeeSite(c.var.user, sites.get(r.permit) ?? ''));
    const answer: RulesStatusAnswer = { rules };
    return c.json(answer);
  });
}
