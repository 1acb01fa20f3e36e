import { describe, expect, it } from 'vitest';
import { isSilent, nextInterval, SILENT_FLOOR_MS, silentAfterMs } from './sensor-health.ts';

describe('nextInterval', () => {
  it('starts from the median gap of the first batch', () => {
    expect(nextInterval({ last_ts: null, interval_ms: null }, [3000, 1000, 2000, 2000, 10_000])).toEqual({
      last_ts: 10_000,
      interval_ms: 1000,
    });
  });
  it('counts the gap from the previous newest reading', () => {
    expect(nextInterval({ last_ts: 0, interval_ms: null }, [60_000])).toEqual({ last_ts: 60_000, interval_ms: 60_000 });
  });
  it('keeps the estimate for a lone first reading or late data', () => {
    expect(nextInterval({ last_ts: null, interval_ms: null }, [5])).toEqual({ last_ts: 5, interval_ms: null });
    expect(nextInterval({ last_ts: 100, interval_ms: 10 }, [50])).toEqual({ last_ts: 100, interval_ms: 10 });
  });
  it('an outage gap moves a fast sensor only a little (clamped), and the estimate recovers', () => {
    let s = nextInterval({ last_ts: 0, interval_ms: 1000 }, [3_600_000]);
    expect(s.interval_ms).toBe(1000 + 0.25 * 9000);
    for (let i = 1; i <= 20; i++) s = nextInterval(s, [3_600_000 + i * 1000]);
    expect(s.interval_ms!).toBeLessThan(1010);
  });
});

describe('silence', () => {
  it('uses a 5-minute floor, or 3 intervals for slow sensors', () => {
    expect(silentAfterMs(null)).toBe(SILENT_FLOOR_MS);
    expect(silentAfterMs(1000)).toBe(SILENT_FLOOR_MS);
    expect(silentAfterMs(600_000)).toBe(1_800_000);
    expect(isSilent(null, null, 0)).toBe(true);
    expect(isSilent(0, 1000, 300_000)).toBe(false);
    expect(isSilent(0, 1000, 300_001)).toBe(true);
  });
});
