/**
 * @module reports/gather
 * Build the report data from meta.db (permit versions, breaches: the compliance engine's
 * tables through `Meta`, shown with the engine's `breachView`) and the readings store. Reads
 * only; never evaluates rules itself: breaches are what the engine stored. Daily availability
 * and daily values are computed here from raw readings with the shared hold model, streamed:
 * each rule's readings are read in chunks (read-chunks.ts) and folded into one accumulator per
 * day (availability.ts `dayFold`), so memory is bounded by the number of days, not readings,
 * and the event loop is free between chunks; where the rollups give the exact figure (most rules
 * on the SQLite store) they are read instead (rollup-days.ts). Rules are read one after the other.
 */
import { compileRule, holdMsFor, type Permit } from '@vigia/shared';
import { notesByBreach } from '../compliance/breach-notes.ts';
import type { ComplianceEngine } from '../compliance/engine.ts';
import { breachView } from '../compliance/views.ts';
import type { PermitVersion } from '../meta/compliance.ts';
import type { Meta } from '../meta/meta.ts';
import type { Store } from '../storage/store.ts';
import { dayFold } from './availability.ts';
import type { ReportBreach, ReportData, ReportPermit, ReportRule, ReportVersion } from './model.ts';
import { readingChunks } from './read-chunks.ts';
import { eligible, rollupDays } from './rollup-days.ts';

export type ReportQuery = {
  from: number;
  to: number;
  permit?: string;
  /** Sites the user may see; empty = all. */
  sites: readonly string[];
  timeZone: string;
  now: number;
  user: string;
};

/** `compliance` (the engine) says how far each rule was evaluated, which an open breach lasts to. */
export type GatherDeps = { meta: Meta; store: Store; compliance?: Pick<ComplianceEngine, 'watermarkOf'> };
type Deps = GatherDeps;

/** The versions of visible permits overlapping [from, to), grouped by permit id in id order. */
export function versionsInPeriod(all: readonly PermitVersion[], q: ReportQuery): Map<string, PermitVersion[]> {
  const out = new Map<string, PermitVersion[]>();
  for (const v of all) {
    if (q.permit !== undefined && v.id !== q.permit) continue;
    if (q.sites.length > 0 && !q.sites.includes(v.site)) continue;
    if (
      (v.effective_from ?? Number.NEGATIVE_INFINITY) >= q.to ||
      (v.effective_to ?? Number.POSITIVE_INFINITY) <= q.from
    )
      continue;
    out.set(v.id, [...(out.get(v.id) ?? []), v]);
  }
  return out;
}

function reportRules(meta: Meta, permit: Permit): ReportRule[] {
  return permit.rules.map((r) => {
    const s = meta.sensorById(r.sensor);
    return {
      id: r.id,
      sensor: r.sensor,
      sensorName: s?.name ?? null,
      unit: s?.unit ?? null,
      kind: r.kind,
      ...(r.min !== undefined ? { min: r.min } : {}),
      ...(r.max !== undefined ? { max: r.max } : {}),
      averaging: r.averaging,
      severity: r.severity,
      ...(r.source !== undefined ? { source: r.source } : {}),
      holdMs: holdMsFor(compileRule(r)),
    };
  });
}

async function gatherPermit(
  deps: Deps,
  versions: PermitVersion[],
  q: ReportQuery,
  dataTo: number,
): Promise<ReportPermit> {
  const last = versions[versions.length - 1];
  const out: ReportPermit = {
    id: last.id,
    title: last.permit.title,
    site: last.site,
    versions: [],
    days: [],
    breaches: [],
    withdrawn: [],
  };
  for (const v of versions) {
    const from = Math.max(q.from, v.effective_from ?? Number.NEGATIVE_INFINITY);
    const to = Math.min(q.to, v.effective_to ?? Number.POSITIVE_INFINITY);
    const rules = reportRules(deps.meta, v.permit);
    const rv: ReportVersion = { version: v.version, from, to, updatedAt: v.updated_at, updatedBy: v.updated_by, rules };
    out.versions.push(rv);
    const evalTo = Math.min(to, dataTo);
    if (evalTo <= from) continue;
    for (const rule of rules) {
      if (eligible(deps.store, rule)) {
        out.days.push(...(await rollupDays(deps.store, v.version, rule, from, evalTo, q.timeZone)));
        continue;
      }
      const fold = dayFold(v.version, rule, from, evalTo, q.timeZone);
      for await (const chunk of readingChunks(deps.store, rule.sensor, from - rule.holdMs, evalTo)) {
        fold.push(chunk.ts, chunk.value);
      }
      out.days.push(...fold.finish());
    }
  }
  const rows = deps.meta.listBreaches({ from: q.from, to: q.to, permit: last.id, sites: q.sites });
  const notes = notesByBreach(
    deps.meta,
    rows.map((r) => r.id),
  );
  const all = rows.map((r): ReportBreach => {
    const wm = deps.compliance
      ? deps.compliance.watermarkOf({ permit: r.permit, version: r.permit_version, rule: r.rule })
      : dataTo;
    const b = breachView(r, wm === null ? null : Math.min(wm, dataTo));
    return {
      id: b.id,
      version: b.permit_version,
      rule: b.rule,
      sensor: b.sensor,
      severity: b.severity,
      start: b.start,
      end: b.end,
      durationMs: b.duration_ms,
      peak: b.peak,
      peakTs: b.peak_ts,
      limit: b.limit,
      unit: b.unit,
      exceedance: b.exceedance,
      outOfBoundsMs: b.out_of_bounds_ms,
      availability: b.availability,
      ack: b.acknowledged,
      notes: notes.get(b.id) ?? [],
      withdrawn:
        b.withdrawn_at === null
          ? null
          : {
              at: b.withdrawn_at,
              reason: b.withdrawn_reason ?? '',
              detail: b.withdrawn_detail ?? {},
              mergedInto: b.merged_into,
            },
    };
  });
  out.breaches = all.filter((b) => b.withdrawn === null);
  out.withdrawn = all.filter((b) => b.withdrawn !== null);
  return out;
}

/** Everything the renderers need for [from, to); undefined when `permit` names no visible permit. */
export async function gatherReport(deps: Deps, q: ReportQuery): Promise<ReportData | undefined> {
  const groups = versionsInPeriod(deps.meta.permitVersions(), q);
  if (q.permit !== undefined && groups.size === 0) return undefined;
  const dataTo = Math.max(q.from, Math.min(q.to, q.now));
  const permits: ReportPermit[] = [];
  for (const versions of groups.values()) permits.push(await gatherPermit(deps, versions, q, dataTo));
  return { from: q.from, to: q.to, dataTo, timeZone: q.timeZone, generatedAt: q.now, generatedBy: q.user, permits };
}
