/**
 * The compliance engine: reading-rule evaluations per second on the pure evaluator path
 * (shared createEvaluator) and through the server's engine after real SQLite store writes, and
 * the re-evaluation of a backfill (20 sensors at 1 Hz, BENCH_COMPLIANCE_DAYS days, default 1:
 * filling 7 days = 12 M rows takes minutes here, so the default is scaled down and says so).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvaluator, type Reading } from '@vigia/shared';
import { type ComplianceDeps, createComplianceEngine } from '../../server/src/compliance/engine.ts';
import { createLiveHub } from '../../server/src/live/hub.ts';
import { openMeta } from '../../server/src/meta/meta.ts';
import { openSqliteStore } from '../../server/src/storage/sqlite/sqlite-store.ts';
import type { Bench } from './figure.ts';

const T = 1_764_000_000_000;
const DAYS = Number(process.env.BENCH_COMPLIANCE_DAYS ?? 1);
const SENSORS = 20;
const RULE = {
  id: 'ph',
  sensor: 's0',
  kind: 'range' as const,
  min: 6,
  max: 9,
  averaging: 'instant',
  pending: '5m',
  clear: '1m',
  severity: 'breach' as const,
};
const noop = () => {};
/** A silent logger (the test package does not depend on pino). */
const log = { error: noop, warn: noop, info: noop, debug: noop } as unknown as ComplianceDeps['log'];
/** pH-like signal: mostly in range, a 10-minute excursion every 2 hours. */
const valueAt = (ts: number) => (Math.floor((ts - T) / 600_000) % 12 === 5 ? 9.5 : 7 + Math.sin(ts / 60_000) * 0.5);
const round = (x: number, d = 0) => Number(x.toFixed(d));

export const complianceBench: Bench = {
  name: 'compliance',
  async run(emit) {
    // 1. Pure evaluator path.
    for (const averaging of ['instant', 'rolling:15m']) {
      const ev = createEvaluator({ ...RULE, averaging });
      const N = 3_000_000;
      const chunk: { ts: number; value: number }[] = [];
      for (let i = 0; i < 1000; i++) chunk.push({ ts: 0, value: 0 });
      const t0 = performance.now();
      for (let i = 0; i < N; i += 1000) {
        for (let j = 0; j < 1000; j++) {
          const ts = T + (i + j) * 1000;
          chunk[j] = { ts, value: valueAt(ts) };
        }
        ev.push(chunk);
      }
      const s = (performance.now() - t0) / 1000;
      emit({
        name: `compliance.evaluator_${averaging.replace(':', '_')}`,
        value: round(N / s),
        unit: 'evaluations/s',
        note: `pure createEvaluator().push, ${N} readings in chunks of 1000, one range rule (${averaging}), readings generated in the loop`,
      });
    }

    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-compliance-'));
    try {
      const meta = openMeta(join(dir, 'meta.db'));
      const store = openSqliteStore(join(dir, 'readings.db'));
      meta.addDevice('bench-dev', 'bench', 'bench-token-hash', T);
      // 2. Engine with the store: 4 rules on each of 4 sensors, 1000-reading batches written then accepted.
      const engine = createComplianceEngine({ store, meta, live: createLiveHub(), clock: { now: () => T }, log });
      const sensors = ['e0', 'e1', 'e2', 'e3'];
      registerSensors(meta, sensors);
      const rules = sensors.flatMap((s) =>
        ['instant', 'rolling:5m', 'rolling:15m', 'twa:1h'].map((a, k) => ({
          ...RULE,
          id: `${s}-r${k}`,
          sensor: s,
          averaging: a,
        })),
      );
      engine.putPermit({ id: 'bench', title: 'bench', site: 'bench', rules }, 'bench', T);
      await engine.idle();
      const BATCHES = 400;
      let writeMs = 0;
      let acceptMs = 0;
      for (let b = 0; b < BATCHES; b++) {
        const batch: Reading[] = [];
        for (let i = 0; i < 250; i++) {
          const ts = T + (b * 250 + i) * 1000;
          for (const s of sensors) batch.push({ sensor: s, ts, value: valueAt(ts), q: 'good' });
        }
        const w0 = performance.now();
        await store.write(batch);
        const a0 = performance.now();
        engine.accept(batch);
        acceptMs += performance.now() - a0;
        writeMs += a0 - w0;
      }
      const evals = BATCHES * 1000 * 4;
      emit({
        name: 'compliance.engine_accept',
        value: round(evals / (acceptMs / 1000)),
        unit: 'evaluations/s',
        note: `engine.accept after the store write, ${BATCHES} batches of 1000 readings over 4 sensors × 4 rules (instant, rolling 5m/15m, twa 1h), breaches and checkpoints stored in meta.db`,
      });
      emit({
        name: 'compliance.engine_with_store',
        value: round(evals / ((acceptMs + writeMs) / 1000)),
        unit: 'evaluations/s',
        note: `same, including the SQLite store write of each batch (${round(writeMs)} ms of ${round(writeMs + acceptMs)} ms)`,
      });
      await engine.stop();

      // 3. Backfill re-evaluation: the whole history of 20 sensors replayed from the store.
      const fillSensors = Array.from({ length: SENSORS }, (_, i) => `b${i}`);
      registerSensors(meta, fillSensors);
      const total = DAYS * 86_400 * SENSORS;
      const f0 = performance.now();
      for (let ts0 = T; ts0 < T + DAYS * 86_400_000; ts0 += 3_600_000) {
        const batch: Reading[] = [];
        for (const s of fillSensors)
          for (let ts = ts0; ts < ts0 + 3_600_000; ts += 1000)
            batch.push({ sensor: s, ts, value: valueAt(ts), q: 'good' });
        await store.write(batch);
      }
      const fillS = (performance.now() - f0) / 1000;
      const engine2 = createComplianceEngine({ store, meta, live: createLiveHub(), clock: { now: () => T }, log });
      const r0 = performance.now();
      engine2.putPermit(
        {
          id: 'backfill',
          title: 'backfill',
          site: 'bench',
          rules: fillSensors.map((s) => ({ ...RULE, id: s, sensor: s })),
        },
        'bench',
        T,
      );
      await engine2.idle();
      const reS = (performance.now() - r0) / 1000;
      const scale = `${DAYS} day(s) × ${SENSORS} sensors at 1 Hz = ${total} readings${DAYS < 7 ? ' (scaled down from 7 days; BENCH_COMPLIANCE_DAYS=7 for the full 12 M)' : ''}`;
      emit({
        name: 'compliance.backfill_reevaluation',
        value: round(reS, 2),
        unit: 's',
        note: `${scale}; one instant range rule per sensor replayed from scratch from the SQLite store (reads, evaluation, hourly checkpoints, breaches); fill took ${round(fillS, 1)} s`,
      });
      emit({
        name: 'compliance.backfill_rate',
        value: round(total / reS),
        unit: 'readings/s',
        note: `re-evaluation throughput of the above; 7 days × 20 sensors would take ≈ ${round((7 * 86_400 * 20) / (total / reS), 1)} s at this rate`,
      });
      await engine2.stop();
      await store.close();
      meta.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The engine looks sensors up in the registry, as ingest leaves them there. */
function registerSensors(meta: ReturnType<typeof openMeta>, ids: string[]) {
  meta.claimSensors(
    'bench-dev',
    ids.map((id) => ({ id, path: id })),
    T,
  );
}
