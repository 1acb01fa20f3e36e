/**
 * @module compliance/replay
 * Replaying a run from the store: after late data, at startup, after a permit change or a site's
 * zone change. Reads the sensor's readings after the newest usable checkpoint, pushes them through
 * a fresh evaluator, and reconciles the breaches found with the stored ones (breaches.ts).
 *
 * Invariants:
 * - Starts from the newest checkpoint of the run whose watermark is before the earliest late
 *   reading (none, or one whose rule settings no longer match: from the run's start); stale
 *   checkpoints after that point are dropped first.
 * - Runs to the sensor's newest reading (an open breach may carry the change) and no further
 *   than the run's end; a retired run's open breach ends at the change (`permit_changed`).
 * - Checkpoints taken during the replay are committed with its breaches in one transaction
 *   (early only past 32 MB of snapshots), so a replay cut short leaves none ahead of breaches it
 *   never stored.
 * - The replayed evaluator becomes the run's live one only when the replay completed.
 */
import { type Breach, createEvaluator, type EvaluatorSnapshot, type RuleEvent } from '@vigia/shared';
import type { ReadingColumns } from '../storage/store.ts';
import type { BreachBook } from './breaches.ts';
import type { ComplianceDeps, Why } from './deps.ts';
import { evaluateSkippingQuiet } from './quiet-minutes.ts';
import { active, END, type Run, type Runs } from './runs.ts';
import { breachRecord, openBreach } from './views.ts';

/** Replay checkpoints held for the final transaction, at most this much JSON (then written early). */
const MAX_PENDING_CP_CHARS = 32 * 1024 * 1024;
/** Interval reads a replay keeps in flight (enough to keep two reader threads busy). */
const READS_AHEAD = 4;

export function createReplay(deps: ComplianceDeps, runs: Runs, book: BreachBook) {
  const { meta, store, log } = deps;

  /** Starts of the non-empty `step`-wide chunks in [lo, hi), without scanning empty years. */
  async function chunksWithData(sensor: string, lo: number, hi: number, step: number): Promise<number[]> {
    const start = Math.floor(lo / step) * step;
    if (hi <= start) return [];
    const coarse = Math.max(step, Math.ceil((hi - start) / 2000 / step) * step);
    const out: number[] = [];
    for (const b of await store.query(sensor, start, hi, coarse)) {
      if (coarse === step) out.push(b.ts);
      else for (const f of await store.query(sensor, b.ts, Math.min(hi, b.ts + coarse), step)) out.push(f.ts);
    }
    return out;
  }

  async function replay(run: Run, lateFrom: number, why: Why): Promise<void> {
    const cp = lateFrom <= run.from ? undefined : meta.checkpointBefore(run.key, lateFrom);
    const ev = createEvaluator(run.compiled, run.opts);
    let since: number | null = null;
    if (cp) {
      try {
        ev.restore(JSON.parse(cp.snapshot) as EvaluatorSnapshot);
        since = cp.watermark;
      } catch (err) {
        deps.telemetry?.count('compliance', 'checkpoint_unusable');
        log.warn({ run: run.id, err }, 'checkpoint unusable (rule settings changed): replaying from the start');
      }
    }
    meta.dropCheckpointsAfter(run.key, since);
    const lo = since === null ? run.from : since + 1;
    run.replayHi = END;
    const [newest] = await store.latest([run.sensor]);
    const hi = Math.min(run.to, newest ? newest.ts + 1 : lo);
    run.replayHi = hi;
    const closed: Breach[] = [];
    const collect = (events: RuleEvent[]) => {
      for (const e of events) if (e.type === 'breachClosed') closed.push(e.breach);
    };
    // Checkpoints wait to be written with the reconciled breaches, in one transaction: one commit
    // instead of one per interval, and a replay cut short (kill -9) leaves no checkpoint ahead of
    // breaches it never stored. A long replay of large snapshots writes early past a bound.
    const cps: { watermark: number; json: string }[] = [];
    let cpBytes = 0;
    const writeCps = () => {
      for (const cp of cps) runs.storeCheckpoint(run, cp.watermark, cp.json);
      cps.length = 0;
      cpBytes = 0;
    };
    const checkpoint = () => {
      const snap = ev.snapshot();
      if (snap.watermark === null) return;
      const json = JSON.stringify(snap);
      cps.push({ watermark: snap.watermark, json });
      cpBytes += json.length;
      if (cpBytes > MAX_PENDING_CP_CHARS) meta.complianceTx(writeCps);
    };
    const columns = store.readingColumns.bind(store);
    if (store.minuteSummaries && run.compiled.averaging.kind === 'instant') {
      // Quiet minutes skipped (quiet-minutes.ts); only instant rules, the only ones canSkip approves.
      const summaries = store.minuteSummaries.bind(store);
      const read = (from: number, to: number) => columns(run.sensor, from, to);
      for (const start of await chunksWithData(run.sensor, lo, hi, run.cpMs)) {
        const a = Math.max(lo, start);
        const b = Math.min(hi, start + run.cpMs);
        collect(await evaluateSkippingQuiet(ev, await summaries(run.sensor, a, b), read, a, b));
        checkpoint();
      }
    } else {
      const read = (start: number) =>
        columns(run.sensor, Math.max(lo, start), Math.min(hi, start + run.cpMs)).catch((err: Error) => err);
      // The next intervals are read while one is evaluated (the SQLite store serves reads on
      // other threads); an empty interval's `next` jumps over a gap.
      const first = (await columns(run.sensor, lo, lo)).next;
      let ahead = first === null ? hi : Math.floor(first / run.cpMs) * run.cpMs;
      const inFlight: Promise<ReadingColumns | Error>[] = [];
      for (;;) {
        while (inFlight.length < READS_AHEAD && ahead < hi) {
          inFlight.push(read(ahead));
          ahead += run.cpMs;
        }
        const cols = await inFlight.shift();
        if (cols === undefined) break;
        if (cols instanceof Error) throw cols;
        if (cols.ts.length > 0) {
          collect(ev.pushColumns(cols.ts, cols.value));
          checkpoint();
        } else if (cols.next === null || cols.next >= ahead) {
          // Every interval in flight lies in the gap (a reading written there since is late: it
          // asks for another pass, see feed()).
          inFlight.length = 0;
          ahead = cols.next === null ? hi : Math.floor(cols.next / run.cpMs) * run.cpMs;
        }
      }
    }
    const snap = ev.snapshot();
    let openClosedBy: string | null = null;
    if (!active(run)) {
      // A retired version: what it saw up to the change, then the change ends an open breach.
      if (snap.watermark === null || snap.watermark < run.to) collect(ev.advanceTo(run.to));
      openClosedBy = 'permit_changed';
    } else if (run.watermark !== null && snap.watermark !== null && run.watermark > snap.watermark) {
      collect(ev.advanceTo(run.watermark)); // a no-data close the timer had made
    }
    const fresh = closed.map((b) => breachRecord(run.key, run.site, run.unit, b));
    const b = openBreach(ev.status());
    if (b) {
      fresh.push(
        openClosedBy
          ? breachRecord(run.key, run.site, run.unit, { ...b, end: run.to, durationMs: run.to - b.start }, openClosedBy)
          : breachRecord(run.key, run.site, run.unit, b),
      );
    }
    book.applyPlan(run, fresh, since === null ? null : since - run.compiled.clearMs - 1, why, writeCps);
    if (active(run)) {
      const final = ev.snapshot();
      run.ev = ev;
      run.lastTs = final.lastTs;
      run.watermark = final.watermark;
    }
  }

  return replay;
}
