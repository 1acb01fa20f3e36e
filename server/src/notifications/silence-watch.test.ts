// Which devices count as gone silent (pure, over meta rows): every sensor silent, heard from at
// least once, not revoked, and the silence younger than a day.
import { describe, expect, it } from 'vitest';
import type { DeviceRow } from '../meta/devices.ts';
import type { SensorRow } from '../meta/sensors.ts';
import { SILENCE_MAX_AGE_MS, silentDevices } from './silence-watch.ts';

const T = 1_764_000_000_000;
const MIN = 60_000;
const device = (id: string, revoked_at: number | null = null) =>
  ({ id, site: 'mobile-plant', revoked_at }) as DeviceRow;
const sensor = (id: string, dev: string, last_ts: number | null, interval_ms: number | null = MIN) =>
  ({ id, device: dev, site: 'mobile-plant', last_ts, interval_ms }) as SensorRow;
const meta = (devices: DeviceRow[], sensors: SensorRow[]) => ({
  listDevices: () => devices,
  listSensors: () => sensors,
});

describe('silentDevices', () => {
  it('finds a device once all its sensors are silent, named by its newest reading', () => {
    const m = meta([device('plant-01')], [sensor('a', 'plant-01', T), sensor('b', 'plant-01', T - 2 * MIN, 10 * MIN)]);
    // a: silent after 5 min; b: after 30 min (3 × 10 min), so from T - 2 min + 30 min on.
    expect(silentDevices(m, T + 10 * MIN)).toEqual([]);
    expect(silentDevices(m, T + 28 * MIN)).toEqual([]);
    expect(silentDevices(m, T + 31 * MIN)).toEqual([
      { device: 'plant-01', site: 'mobile-plant', lastTs: T, silentAfterMs: 30 * MIN },
    ]);
  });

  it('leaves out a revoked device, one never heard from, one without sensors, and a silence over a day old', () => {
    const m = meta(
      [device('revoked', T), device('never'), device('empty'), device('old')],
      [sensor('r', 'revoked', T), sensor('n', 'never', null), sensor('o', 'old', T)],
    );
    expect(silentDevices(m, T + 10 * MIN)).toEqual([expect.objectContaining({ device: 'old' })]);
    expect(silentDevices(m, T + 5 * MIN + SILENCE_MAX_AGE_MS + 1)).toEqual([]);
  });
});
