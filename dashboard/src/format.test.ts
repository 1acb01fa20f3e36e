import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatLimit,
  formatSiteTime,
  formatTick,
  formatUnit,
  formatValue,
  fractionDigitsFor,
  localeFor,
} from './format.ts';

describe('formatValue', () => {
  it('writes comma decimals in Spanish (es-CO) and point decimals in English', () => {
    expect(localeFor('es')).toBe('es-CO');
    expect(formatValue(7.25, 'es')).toBe('7,25');
    expect(formatValue(7.25, 'en')).toBe('7.25');
  });

  it('keeps a fixed number of decimals per magnitude so a live value does not jump', () => {
    expect(formatValue(7.1, 'es')).toBe('7,10');
    expect(formatValue(0.0456, 'es')).toBe('0,046');
    expect(formatValue(123.44, 'es')).toBe('123,4');
    expect(fractionDigitsFor(12_345)).toBe(0);
  });

  it('groups thousands the local way', () => {
    expect(formatValue(12_345.6, 'es')).toBe('12.346');
    expect(formatValue(12_345.6, 'en')).toBe('12,346');
  });

  it('never prints a negative zero', () => {
    expect(formatValue(-0, 'es')).toBe('0,00');
    expect(formatValue(-0.0001, 'en', 2)).toBe('-0.00');
  });
});

describe('formatTick', () => {
  it('uses as many decimals as the tick step needs', () => {
    expect(formatTick(7.5, 0.5, 'es')).toBe('7,5');
    expect(formatTick(7.25, 0.05, 'es')).toBe('7,25');
    expect(formatTick(100, 20, 'en')).toBe('100');
  });
});

describe('formatUnit', () => {
  it('writes wire units the way people read them and passes unknown ones through', () => {
    expect(formatUnit('m3/h')).toBe('m³/h');
    expect(formatUnit('degC')).toBe('°C');
    expect(formatUnit('pH')).toBe('pH');
  });
});

describe('formatSiteTime', () => {
  const now = Date.UTC(2026, 10, 29, 19, 30); // 14:30 in Bogotá (UTC-5)
  const clock = (ts: number, lang: 'es' | 'en', zone = 'America/Bogota') =>
    formatSiteTime(ts, lang, zone, { style: 'clock', now });
  it('shows a 24-hour time for today', () => {
    expect(clock(Date.UTC(2026, 10, 29, 19, 5), 'es')).toBe('14:05');
    expect(clock(Date.UTC(2026, 10, 29, 19, 5), 'en')).toBe('14:05');
  });

  it('puts the day first when the time is not today', () => {
    expect(clock(Date.UTC(2026, 10, 28, 19, 5), 'es')).toBe('28/11 14:05');
  });

  it("is in the site's zone, and names it when asked", () => {
    const ts = Date.UTC(2026, 10, 29, 19, 5);
    expect(clock(ts, 'es', 'Asia/Tokyo')).toBe('04:05');
    expect(formatSiteTime(ts, 'es', 'America/Bogota', { style: 'clock', now, named: true })).toBe(
      '14:05 (hora de Bogotá)',
    );
    expect(formatSiteTime(ts, 'en', 'America/Lima', { style: 'clock', now, named: true })).toBe('14:05 (Lima time)');
    expect(formatSiteTime(ts, 'en', 'UTC', { style: 'clock_seconds', now, named: true })).toBe('19:05:00 (UTC)');
  });
});

describe('compliance formats', () => {
  it('writes durations with the two largest units', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatDuration(45_999)).toBe('45 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('2 h 05 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 1)).toBe('3 d 4 h');
    expect(formatDuration(86_400_000)).toBe('1 d');
  });

  it('writes dates in Bogotá time whatever the browser zone', () => {
    // 1 Dec 03:30 UTC is 30 Nov 22:30 in Bogotá.
    const ts = Date.UTC(2026, 11, 1, 3, 30);
    expect(formatSiteTime(ts, 'es', 'America/Bogota', { style: 'datetime' })).toMatch(/^30\/11\/2026,? 22:30$/);
    expect(formatSiteTime(ts, 'en', 'America/Bogota', { style: 'datetime' })).toMatch(/^11\/30\/2026,? 22:30$/);
  });

  it('writes limits without forced decimals', () => {
    expect(formatLimit(6, 'es')).toBe('6');
    expect(formatLimit(0.5, 'es')).toBe('0,5');
    expect(formatLimit(1500, 'en')).toBe('1,500');
  });
});
