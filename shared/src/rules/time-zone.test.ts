import { describe, expect, it } from 'vitest';
import { dayClock, fixedOffsetMs } from './time-zone.ts';

const H = 3_600_000;

describe('dayClock', () => {
  it('Bogotá days run 05:00Z to 05:00Z (UTC−5, no DST)', () => {
    const day = dayClock()(Date.UTC(2025, 10, 3, 4, 59)); // 23:59 on 2 Nov local
    expect(day).toEqual({ start: Date.UTC(2025, 10, 2, 5), end: Date.UTC(2025, 10, 3, 5) });
    expect(dayClock('America/Bogota')(Date.UTC(2025, 10, 3, 5)).start).toBe(Date.UTC(2025, 10, 3, 5));
  });

  it('the arithmetic Bogotá offset agrees with the Intl zone database all year', () => {
    // "-05:00" is arithmetic too; "America/Lima" (also UTC−5, no DST) goes through Intl.
    const intl = dayClock('America/Lima');
    const fixed = dayClock('-05:00');
    for (let ts = Date.UTC(2025, 0, 1); ts < Date.UTC(2026, 0, 1); ts += 7 * H + 13 * 60_000) {
      expect(intl(ts)).toEqual(fixed(ts));
    }
  });

  it('an IANA zone with daylight saving has a 23 h day (Madrid, 30 Mar 2025)', () => {
    const day = dayClock('Europe/Madrid')(Date.UTC(2025, 2, 30, 12));
    expect(day).toEqual({ start: Date.UTC(2025, 2, 29, 23), end: Date.UTC(2025, 2, 30, 22) });
    expect(day.end - day.start).toBe(23 * H);
  });

  it('parses fixed offsets and refuses an unknown zone at setup', () => {
    expect(fixedOffsetMs('UTC+05:30')).toBe(5.5 * H);
    expect(fixedOffsetMs('Europe/Madrid')).toBeUndefined();
    expect(() => dayClock('Mars/Olympus')).toThrow(RangeError);
  });
});
