import { describe, expect, it } from 'vitest';
import {
  EPISODE,
  FAN_SLOT_MS,
  fanRunning,
  localHour,
  NOMINAL_ORE_TPH,
  outageResponse,
  quantize,
  RECIRC_FRACTION_MEAN,
  randomOutage,
  SIM_SENSOR_IDS,
  type SimOptions,
  type SimSensorId,
  shiftLoad,
  simulate,
  WATER_PER_TONNE_M3,
} from './model.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2026-11-29 09:00 in Colombia (UTC-5) = 14:00 UTC: the day shift is running. */
const NINE_AM_BOGOTA = Date.UTC(2026, 10, 29, 14, 0, 0);

function opts(over: Partial<SimOptions> = {}): SimOptions {
  return { seed: 1, startMs: NINE_AM_BOGOTA, ...over };
}

/** Sample one sensor every `stepMs` from start over `spanMs`: [secondsAfterStart, value][]. */
function series(o: SimOptions, id: SimSensorId, spanMs: number, stepMs = 1000): [number, number][] {
  const out: [number, number][] = [];
  for (let t = 0; t <= spanMs; t += stepMs) out.push([t / 1000, simulate(o, o.startMs + t)[id]]);
  return out;
}

/** The first contiguous run of samples for which `test` holds: [first, last] seconds. */
function firstRun(samples: [number, number][], test: (v: number) => boolean): [number, number] | undefined {
  const start = samples.findIndex(([, v]) => test(v));
  if (start < 0) return undefined;
  let end = start;
  while (end + 1 < samples.length && test(samples[end + 1]![1])) end++;
  return [samples[start]![0], samples[end]![0]];
}

describe('determinism', () => {
  it('gives the same values for the same seed and time, different ones for another seed', () => {
    const times = [0, 1_000, 47_500, 3 * HOUR, 26 * HOUR].map((d) => NINE_AM_BOGOTA + d);
    for (const t of times) expect(simulate(opts(), t)).toEqual(simulate(opts(), t));
    const a = times.map((t) => simulate(opts({ seed: 1 }), t));
    const b = times.map((t) => simulate(opts({ seed: 2 }), t));
    expect(a).not.toEqual(b);
  });

  it('does not depend on the order or history of calls (pure function of time)', () => {
    const o = opts();
    const t = NINE_AM_BOGOTA + 80_000;
    const fresh = simulate(o, t);
    for (let s = 0; s < 200; s += 7) simulate(o, NINE_AM_BOGOTA + s * 1000);
    expect(simulate(o, t)).toEqual(fresh);
  });
});

describe('physical bounds', () => {
  it('keeps every value physical over two days, every 20 s, for several seeds', () => {
    const bounds: Record<SimSensorId, [number, number]> = {
      'plant.ore_feed': [0, NOMINAL_ORE_TPH * 1.2],
      'plant.water_in': [0, 50],
      'plant.water_recirc': [0, 50],
      'plant.discharge_ph': [0, 14],
      'plant.discharge_turbidity': [0.1, 200],
      'tunnel.ch4': [0, 4.99], // never reaches the lower explosive limit
      'tunnel.co': [0, 200],
      'tunnel.o2': [15, 21.5],
      'tunnel.no2': [0, 10],
      'tunnel.air_velocity': [0, 3],
    };
    const violations: string[] = [];
    let lowestO2 = 21.5;
    for (const seed of [1, 2, 3, 42]) {
      const o = opts({ seed, startMs: NINE_AM_BOGOTA - 5 * HOUR });
      for (let t = 0; t < 48 * HOUR; t += 20_000) {
        const v = simulate(o, o.startMs + t);
        lowestO2 = Math.min(lowestO2, v['tunnel.o2']);
        for (const id of SIM_SENSOR_IDS) {
          const [lo, hi] = bounds[id];
          if (!(v[id] >= lo && v[id] <= hi)) violations.push(`seed ${seed} +${t / 1000}s ${id}=${v[id]}`);
        }
      }
    }
    expect(violations.slice(0, 10)).toEqual([]);
    expect(lowestO2).toBeLessThan(20); // the window did include fan trips
  });

  it('keeps discharge pH within 6.8-7.6 outside the episode', () => {
    const o = opts({ episode: false });
    for (let t = 0; t < 24 * HOUR; t += 15_000) {
      const ph = simulate(o, o.startMs + t)['plant.discharge_ph'];
      expect(ph).toBeGreaterThanOrEqual(6.8);
      expect(ph).toBeLessThanOrEqual(7.6);
    }
  });

  it('quantizes to the instrument resolution without binary noise', () => {
    expect(quantize(7.123456, 0.01)).toBe(7.12);
    expect(quantize(35.249, 0.1)).toBe(35.2);
    expect(String(quantize(0.1 + 0.2, 0.01))).toBe('0.3');
  });
});

