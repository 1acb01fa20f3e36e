/**
 * @module reports/csv
 * The compliance report as one CSV file with sections (report, permit_versions, rules, daily,
 * breaches, summary), each a header row then its rows, a blank line between sections.
 * RFC 4180: CRLF line ends, every text cell quoted with `"` doubled. Text cells starting with
 * = + - @ (or tab / CR) get a leading `'` so a spreadsheet never runs them as a formula (CSV
 * injection); numbers we compute are written bare. Column names are stable English keys and
 * times ISO 8601 with the site's offset, whatever `lang` the HTML uses: it is the data annex.
 */
import { csvNumber, isoLocal, localDate } from './format.ts';
import { type ReportBreach, type ReportData, type ReportPermit, type ReportRule, reportSites } from './model.ts';
import { excessOf, summarize } from './summary.ts';

/** A cell we wrote as a number; every other cell is text. */
class Num {
  constructor(readonly text: string) {}
}
const num = (v: number | null | undefined, digits?: number) => new Num(csvNumber(v, digits));
type Cell = string | Num | null | undefined;

/** One RFC 4180 text cell, defused against formula injection. */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function row(cells: Cell[]): string {
  return cells.map((c) => (c instanceof Num ? c.text : c === null || c === undefined ? '' : csvText(c))).join(',');
}

function limitCells(r: ReportRule): Cell[] {
  return [num(r.min), num(r.max)];
}

