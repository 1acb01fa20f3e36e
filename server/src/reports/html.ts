/**
 * @module reports/html
 * The compliance report as one self-contained HTML page that prints to A4 (html-style.ts).
 * Every piece of user text (permit titles, sensor names, sources, acknowledgement notes) goes
 * through `esc`; the fixed texts come from i18n.ts by `lang`. No script, no external asset.
 */

import { durationText, localTime, numberText, offsetText, percentText } from './format.ts';
import { REPORT_CSS } from './html-style.ts';
import { TEXTS, type Texts } from './i18n.ts';
import {
  type Lang,
  type ReportBreach,
  type ReportData,
  type ReportPermit,
  type ReportRule,
  reportSites,
} from './model.ts';
import { type Excess, excessOf, type PermitSummary, type RuleSummary, summarize } from './summary.ts';

/** HTML-escape text for element content and quoted attributes. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Ctx = { tx: Texts; lang: Lang; tz: string; data: ReportData };

const table = (head: string[], rows: string[], numeric: number[] = []) =>
  `<table><thead><tr>${head.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
const td = (html: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;

function limitText(r: ReportRule, c: Ctx): string {
  const u = r.unit ? ` ${esc(r.unit)}` : '';
  if (r.kind === 'range') return `${numberText(r.min!, c.lang)} – ${numberText(r.max!, c.lang)}${u}`;
  const v = r.kind === 'max' ? r.max! : r.min!;
  return `${c.tx.kinds[r.kind]} ${numberText(v, c.lang)}${u}`;
}

function excessText(e: Excess | null, c: Ctx): string {
  if (!e) return '—';
  const pct = e.pct === null ? '' : ` (${numberText(e.pct, c.lang, 1)} %)`;
  return `${numberText(e.excess, c.lang)}${e.unit ? ` ${esc(e.unit)}` : ''}${pct}`;
}

const availText = (a: number | null, c: Ctx) =>
  a === null ? '—' : `<span${a < 0.9 ? ' class="low"' : ''}>${percentText(a, c.lang)}</span>`;

function summaryRows(rows: (RuleSummary & { label: string })[], c: Ctx): string[] {
  return rows.map(
    (s) =>
      `<tr>${td(esc(s.label))}${td(String(s.breaches), 'n')}${td(durationText(s.timeInBreachMs), 'n')}${td(excessText(s.worst, c), 'n')}${td(availText(s.availability, c), 'n')}</tr>`,
  );
}
const summaryHead = (c: Ctx, first: string) => [
  first,
  c.tx.breachCount,
  c.tx.timeInBreach,
  c.tx.worstExceedance,
  c.tx.availability,
];

function versionsPart(p: ReportPermit, c: Ctx): string {
  const rows = p.versions.map(
    (v) =>
      `<tr>${td(String(v.version), 'n')}${td(localTime(v.from, c.tz), 't')}${td(localTime(v.to, c.tz), 't')}${td(`${esc(v.updatedBy)}, ${localTime(v.updatedAt, c.tz)}`)}</tr>`,
  );
  const changed = p.versions.length > 1 ? `<p class="note warn">${esc(c.tx.versionChanged)}</p>` : '';
  return `<h3>${esc(c.tx.versions)}</h3>${changed}${table([c.tx.version, c.tx.appliesFrom, c.tx.appliesTo, c.tx.updatedBy], rows, [0])}`;
}

function rulesPart(p: ReportPermit, c: Ctx): string {
  const multi = p.versions.length > 1;
  const rows = p.versions.flatMap((v) =>
    v.rules.map((r) => {
      const sensor = r.sensorName ? `${esc(r.sensorName)} (${esc(r.sensor)})` : esc(r.sensor);
      const src = r.source ? esc(r.source) : `<em>${esc(c.tx.noSource)}</em>`;
      const sev = `<span class="sev-${esc(r.severity)}">${esc(r.severity)}</span>`;
      return `<tr>${td(`${esc(r.id)}${multi ? ` (v${v.version})` : ''}`)}${td(sensor)}${td(limitText(r, c), 'n')}${td(esc(r.averaging))}${td(sev)}${td(src, 'src')}</tr>`;
    }),
  );
  return `<h3>${esc(c.tx.rules)}</h3>${table([c.tx.rule, c.tx.sensor, c.tx.limit, c.tx.averaging, c.tx.severity, c.tx.source], rows, [2])}`;
}

function breachesPart(p: ReportPermit, c: Ctx): string {
  if (p.breaches.length === 0) return `<h3>${esc(c.tx.breaches)}</h3><p>${esc(c.tx.noBreaches)}</p>`;
  const head = [c.tx.rule, c.tx.start, c.tx.end, c.tx.duration, c.tx.peak, c.tx.limit, c.tx.excess, c.tx.dataShare];
  // One tbody per breach: its figures, then the acknowledgement across the page, never split.
  const bodies = p.breaches.map((b) => {
    const u = b.unit ? ` ${esc(b.unit)}` : '';
    const end = b.end === null ? `<em>${esc(c.tx.open)}</em>` : localTime(b.end, c.tz);
    const ack = b.ack
      ? `${esc(b.ack.note)} <span class="note">(${esc(b.ack.by)}, ${localTime(b.ack.at, c.tz)})</span>`
      : `<em>${esc(c.tx.notAcked)}</em>`;
    const peak = `${numberText(b.peak, c.lang)}${u}<br><span class="note">${localTime(b.peakTs, c.tz)}</span>`;
    const figures = `<tr>${td(`${esc(b.rule)} <span class="note">v${b.version}</span><br><span class="note">${esc(b.sensor)}</span>`)}${td(localTime(b.start, c.tz), 't')}${td(end, 't')}${td(durationText(b.durationMs), 'n')}${td(peak, 'n')}${td(`${numberText(b.limit, c.lang)}${u}`, 'n')}${td(excessText(excessOf(b), c), 'n')}${td(availText(b.availability, c), 'n')}</tr>`;
    const notes = (b.notes ?? [])
      .map(
        (n) =>
          `<br><strong>${esc(c.tx.operatorNote)}:</strong> ${esc(n.note)} <span class="note">(${esc(n.by)}, ${localTime(n.at, c.tz)})</span>`,
      )
      .join('');
    return `<tbody class="breach">${figures}<tr class="ack"><td colspan="${head.length}"><strong>${esc(c.tx.ack)}:</strong> ${ack}${notes}</td></tr></tbody>`;
  });
  const th = head.map((h, i) => `<th${i >= 3 ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  return `<h3>${esc(c.tx.breaches)}</h3><table><thead><tr>${th}</tr></thead>${bodies.join('')}</table><p class="note">${esc(c.tx.exceedanceNote)} ${esc(c.tx.dataShareNote)}</p>`;
}

/** Why a breach was withdrawn, in words: the reason, and which data or which breach it went into. */
function withdrawnText(b: ReportBreach, c: Ctx): string {
  const w = b.withdrawn!;
  const reason = esc(c.tx.reasons[w.reason] ?? w.reason);
  if (w.mergedInto !== null) return `${reason} ${esc(w.mergedInto)}`;
  const { sensor, from, to } = w.detail;
  if (typeof from !== 'number') return reason;
  const until = typeof to === 'number' ? to : from;
  return `${reason}: ${esc(sensor ?? b.sensor)}, ${localTime(from, c.tz)} – ${localTime(until, c.tz)}`;
}

