/**
 * @module reports/route
 * `GET /api/v1/reports/compliance?from&to&format=csv|html[&lang=es|en][&permit][&site]`: officer
 * and admin only. `from`/`to` are epoch ms or site-local dates (YYYY-MM-DD, midnight in the
 * site's zone; `to` exclusive). The report is in the zone of the sites its permits belong to
 * (meta/sites.ts); permits of sites in different zones need `site` (or `permit`) to pick one.
 * 400 `invalid_query` names the bad parameter. At most MAX_RUNNING_REPORTS run at once per
 * server, shared with permit previews (slots.ts; 429 `too_many_reports` with Retry-After beyond): each streams its readings
 * (gather.ts), so one report costs bounded memory and leaves the event loop free between chunks.
 */

import type { SessionUser } from '@vigia/shared';
import { DEFAULT_TIME_ZONE, dayClock, fixedOffsetMs, InputError } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { canSeeSite, siteScope } from '../routes/visibility.ts';
import { csvFilename, renderCsv } from './csv.ts';
import { type GatherDeps, gatherReport } from './gather.ts';
import { renderHtml } from './html.ts';
import type { HeavySlots } from './slots.ts';

export { MAX_RUNNING_REPORTS } from './slots.ts';

/** A year and a day: a longer report is refused. */
export const MAX_REPORT_MS = 366 * 86_400_000;

/** Local midnight of a YYYY-MM-DD date in `timeZone`. */
function localMidnight(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const fixed = fixedOffsetMs(timeZone);
  if (fixed !== undefined) return utcMidnight - fixed;
  // The day holding UTC noon of that date starts at the local midnight asked for.
  return dayClock(timeZone)(utcMidnight + 12 * 3_600_000).start;
}

/** Epoch ms, or a date resolved once the report's zone is known. */
const Instant = z.union([
  z
    .string()
    .regex(/^-?\d{1,16}$/, 'epoch milliseconds or a date YYYY-MM-DD')
    .transform(Number),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'epoch milliseconds or a date YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date'),
]);

const Id = z.string().regex(/^[a-z0-9_.-]+$/, 'an id (a-z, 0-9, "_", "." and "-")');

const ReportQuery = z.object({
  from: Instant,
  to: Instant,
  format: z.enum(['csv', 'html']),
  lang: z.enum(['es', 'en']).default('es'),
  permit: Id.optional(),
  site: Id.optional(),
});

const Period = z
  .object({ from: z.number(), to: z.number() })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_REPORT_MS, { message: 'the period may be at most 366 days', path: ['to'] });

const badQuery = (path: string, message: string) => new InputError('invalid_query', `${path}: ${message}`, path, 400);

/**
 * The sites the report may cover and the one zone it is written in: that of the sites of the
 * permits asked for (any version), else of the user's sites, else Bogotá.
 */
function reportScope(deps: AppDeps, user: SessionUser, q: { permit?: string; site?: string }) {
  if (q.site !== undefined && (!canSeeSite(user, q.site) || !deps.meta.siteById(q.site))) {
    throw badQuery('site', `no site "${q.site}" (see GET /api/v1/sites)`);
  }
  const sites = q.site !== undefined ? [q.site] : siteScope(user);
  const permitSites = new Set(
    deps.meta
      .permitVersions()
      .filter((v) => (q.permit === undefined || v.id === q.permit) && (sites.length === 0 || sites.includes(v.site)))
      .map((v) => v.site),
  );
  const candidates = permitSites.size > 0 ? [...permitSites] : deps.meta.listSites(sites).map((s) => s.id);
  const zones = new Map(candidates.map((s) => [s, deps.meta.timeZoneOf(s)]));
  const distinct = [...new Set(zones.values())];
  if (distinct.length > 1) {
    const list = [...zones].map(([s, z]) => `${s}: ${z}`).join(', ');
    throw badQuery(
      'site',
      `the permits asked for are on sites in different time zones (${list}); ask for one with site=`,
    );
  }
  return { sites, timeZone: distinct[0] ?? DEFAULT_TIME_ZONE };
}

export function reportsRoutes(
  deps: AppDeps & GatherDeps,
  requireRole: RequireRole,
  slots: HeavySlots,
): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole('officer', 'admin')).get('/compliance', async (c) => {
    const q = parseInput(ReportQuery, c.req.query(), 'invalid_query', 400);
    const user = c.var.user;
    const scope = reportScope(deps, user, q);
    const at = (v: string | number) => (typeof v === 'number' ? v : localMidnight(v, scope.timeZone));
    const period = parseInput(Period, { from: at(q.from), to: at(q.to) }, 'invalid_query', 400);
    return slots.run(async () => {
      const data = await gatherReport(deps, {
        from: period.from,
        to: period.to,
        permit: q.permit,
        sites: scope.sites,
        timeZone: scope.timeZone,
        now: deps.clock.now(),
        user: user.user,
      });
      if (!data) throw badQuery('permit', `no permit "${q.permit}" in force in the period (see GET /api/v1/permits)`);
      c.header('Cache-Control', 'no-store');
      if (q.format === 'csv') {
        c.header('Content-Type', 'text/csv; charset=utf-8; header=present');
        c.header('Content-Disposition', `attachment; filename="${csvFilename(data)}"`);
        return c.body(renderCsv(data));
      }
      // The page is self-contained: forbid anything it might load or run.
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      return c.html(renderHtml(data, q.lang));
    });
  });
}