describe('plant', () => {
  it('follows the shifts: stopped at night and in pauses, ramping at the edges, nominal mid-shift', () => {
    expect(shiftLoad(3)).toBe(0);
    expect(shiftLoad(5.99)).toBe(0);
    expect(shiftLoad(6.125)).toBeCloseTo(0.5, 5); // half-way up the 15-minute ramp
    expect(shiftLoad(8)).toBe(1);
    expect(shiftLoad(10.25)).toBe(0); // meal pause
    expect(shiftLoad(13.9)).toBe(0); // clean-down and hand-over
    expect(shiftLoad(16)).toBe(1); // second shift
    expect(shiftLoad(21.9)).toBe(0);
    expect(shiftLoad(23)).toBe(0);
  });

  it('reads local time in Colombia (UTC-5) and can pin the start hour', () => {
    expect(localHour(opts(), NINE_AM_BOGOTA)).toBeCloseTo(9, 9);
    const night = Date.UTC(2026, 10, 29, 7, 0, 0); // 02:00 in Bogotá
    expect(simulate(opts({ startMs: night }), night)['plant.ore_feed']).toBe(0);
    const pinned = opts({ startMs: night, localStartHour: 9 });
    expect(localHour(pinned, night + HOUR)).toBeCloseTo(10, 9);
    expect(simulate(pinned, night)['plant.ore_feed']).toBeGreaterThan(NOMINAL_ORE_TPH * 0.8);
  });

  it('draws water in proportion to the feed, split by the recirculated fraction', () => {
    const o = opts();
    for (let t = 0; t < 8 * HOUR; t += 7 * MIN) {
      const v = simulate(o, o.startMs + t);
      const total = v['plant.water_in'] + v['plant.water_recirc'];
      expect(total).toBeCloseTo(v['plant.ore_feed'] * WATER_PER_TONNE_M3, 0);
      if (v['plant.ore_feed'] > 1) {
        const f = v['plant.water_recirc'] / total;
        expect(f).toBeGreaterThan(RECIRC_FRACTION_MEAN - 0.1);
        expect(f).toBeLessThan(RECIRC_FRACTION_MEAN + 0.1);
      } else if (v['plant.ore_feed'] === 0) {
        expect(total).toBe(0);
      }
    }
  });

  it('makes the discharge murkier while the plant runs than at night', () => {
    const o = opts({ episode: false });
    const at = (h: number) => simulate(o, NINE_AM_BOGOTA + (h - 9) * HOUR)['plant.discharge_turbidity'];
    expect(at(11.75)).toBeGreaterThan(at(3) + 10);
  });
});

describe('tunnel', () => {
  it('trips the fan now and then over a week, and gas climbs while it is off', () => {
    const o = opts({ episode: false });
    const trips = [];
    for (let k = Math.floor(o.startMs / FAN_SLOT_MS); k < Math.floor(o.startMs / FAN_SLOT_MS) + 56; k++) {
      const trip = randomOutage(o.seed, k);
      if (trip) trips.push(trip);
    }
    expect(trips.length).toBeGreaterThan(5);
    expect(trips.length).toBeLessThan(45);
    const trip = trips[0]!;
    expect(fanRunning(o, trip.at - 1000)).toBe(true);
    expect(fanRunning(o, trip.at + 1000)).toBe(false);
    expect(fanRunning(o, trip.end + 1000)).toBe(true);
    const before = simulate(o, trip.at - 1000);
    const during = simulate(o, trip.at + 120_000);
    expect(during['tunnel.air_velocity']).toBeLessThan(before['tunnel.air_velocity'] / 3);
    expect(during['tunnel.ch4']).toBeGreaterThan(before['tunnel.ch4'] + 0.5);
    expect(during['tunnel.co']).toBeGreaterThan(before['tunnel.co'] + 15);
    expect(during['tunnel.o2']).toBeLessThan(before['tunnel.o2'] - 0.5);
    const after = simulate(o, trip.end + 5 * MIN);
    expect(after['tunnel.ch4']).toBeLessThan(0.3);
    expect(after['tunnel.air_velocity']).toBeGreaterThan(1);
  });

  it('chains the first-order response across outages', () => {
    const outages = [
      { at: 0, end: 30_000 },
      { at: 40_000, end: 70_000 },
    ];
    expect(outageResponse(outages, -1, 30, 10)).toBe(0);
    expect(outageResponse(outages, 30_000, 30, 10)).toBeCloseTo(1 - Math.exp(-1), 9);
    const atSecondTrip = (1 - Math.exp(-1)) * Math.exp(-1);
    expect(outageResponse(outages, 40_000, 30, 10)).toBeCloseTo(atSecondTrip, 9);
    expect(outageResponse(outages, 70_000, 30, 10)).toBeCloseTo(1 - (1 - atSecondTrip) * Math.exp(-1), 9);
  });
});