/** Withdrawn breaches in their own section: kept as a record, never counted in the summary. */
function withdrawnPart(p: ReportPermit, c: Ctx): string {
  const title = `<h3>${esc(c.tx.withdrawnTitle)}</h3>`;
  if (p.withdrawn.length === 0) return `${title}<p>${esc(c.tx.noWithdrawn)}</p>`;
  const rows = p.withdrawn.map((b) => {
    const u = b.unit ? ` ${esc(b.unit)}` : '';
    const end = b.end === null ? `<em>${esc(c.tx.open)}</em>` : localTime(b.end, c.tz);
    return `<tr class="withdrawn">${td(`${esc(b.id)} · ${esc(b.rule)} <span class="note">v${b.version}</span>`)}${td(localTime(b.start, c.tz), 't')}${td(end, 't')}${td(`${numberText(b.peak, c.lang)}${u}`, 'n')}${td(localTime(b.withdrawn!.at, c.tz), 't')}${td(withdrawnText(b, c))}</tr>`;
  });
  const head = [c.tx.rule, c.tx.start, c.tx.end, c.tx.peak, c.tx.withdrawnAt, c.tx.withdrawnWhy];
  return `${title}${table(head, rows, [3])}<p class="note">${esc(c.tx.withdrawnNote)}</p>`;
}

