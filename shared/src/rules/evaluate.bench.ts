/**
 * Rule evaluation throughput: reading-rule evaluations per second through the incremental
 * evaluator (averaging + state machine), for instant, rolling:15m and twa:8h rules over
 * 1 Hz data that crosses its limit now and then. Pure: no services. Target ≥ 1,000,000/s.
 * Wired into `npm run bench` by test/bench/run.ts; ratio = figure / target.
 */

import type { RuleInput } from './compile.ts';
import { createEvaluator } from './evaluate.ts';

type Figure = { name: string; value: number; unit: string; ratio?: number; note?: string };

const TARGET_PER_S = 1_000_000;
const READINGS = 500_000;
const CHUNK = 1000;
const RUNS = 3;
const T0 = Date.UTC(2025, 10, 1);

// Timing is the one place that reads a clock; `performance` exists in Node and browsers.
const now = (): number => (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

function readings(): { ts: number; value: number }[] {
  // 20 ppm ± 8 with a slow swell, so the 25 ppm limit is crossed and cleared repeatedly.
  return Array.from({ length: READINGS }, (_, i) => ({
    ts: T0 + i * 1000,
    value: 20 + 8 * Math.sin(i / 600) + ((i * 7919) % 13) / 10,
  }));
}

function rule(averaging: string): RuleInput {
  return {
    id: `co-${averaging.replace(':', '-')}`,
    sensor: 'tunnel.co',
    kind: 'max',
    max: 25,
    averaging,
    pending: '30s',
    clear: '1m',
    hysteresis: 1,
    severity: 'alarm',
    expected_interval: '5s',
  };
}

function runOnce(averaging: string, data: { ts: number; value: number }[]): { ms: number; events: number } {
  const ev = createEvaluator(rule(averaging));
  let events = 0;
  const t = now();
  for (let i = 0; i < data.length; i += CHUNK) events += ev.push(data.slice(i, i + CHUNK)).length;
  return { ms: now() - t, events };
}

/** Emits one figure per averaging kind: reading-rule evaluations per second (best of 3). */
export async function benchRules(emit: (f: Figure) => void): Promise<void> {
  const data = readings();
  for (const averaging of ['instant', 'rolling:15m', 'twa:8h']) {
    let best = Number.POSITIVE_INFINITY;
    let events = 0;
    for (let r = 0; r < RUNS; r++) {
      const { ms, events: n } = runOnce(averaging, data);
      best = Math.min(best, ms);
      events = n;
    }
    const perS = Math.round(READINGS / (best / 1000));
    emit({
      name: `rules_${averaging.replace(':', '_')}_evaluations`,
      value: perS,
      unit: 'evaluations/s',
      ratio: perS / TARGET_PER_S,
      note: `${READINGS} readings at 1 Hz, chunks of ${CHUNK}, best of ${RUNS}; ${events} events; ratio vs 1,000,000/s target`,
    });
  }
}
