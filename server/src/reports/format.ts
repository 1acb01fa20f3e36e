/**
 * @module reports/format
 * Times in the site's zone and numbers for people (HTML) and for machines (CSV). Never uses
 * the host's zone: every instant goes through the report's IANA zone or fixed offset.
 */
import { offsetAt } from '@vigia/shared';
import type { Lang } from './model.ts';

type Parts = { y: string; mo: string; d: string; h: string; mi: string; s: string; offsetMin: number };

function parts(ts: number, timeZone: string): Parts {
  const local = ts + offsetAt(ts, timeZone);
  const iso = new Date(local).toISOString();
  return {
    y: iso.slice(0, 4),
    mo: iso.slice(5, 7),
    d: iso.slice(8, 10),
    h: iso.slice(11, 13),
    mi: iso.slice(14, 16),
    s: iso.slice(17, 19),
    offsetMin: Math.round((local - ts) / 60_000),
  };
}

/** "-05:00" for Bogotá. */
export function offsetText(ts: number, timeZone: string): string {
  const m = parts(ts, timeZone).offsetMin;
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Local calendar date "2025-11-03". */
export function localDate(ts: number, timeZone: string): string {
  const p = parts(ts, timeZone);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** Local "2025-11-03 14:05" for people (the zone is stated once in the report header). */
export function localTime(ts: number, timeZone: string): string {
  const p = parts(ts, timeZone);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}`;
}

/** ISO 8601 with the zone's offset, "2025-11-03T14:05:00-05:00", for CSV. */
export function isoLocal(ts: number, timeZone: string): string {
  const p = parts(ts, timeZone);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}${offsetText(ts, timeZone)}`;
}

/** Duration for people: "2 h 05 min", "45 min", "3 d 4 h". */
export function durationText(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A number in the reader's convention (es-CO: 1.234,5; en: 1,234.5), at most `digits` decimals. */
export function numberText(value: number, lang: Lang, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(lang === 'es' ? 'es-CO' : 'en-US', { maximumFractionDigits: digits }).format(value);
}

/** Availability as a percentage with one decimal, "97,9 %" / "97.9 %". */
export function percentText(fraction: number, lang: Lang): string {
  return `${new Intl.NumberFormat(lang === 'es' ? 'es-CO' : 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(fraction * 100)} %`;
}

/** A number for CSV: plain JS notation, rounded to 6 significant decimals, no grouping. */
export function csvNumber(value: number | null | undefined, digits = 6): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Number(value.toFixed(digits)));
}
