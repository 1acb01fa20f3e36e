import { describe, expect, it } from 'vitest';
import { currentMonth, isMonth, monthLabel, monthRange, shiftMonth } from './month.ts';

const HOUR = 3_600_000;

describe('months in Bogotá time', () => {
  it('starts a month at local midnight on the 1st (05:00 UTC) and ends at the next 1st', () => {
    expect(monthRange('2026-11')).toEqual({ from: Date.UTC(2026, 10, 1, 5), to: Date.UTC(2026, 11, 1, 5) });
    expect(monthRange('2026-12')).toEqual({ from: Date.UTC(2026, 11, 1, 5), to: Date.UTC(2027, 0, 1, 5) });
    const feb = monthRange('2028-02');
    expect((feb.to - feb.from) / (24 * HOUR)).toBe(29);
  });

  it('finds the current month on the Bogotá calendar, not the UTC one', () => {
    // 1 Dec 03:00 UTC is still 30 Nov 22:00 in Bogotá.
    expect(currentMonth(Date.UTC(2026, 11, 1, 3))).toBe('2026-11');
    expect(currentMonth(Date.UTC(2026, 11, 1, 5))).toBe('2026-12');
    expect(currentMonth(Date.UTC(2027, 0, 1, 4, 59))).toBe('2026-12');
  });

  it('works for zones with daylight saving too (through Intl)', () => {
    // Madrid is UTC+2 in summer: 1 July local midnight is 30 June 22:00 UTC.
    expect(monthRange('2026-07', 'Europe/Madrid').from).toBe(Date.UTC(2026, 5, 30, 22));
    expect(monthRange('2026-11', 'Europe/Madrid').from).toBe(Date.UTC(2026, 9, 31, 23));
  });

  it('steps months across years and checks the format', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-05', -17)).toBe('2024-12');
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(() => monthRange('nov')).toThrow(/YYYY-MM/);
  });

  it('names the month in the language', () => {
    expect(monthLabel('2026-11', 'es')).toBe('noviembre de 2026');
    expect(monthLabel('2026-11', 'es', true)).toBe('Noviembre de 2026');
    expect(monthLabel('2026-11', 'en')).toBe('November 2026');
  });
});
