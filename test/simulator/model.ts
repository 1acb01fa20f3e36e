/**
 * @module test/simulator/model
 * A believable, deterministic model of a mobile gravimetric plant and one ventilated tunnel.
 * Every value is a pure function of (options, time): no I/O, no clock, no Math.random, so a
 * seed and a timestamp always give the same reading, and tests can sample any instant.
 */

/** The sensors the model produces, in the order the simulator emits them. */
export const SIM_SENSOR_IDS = [
  'plant.ore_feed',
  'plant.water_in',
  'plant.water_recirc',
  'plant.discharge_ph',
  'plant.discharge_turbidity',
  'tunnel.ch4',
  'tunnel.co',
  'tunnel.o2',
  'tunnel.no2',
  'tunnel.air_velocity',
] as const;
export type SimSensorId = (typeof SIM_SENSOR_IDS)[number];
export type SimValues = Record<SimSensorId, number>;

export type SimOptions = {
  seed: number;
  /** When the simulator started (epoch ms); the demo episode is timed from here. */
  startMs: number;
  /** Minutes east of UTC for the shift hours. Colombia is UTC-5 all year (no daylight saving). */
  utcOffsetMin?: number;
  /** Pin the local time of day at `startMs` to this hour (e.g. 9 for a daytime demo at night). */
  localStartHour?: number;
  /** The scripted demo episode (default on). Off = only the random fan trips. */
  episode?: boolean;
};

export const COLOMBIA_UTC_OFFSET_MIN = -300;

// ---------------------------------------------------------------------------------------------
// The scripted demo episode, in ms after `startMs`. Chosen so that within two minutes of start
// the dashboard shows one permit breach (discharge pH below 6, Res. 0631/2015 range 6-9) and one
// gas alarm (CH4 above 1.0 %vol and CO above 25 ppm after the fan trips). The test
// `model.test.ts` samples the model and checks these crossings and their lengths.
// ---------------------------------------------------------------------------------------------
export const EPISODE = {
  /** Acidic water reaches the discharge: pH ramps to 5.6 and back; below 6 from ~24 s to ~64 s. */
  phDip: { startMs: 20_000, endMs: 68_000, rampMs: 5_000, floorPh: 5.6 },
  /** The face fan trips and restarts: CO > 25 ppm ~64-112 s, CH4 > 1.0 %vol ~68-111 s, O2 dips. */
  fanTrip: { tripMs: 45_000, restartMs: 105_000 },
  /** No random fan trip from an hour before start until this long after it, so the demo is clean. */
  quietUntilMs: 10 * 60_000,
} as const;

// ---------------------------------------------------------------------------------------------
// Plant constants
// ---------------------------------------------------------------------------------------------
/** Nominal ore feed of a small mobile plant (jigs, spirals, shaking tables), t/h. */
export const NOMINAL_ORE_TPH = 6;
/** Total process water per tonne of ore, m3/t (gravity circuits use 3-5). */
export const WATER_PER_TONNE_M3 = 3.5;
/** Share of process water returned from the settling ponds, around which it wanders. */
export const RECIRC_FRACTION_MEAN = 0.65;
/** Settling ponds delay the effect of the feed on discharge turbidity. */
export const POND_LAG_MS = 15 * 60_000;

/**
 * Hours (local) when the plant feeds ore. Shift 1 06-14, shift 2 14-22; each has a meal
 * pause and a 15-minute clean-down before hand-over; RAMP_H is the feed ramp at each edge.
 */
export const RUN_WINDOWS_H: readonly (readonly [number, number])[] = [
  [6, 10],
  [10.5, 13.75],
  [14, 18],
  [18.5, 21.75],
];
export const RAMP_H = 0.25;

// ---------------------------------------------------------------------------------------------
// Tunnel constants
// ---------------------------------------------------------------------------------------------
/** Random fan trips: at most one per slot, with this probability, lasting 3-10 min. */
export const FAN_SLOT_MS = 3 * 3_600_000;
export const FAN_TRIP_PROBABILITY = 0.35;

type Outage = { at: number; end: number };