/** The report as CSV text (UTF-8 with BOM, so spreadsheets read the accents). */
export function renderCsv(data: ReportData): string {
  const tz = data.timeZone;
  const t = (ms: number | null) => (ms === null ? null : isoLocal(ms, tz));
  const lines: string[] = [];
  const section = (header: string[], rows: Cell[][]) => {
    if (lines.length) lines.push('');
    lines.push(row(header));
    for (const r of rows) lines.push(row(r));
  };
  section(
    ['report', 'value'],
    [
      ['period_from', t(data.from)],
      ['period_to', t(data.to)],
      ['data_evaluated_to', t(data.dataTo)],
      ['time_zone', tz],
      ['sites', reportSites(data).join(' ')],
      ['generated_at', t(data.generatedAt)],
      ['generated_by', data.generatedBy],
    ],
  );
  const ps = data.permits;
  section(
    ['permit_versions', 'permit', 'title', 'site', 'version', 'applies_from', 'applies_to', 'updated_at', 'updated_by'],
    ps.flatMap((p) =>
      p.versions.map((v) => [
        '',
        p.id,
        p.title,
        p.site,
        num(v.version),
        t(v.from),
        t(v.to),
        t(v.updatedAt),
        v.updatedBy,
      ]),
    ),
  );
  section(
    [
      'rules',
      'permit',
      'version',
      'rule',
      'sensor',
      'sensor_name',
      'unit',
      'kind',
      'min',
      'max',
      'averaging',
      'severity',
      'source',
    ],
    ps.flatMap((p) =>
      p.versions.flatMap((v) =>
        v.rules.map((r) => [
          '',
          p.id,
          num(v.version),
          r.id,
          r.sensor,
          r.sensorName,
          r.unit,
          r.kind,
          ...limitCells(r),
          r.averaging,
          r.severity,
          r.source,
        ]),
      ),
    ),
  );
  section(
    [
      'daily',
      'permit',
      'version',
      'rule',
      'sensor',
      'day',
      'window_h',
      'covered_h',
      'availability_pct',
      'daily_mean',
      'daily_total',
      'total_unit',
    ],
    ps.flatMap((p) =>
      p.days.map((d) => [
        '',
        p.id,
        num(d.version),
        d.rule,
        d.sensor,
        d.day,
        num((d.end - d.start) / 3_600_000, 4),
        num(d.coveredMs / 3_600_000, 4),
        num(d.availability * 100, 2),
        num(d.mean),
        num(d.total),
        d.totalUnit,
      ]),
    ),
  );
  // Every breach column once, by its stable key; the two breach sections pick from these.
  const breachCell = {
    permit: (p) => p.id,
    version: (_, b) => num(b.version),
    id: (_, b) => num(b.id),
    rule: (_, b) => b.rule,
    sensor: (_, b) => b.sensor,
    severity: (_, b) => b.severity,
    start: (_, b) => t(b.start),
    end: (_, b) => t(b.end),
    duration_min: (_, b) => num(b.durationMs / 60_000, 2),
    peak: (_, b) => num(b.peak),
    peak_at: (_, b) => t(b.peakTs),
    limit: (_, b) => num(b.limit),
    unit: (_, b) => b.unit,
    excess: (_, b) => num(excessOf(b).excess),
    exceedance_unit_s: (_, b) => num(b.exceedance),
    out_of_bounds_min: (_, b) => num(b.outOfBoundsMs / 60_000, 2),
    ack_by: (_, b) => b.ack?.by,
    ack_at: (_, b) => (b.ack ? t(b.ack.at) : null),
    ack_note: (_, b) => b.ack?.note,
    availability_pct: (_, b) => (b.availability === null ? null : num(b.availability * 100, 1)),
    operator_notes: (_, b) => (b.notes ?? []).map((n) => `${t(n.at)} ${n.by}: ${n.note}`).join(' | ') || null,
    withdrawn_at: (_, b) => t(b.withdrawn?.at ?? null),
    withdrawn_reason: (_, b) => b.withdrawn?.reason,
    merged_into: (_, b) => (b.withdrawn?.mergedInto == null ? null : num(b.withdrawn.mergedInto)),
    data_sensor: (_, b) => (typeof b.withdrawn?.detail.sensor === 'string' ? b.withdrawn.detail.sensor : null),
    data_from: (_, b) => (typeof b.withdrawn?.detail.from === 'number' ? t(b.withdrawn.detail.from) : null),
    data_to: (_, b) => (typeof b.withdrawn?.detail.to === 'number' ? t(b.withdrawn.detail.to) : null),
  } satisfies Record<string, (p: ReportPermit, b: ReportBreach) => Cell>;
  const breachSection = (
    name: string,
    columns: (keyof typeof breachCell)[],
    list: (p: ReportPermit) => ReportBreach[],
  ) =>
    section(
      [name, ...columns],
      ps.flatMap((p) => list(p).map((b) => ['', ...columns.map((k) => breachCell[k](p, b))])),
    );
  breachSection(
    'breaches',
    [
      'permit',
      'version',
      'id',
      'rule',
      'sensor',
      'severity',
      'start',
      'end',
      'duration_min',
      'peak',
      'peak_at',
      'limit',
      'unit',
      'excess',
      'exceedance_unit_s',
      'out_of_bounds_min',
      'ack_by',
      'ack_at',
      'ack_note',
      'availability_pct',
      'operator_notes',
    ],
    (p) => p.breaches,
  );
  // Withdrawn breaches apart: kept as a record, not counted in the summary.
  breachSection(
    'withdrawn_breaches',
    [
      'permit',
      'version',
      'id',
      'rule',
      'sensor',
      'start',
      'end',
      'peak',
      'unit',
      'withdrawn_at',
      'withdrawn_reason',
      'merged_into',
      'data_sensor',
      'data_from',
      'data_to',
    ],
    (p) => p.withdrawn,
  );
  section(
    [
      'summary',
      'permit',
      'rule',
      'breaches',
      'time_in_breach_min',
      'worst_excess',
      'worst_excess_pct',
      'worst_breach_id',
      'availability_pct',
    ],
    summarize(data).flatMap((s) =>
      [...s.rules, { ...s, rule: '*' }].map((r) => [
        '',
        s.permit,
        r.rule,
        num(r.breaches),
        num(r.timeInBreachMs / 60_000, 2),
        num(r.worst?.excess),
        num(r.worst?.pct, 2),
        num(r.worst?.breach),
        num(r.availability === null ? null : r.availability * 100, 2),
      ]),
    ),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** `vigia-compliance-<site>-<from>-<to>.csv`, only filename-safe characters. */
export function csvFilename(data: ReportData): string {
  const sites = reportSites(data);
  const site = sites.length === 1 ? sites[0] : 'all-sites';
  const last = localDate(data.to - 1, data.timeZone);
  return `vigia-compliance-${site}-${localDate(data.from, data.timeZone)}-${last}.csv`.replace(/[^A-Za-z0-9_.-]/g, '_');
}