function dailyPart(p: ReportPermit, c: Ctx): string {
  const hasMean = p.days.some((d) => d.mean !== undefined);
  const hasTotal = p.days.some((d) => d.total !== undefined);
  const rows = p.days.map((d) => {
    const mean = hasMean ? td(d.mean === undefined || d.mean === null ? '—' : numberText(d.mean, c.lang), 'n') : '';
    const total = hasTotal
      ? td(
          d.total === undefined || d.total === null ? '—' : `${numberText(d.total, c.lang)} ${esc(d.totalUnit ?? '')}`,
          'n',
        )
      : '';
    return `<tr>${td(d.day, 't')}${td(esc(d.rule))}${td(availText(d.availability, c), 'n')}${mean}${total}</tr>`;
  });
  const head = [
    c.tx.day,
    c.tx.rule,
    c.tx.availability,
    ...(hasMean ? [c.tx.dailyMean] : []),
    ...(hasTotal ? [c.tx.dailyTotal] : []),
  ];
  return `<h3>${esc(c.tx.daily)}</h3>${table(head, rows, [2, 3, 4])}<p class="note">${esc(c.tx.availabilityNote)}</p>`;
}

function permitPart(p: ReportPermit, s: PermitSummary, c: Ctx, first: boolean): string {
  const rows = summaryRows(
    s.rules.map((r) => ({ ...r, label: r.rule })),
    c,
  );
  return `<section class="permit${first ? ' first' : ''}"><h2>${esc(c.tx.permit)}: ${esc(p.title)} <span class="note">(${esc(p.id)} · ${esc(p.site)})</span></h2>
${versionsPart(p, c)}${rulesPart(p, c)}<h3>${esc(c.tx.summary)}</h3>${table(summaryHead(c, c.tx.rule), rows, [1, 2, 3, 4])}
${breachesPart(p, c)}${withdrawnPart(p, c)}${dailyPart(p, c)}</section>`;
}

/** The whole report as an HTML document. */
export function renderHtml(data: ReportData, lang: Lang): string {
  const c: Ctx = { tx: TEXTS[lang], lang, tz: data.timeZone, data };
  const sums = summarize(data);
  const sites = reportSites(data).join(', ') || '—';
  const tzText = `${data.timeZone} (UTC${offsetText(data.from, data.timeZone)})`;
  const meta = [
    [c.tx.site, esc(sites)],
    [c.tx.period, `${localTime(data.from, c.tz)} – ${localTime(data.to, c.tz)}`],
    [c.tx.timeZone, `${esc(tzText)}. ${esc(c.tx.timesNote)}.`],
    [c.tx.dataTo, localTime(data.dataTo, c.tz)],
    [c.tx.generated, `${localTime(data.generatedAt, c.tz)} ${esc(c.tx.by)} ${esc(data.generatedBy)}`],
  ];
  const overview = summaryRows(
    sums.map((s) => ({ ...s, label: s.permit })),
    c,
  );
  const body = data.permits.length
    ? data.permits.map((p, i) => permitPart(p, sums[i], c, i === 0)).join('\n')
    : `<p>${esc(c.tx.noPermits)}</p>`;
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(c.tx.title)}</title><style>${REPORT_CSS}</style></head>
<body><header class="report"><h1>${esc(c.tx.title)}</h1><dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl></header>
<h2>${esc(c.tx.overview)}</h2>${table(summaryHead(c, c.tx.permit), overview, [1, 2, 3, 4])}
${body}
</body></html>
`;
}
