/**
 * @module reports/route
 * `GET /api/v1/reports/compliance?from&to&format=csv|html[&lang=es|en][&permit]`: officer and
 * admin only. `from`/`to` are epoch ms or site-local dates (YYYY-MM-DD, midnight in the site's
 * zone; `to` exclusive). 400 `invalid_query` names the bad parameter.
 */
import { DEFAULT_TIME_ZONE, dayClock, fixedOffsetMs, InputError } from '@vigia/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { RequireRole, SessionVars } from '../auth/session.ts';
import type { AppDeps } from '../deps.ts';
import { parseInput } from '../http/parse-input.ts';
import { siteScope } from '../routes/visibility.ts';
import { csvFilename, renderCsv } from './csv.ts';
import { gatherReport } from './gather.ts';
import { renderHtml } from './html.ts';

/** A year and a day: a longer report is refused (it reads every raw reading of the period). */
export const MAX_REPORT_MS = 366 * 86_400_000;

/** Local midnight of a YYYY-MM-DD date in `timeZone`. */
function localMidnight(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const fixed = fixedOffsetMs(timeZone);
  if (fixed !== undefined) return utcMidnight - fixed;
  // The day holding UTC noon of that date starts at the local midnight asked for.
  return dayClock(timeZone)(utcMidnight + 12 * 3_600_000).start;
}

const Instant = z.union([
  z
    .string()
    .regex(/^-?\d{1,16}$/, 'epoch milliseconds or a date YYYY-MM-DD')
    .transform(Number),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'epoch milliseconds or a date YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date')
    .transform((s) => localMidnight(s, DEFAULT_TIME_ZONE)),
]);

const ReportQuery = z
  .object({
    from: Instant,
    to: Instant,
    format: z.enum(['csv', 'html']),
    lang: z.enum(['es', 'en']).default('es'),
    permit: z
      .string()
      .regex(/^[a-z0-9_.-]+$/, 'a permit id (a-z, 0-9, "_", "." and "-")')
      .optional(),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_REPORT_MS, { message: 'the period may be at most 366 days', path: ['to'] });

export function reportsRoutes(deps: AppDeps, requireRole: RequireRole): Hono<{ Variables: SessionVars }> {
  return new Hono<{ Variables: SessionVars }>().use(requireRole('officer', 'admin')).get('/compliance', async (c) => {
    const q = parseInput(ReportQuery, c.req.query(), 'invalid_query', 400);
    const user = c.var.user;
    const data = await gatherReport(deps, {
      from: q.from,
      to: q.to,
      permit: q.permit,
      sites: siteScope(user),
      timeZone: DEFAULT_TIME_ZONE,
      now: deps.clock.now(),
      user: user.user,
    });
    if (!data)
      throw new InputError(
        'invalid_query',
        `permit: no permit "${q.permit}" in force in the period (see GET /api/v1/permits)`,
        'permit',
        400,
      );
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
}