describe('the scripted demo episode', () => {
  const o = opts();
  const TWO_MIN = 120_000;

  it('drives discharge pH below 6 for about 40 s, starting within the first minute', () => {
    const run = firstRun(series(o, 'plant.discharge_ph', 3 * MIN), (v) => v < 6);
    expect(run).toBeDefined();
    const [from, to] = run!;
    expect(from * 1000).toBeGreaterThanOrEqual(EPISODE.phDip.startMs);
    expect(from).toBeLessThan(30);
    expect(to - from).toBeGreaterThanOrEqual(35);
    expect(to - from).toBeLessThanOrEqual(45);
    expect(Math.min(...series(o, 'plant.discharge_ph', TWO_MIN).map(([, v]) => v))).toBeCloseTo(5.6, 1);
  });

  it('trips the fan so CH4 > 1.0 %vol and CO > 25 ppm for tens of seconds, inside two minutes', () => {
    expect(fanRunning(o, o.startMs + EPISODE.fanTrip.tripMs - 1)).toBe(true);
    expect(fanRunning(o, o.startMs + EPISODE.fanTrip.tripMs + 1)).toBe(false);
    expect(fanRunning(o, o.startMs + EPISODE.fanTrip.restartMs + 1)).toBe(true);
    const ch4 = firstRun(series(o, 'tunnel.ch4', 3 * MIN), (v) => v > 1.0);
    const co = firstRun(series(o, 'tunnel.co', 3 * MIN), (v) => v > 25);
    for (const run of [ch4, co]) {
      expect(run).toBeDefined();
      expect(run![0] * 1000).toBeLessThan(TWO_MIN);
      expect(run![1] - run![0]).toBeGreaterThanOrEqual(30);
      expect(run![1] * 1000).toBeLessThan(TWO_MIN); // and it clears again within the two minutes
    }
    const o2Min = Math.min(...series(o, 'tunnel.o2', TWO_MIN).map(([, v]) => v));
    expect(o2Min).toBeLessThan(20);
    const slowest = Math.min(...series(o, 'tunnel.air_velocity', TWO_MIN).map(([, v]) => v));
    expect(slowest).toBeLessThan(0.3);
  });

  it('starts calm: no alarm and no breach in the first 20 s', () => {
    for (let t = 0; t < 20_000; t += 1000) {
      const v = simulate(o, o.startMs + t);
      expect(v['plant.discharge_ph']).toBeGreaterThanOrEqual(6.8);
      expect(v['tunnel.ch4']).toBeLessThan(0.5);
      expect(v['tunnel.co']).toBeLessThan(10);
    }
  });

  it('runs the same episode for every seed and start time, and none with episode: false', () => {
    for (const seed of [1, 7, 99]) {
      for (const startMs of [NINE_AM_BOGOTA, NINE_AM_BOGOTA + 5 * HOUR + 1234]) {
        const v = simulate({ seed, startMs }, startMs + 80_000);
        expect(v['tunnel.ch4']).toBeGreaterThan(1.0);
        expect(simulate({ seed, startMs }, startMs + 40_000)['plant.discharge_ph']).toBeLessThan(6);
      }
    }
    const off = opts({ episode: false });
    expect(simulate(off, off.startMs + 80_000)['tunnel.ch4']).toBeLessThan(1.0);
    expect(simulate(off, off.startMs + 40_000)['plant.discharge_ph']).toBeGreaterThan(6.5);
  });
});