/** First-order gas response to a fan outage: rise while the fan is off, fall after restart. */
const GAS = {
  ch4: { base: 0.12, rise: 1.6, tauRiseS: 30, tauFallS: 12 },
  co: { base: 3, rise: 45, tauRiseS: 28, tauFallS: 14 },
  o2: { base: 20.9, rise: -2.0, tauRiseS: 40, tauFallS: 15 },
  no2: { base: 0.08, rise: 1.2, tauRiseS: 40, tauFallS: 15 },
  air: { base: 1.4, natural: 0.15, tauRiseS: 6, tauFallS: 5 },
} as const;

/** Instrument resolution of each sensor: values are quantized to it. */
export const RESOLUTION: Record<SimSensorId, number> = {
  'plant.ore_feed': 0.01,
  'plant.water_in': 0.01,
  'plant.water_recirc': 0.01,
  'plant.discharge_ph': 0.01,
  'plant.discharge_turbidity': 0.1,
  'tunnel.ch4': 0.01,
  'tunnel.co': 0.1,
  'tunnel.o2': 0.01,
  'tunnel.no2': 0.01,
  'tunnel.air_velocity': 0.01,
};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/** A 32-bit hash of integers (murmur3-style mixing); the model's only source of randomness. */
export function hash32(...parts: number[]): number {
  let h = 0x9747b28c;
  for (const part of parts) {
    // split so integers beyond 32 bits (epoch seconds, slot numbers) still mix fully
    for (const word of [part >>> 0, Math.floor(part / 0x1_0000_0000) >>> 0]) {
      let k = Math.imul(word, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from a hash. */
export function unit(...parts: number[]): number {
  return hash32(...parts) / 0x1_0000_0000;
}

function channelId(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** Smooth value noise in [-1, 1]: random knots every `periodMs`, eased between them. */
export function valueNoise(seed: number, channel: string, tMs: number, periodMs: number): number {
  const x = tMs / periodMs;
  const i = Math.floor(x);
  const f = x - i;
  const c = channelId(channel);
  const a = unit(seed, c, i) * 2 - 1;
  const b = unit(seed, c, i + 1) * 2 - 1;
  const eased = f * f * (3 - 2 * f);
  return a + (b - a) * eased;
}

/** Slow drift (minutes) plus a little jitter (seconds), both in [-1, 1]. */
function drift(seed: number, channel: string, tMs: number): number {
  return valueNoise(seed, `${channel}:slow`, tMs, 10 * 60_000);
}
function jitter(seed: number, channel: string, tMs: number): number {
  return valueNoise(seed, `${channel}:fast`, tMs, 1_000);
}

// ---------------------------------------------------------------------------------------------
// Plant
// ---------------------------------------------------------------------------------------------

/** Local hour of day in [0, 24) at `tMs`. */
export function localHour(opts: SimOptions, tMs: number): number {
  const hourMs = 3_600_000;
  const dayMs = 24 * hourMs;
  const localMs =
    opts.localStartHour !== undefined
      ? opts.localStartHour * hourMs + (tMs - opts.startMs)
      : tMs + (opts.utcOffsetMin ?? COLOMBIA_UTC_OFFSET_MIN) * 60_000;
  return ((((localMs % dayMs) + dayMs) % dayMs) / hourMs) as number;
}

/** 0 at the window edges, 1 inside, linear ramps of `ramp` hours. */
export function trapezoid(h: number, start: number, end: number, ramp: number): number {
  if (h <= start || h >= end) return 0;
  return Math.min(1, (h - start) / ramp, (end - h) / ramp);
}

/** How hard the plant runs at local hour `h`: 0 (stopped) to 1 (nominal feed). */
export function shiftLoad(h: number): number {
  return Math.max(0, ...RUN_WINDOWS_H.map(([a, b]) => trapezoid(h, a, b, RAMP_H)));
}

/** Ore feed in t/h: the shift load times nominal, with a wandering feed rate. */
export function oreFeed(opts: SimOptions, tMs: number): number {
  const load = shiftLoad(localHour(opts, tMs));
  if (load === 0) return 0;
  const variation = 1 + 0.08 * drift(opts.seed, 'ore', tMs) + 0.03 * jitter(opts.seed, 'ore', tMs);
  return Math.max(0, NOMINAL_ORE_TPH * load * variation);
}

/** Share of process water that comes back from the ponds (0.57-0.73). */
export function recircFraction(opts: SimOptions, tMs: number): number {
  return RECIRC_FRACTION_MEAN + 0.08 * drift(opts.seed, 'recirc', tMs);
}

/** Fresh water in and recirculated water, m3/h: total demand follows the feed. */
export function waterFlows(opts: SimOptions, tMs: number, ore: number): { waterIn: number; recirc: number } {
  const total = ore * WATER_PER_TONNE_M3;
  const f = recircFraction(opts, tMs);
  const meterNoise = 1 + 0.01 * jitter(opts.seed, 'water', tMs);
  return { waterIn: Math.max(0, total * (1 - f) * meterNoise), recirc: Math.max(0, total * f) };
}

/** Discharge turbidity, NTU: pond background plus the feed of a pond residence time ago. */
export function turbidity(opts: SimOptions, tMs: number): number {
  const upstream = oreFeed(opts, tMs - POND_LAG_MS);
  const value = 12 + 3.2 * upstream + 3 * drift(opts.seed, 'turb', tMs) + 0.8 * jitter(opts.seed, 'turb', tMs);
  return Math.max(0.5, value);
}

/** 0..1 shape of the scripted pH dip at `tMs` (0 outside the episode). */
export function phDipShape(opts: SimOptions, tMs: number): number {
  if (opts.episode === false) return 0;
  const { startMs, endMs, rampMs } = EPISODE.phDip;
  const s = (tMs - opts.startMs) / 1000;
  return trapezoid(s, startMs / 1000, endMs / 1000, rampMs / 1000);
}

/** Discharge pH: normally 6.8-7.6 (limestone-buffered ponds), pulled to 5.6 in the episode. */
export function dischargePh(opts: SimOptions, tMs: number): number {
  const normal = 7.2 + 0.25 * drift(opts.seed, 'ph', tMs) + 0.04 * jitter(opts.seed, 'ph', tMs);
  const clamped = Math.min(7.6, Math.max(6.8, normal));
  const dip = phDipShape(opts, tMs);
  return clamped + (EPISODE.phDip.floorPh - clamped) * dip;
}

// ---------------------------------------------------------------------------------------------
// Tunnel
// ---------------------------------------------------------------------------------------------

/** The random fan trip of slot `k`, if the seed gives one. */
export function randomOutage(seed: number, k: number): Outage | undefined {
  if (unit(seed, 0xfa17, k) >= FAN_TRIP_PROBABILITY) return undefined;
  const slotStart = k * FAN_SLOT_MS;
  const at = slotStart + 10 * 60_000 + Math.floor(unit(seed, 0xfa17, k, 1) * (FAN_SLOT_MS - 40 * 60_000));
  const duration = 3 * 60_000 + Math.floor(unit(seed, 0xfa17, k, 2) * 7 * 60_000);
  return { at, end: at + duration };
}

/** Fan outages that can still affect `tMs`, in time order (random ones plus the episode's). */
export function fanOutages(opts: SimOptions, tMs: number): Outage[] {
  const k = Math.floor(tMs / FAN_SLOT_MS);
  const outages: Outage[] = [];
  const quietFrom = opts.startMs - 3_600_000;
  const quietTo = opts.startMs + EPISODE.quietUntilMs;
  for (let slot = k - 1; slot <= k; slot++) {
    const o = randomOutage(opts.seed, slot);
    if (!o) continue;
    if (opts.episode !== false && o.end > quietFrom && o.at < quietTo) continue;
    outages.push(o);
  }
  if (opts.episode !== false) {
    outages.push({ at: opts.startMs + EPISODE.fanTrip.tripMs, end: opts.startMs + EPISODE.fanTrip.restartMs });
  }
  return outages.filter((o) => o.at <= tMs).sort((a, b) => a.at - b.at);
}

/** Whether the face fan runs at `tMs`. */
export function fanRunning(opts: SimOptions, tMs: number): boolean {
  return !fanOutages(opts, tMs).some((o) => tMs >= o.at && tMs < o.end);
}

/**
 * First-order response (0..1) to fan outages: approaches 1 with `tauRiseS` while the fan is
 * off and decays with `tauFallS` after it restarts. Chained over successive outages.
 */
export function outageResponse(outages: readonly Outage[], tMs: number, tauRiseS: number, tauFallS: number): number {
  let e = 0;
  let since = Number.NEGATIVE_INFINITY;
  for (const o of outages) {
    if (o.at > tMs) break;
    if (since > Number.NEGATIVE_INFINITY) e *= Math.exp(-(o.at - since) / 1000 / tauFallS);
    const offFor = Math.min(o.end, tMs) - o.at;
    e = 1 - (1 - e) * Math.exp(-offFor / 1000 / tauRiseS);
    if (tMs < o.end) return e;
    since = o.end;
  }
  if (since > Number.NEGATIVE_INFINITY) e *= Math.exp(-(tMs - since) / 1000 / tauFallS);
  return e;
}

/** Tunnel atmosphere and air velocity at the face. */
export function tunnelAir(
  opts: SimOptions,
  tMs: number,
): { ch4: number; co: number; o2: number; no2: number; airVelocity: number } {
  const outages = fanOutages(opts, tMs);
  const r = (g: { tauRiseS: number; tauFallS: number }) => outageResponse(outages, tMs, g.tauRiseS, g.tauFallS);
  const { seed } = opts;
  const ch4 =
    GAS.ch4.base + 0.03 * drift(seed, 'ch4', tMs) + 0.01 * jitter(seed, 'ch4', tMs) + GAS.ch4.rise * r(GAS.ch4);
  const co = GAS.co.base + 1.0 * drift(seed, 'co', tMs) + 0.3 * jitter(seed, 'co', tMs) + GAS.co.rise * r(GAS.co);
  const o2 = GAS.o2.base + 0.05 * jitter(seed, 'o2', tMs) + GAS.o2.rise * r(GAS.o2);
  const no2 =
    GAS.no2.base + 0.02 * drift(seed, 'no2', tMs) + 0.005 * jitter(seed, 'no2', tMs) + GAS.no2.rise * r(GAS.no2);
  const running = GAS.air.base + 0.1 * drift(seed, 'air', tMs) + 0.04 * jitter(seed, 'air', tMs);
  const airVelocity = running - (running - GAS.air.natural) * r(GAS.air);
  return {
    ch4: Math.max(0, ch4),
    co: Math.max(0, co),
    o2: Math.min(21.5, Math.max(0, o2)),
    no2: Math.max(0, no2),
    airVelocity: Math.max(0, airVelocity),
  };
}

// ---------------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------------

/** Round to the instrument's resolution, without binary noise like 7.1200000001. */
export function quantize(value: number, resolution: number): number {
  const decimals = Math.max(0, Math.round(-Math.log10(resolution)));
  return Number((Math.round(value / resolution) * resolution).toFixed(decimals));
}

/** Every sensor's value at `tMs`, quantized to its resolution. */
export function simulate(opts: SimOptions, tMs: number): SimValues {
  const ore = oreFeed(opts, tMs);
  const water = waterFlows(opts, tMs, ore);
  const air = tunnelAir(opts, tMs);
  const raw: SimValues = {
    'plant.ore_feed': ore,
    'plant.water_in': water.waterIn,
    'plant.water_recirc': water.recirc,
    'plant.discharge_ph': dischargePh(opts, tMs),
    'plant.discharge_turbidity': turbidity(opts, tMs),
    'tunnel.ch4': air.ch4,
    'tunnel.co': air.co,
    'tunnel.o2': air.o2,
    'tunnel.no2': air.no2,
    'tunnel.air_velocity': air.airVelocity,
  };
  const out = {} as SimValues;
  for (const id of SIM_SENSOR_IDS) out[id] = quantize(raw[id], RESOLUTION[id]);
  return out;
}
