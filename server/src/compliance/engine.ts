/**
 * @module compliance/engine
 * The compliance engine: every rule of every permit version, fed the readings of accepted
 * ingest batches, finds breaches in event time (when readings were taken), stores them and
 * announces them (live `breach` events, webhooks). This module is the ingest path, the replay
 * worker, permits and the timer; the parts are runs.ts (the registry of runs and their
 * checkpoints), breaches.ts (storing and announcing), replay.ts (re-evaluation from the store)
 * and rule-status.ts (what each active rule shows).
 *
 * Invariants:
 * - Readings at or before a run's watermark (late data, a backlog, a re-sent batch) are never
 *   pushed into the live evaluator: the run is replayed (replay.ts) and its breaches from there
 *   on are reconciled: created, extended, merged or withdrawn, with their true times, never duplicated.
 * - In-order readings are evaluated inside the ingest request (O(batch), no store read); a
 *   replay runs in the background, one at a time, and the run's readings wait for it, so the
 *   ack never waits for a backfill.
 * - Checkpoints are stored when a run crosses an interval boundary (max(1 h, averaging window))
 *   and at shutdown; on startup every active run restores its newest checkpoint and replays what
 *   the store holds after it, so open breaches and evaluator state survive restarts, even a kill -9.
 * - A permit change ends the old run at the change time (its open breach closes there,
 *   `closed_by: permit_changed`) and starts a fresh run; breaches keep their permit version.
 * - Nothing here throws into the ingest path: the batch is already committed; errors are logged
 *   and counted (`vigia_errors_total{component="compliance"}`, code = what failed, snake_case).
 */
import {
  type BackoffOptions,
  type BreachChange,
  backoffMs,
  type Permit,
  type Reading,
  type RuleStatusView,
  type Sample,
} from '@vigia/shared';
import type { BreachRecord, PermitVersion, RunKey } from '../meta/compliance.ts';
import { createBreachBook, mergeWhy } from './breaches.ts';
import type { ComplianceDeps, ComplianceErrorCode, Why } from './deps.ts';
import { createReplay } from './replay.ts';
import { ruleStatus } from './rule-status.ts';
import { active, createRuns, dedupe, END, isCalendar, type Run, runId } from './runs.ts';

export type { ComplianceDeps, ComplianceErrorCode, Why } from './deps.ts';

/** A failed replay is tried again after 1 s, 2 s, 4 s … at most a minute apart (shared `backoffMs`). */
const REPLAY_RETRY: BackoffOptions = { baseMs: 1000, maxMs: 60_000, jitter: 0 };

export type ComplianceEngine = {
  /**
   * Feed an accepted (already stored) batch. Never throws. `why`: what the breach history says
   * when these readings change breaches already judged (default `late_data`; a corrected
   * reading: `{ reason: 'correction', detail: { device, ... } }`).
   */
  accept(readings: readonly Reading[], why?: Why): void;
  /**
   * The wall-clock timer: judges every calendar period (day) that ended, in the site's zone, more
   * than its grace ago, and closes breaches of sensors silent past their hold.
   */
  tick(now?: number): void;
  /** Store a new permit version (the caller validated it) and switch evaluation to it. */
  putPermit(permit: Permit, by: string, now: number): PermitVersion;
  currentPermits(): PermitVersion[];
  status(now?: number): RuleStatusView[];
  /** The newest evaluated time of a rule version (lengthens an open breach's duration). */
  watermarkOf(key: RunKey): number | null;
  /** Publish a breach change (e.g. an acknowledgement) on the live stream. */
  announce(b: BreachRecord, change: BreachChange): void;
  /** Resolves when no replay is queued or running. */
  idle(): Promise<void>;
  /**
   * A site's time zone changed: its active calendar (daily) rules are rebuilt with the new zone
   * and replayed from their start.
   */
  siteZoneChanged(site: string): void;
  /**
   * The device sent these sensors' metadata: rules waiting for a sensor's unit start, replayed
   * from their start over what is stored (waiting-unit.ts). Cheap when none waits.
   */
  unitsKnown(sensors: readonly string[]): void;
  start(): void;
  /** Finish queued work, store a checkpoint of every run. */
  stop(): Promise<void>;
};

const EVALUATED: Why = { reason: 'evaluated' };

export function createComplianceEngine(deps: ComplianceDeps): ComplianceEngine {
  const { meta, log } = deps;
  const noDataGraceMs = deps.noDataGraceMs ?? 60_000;
  const runs = createRuns(meta, deps.timeZoneOf);
  const book = createBreachBook(deps, runs);
  const replay = createReplay(deps, runs, book);
  const pending = new Set<Run>();
  let worker: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const report = (err: unknown, code: ComplianceErrorCode, run?: Run) => {
    deps.telemetry?.count('compliance', code);
    log.error({ err, run: run?.id, component: 'compliance', code }, code);
  };

  function requestReplay(run: Run, from: number, why: Why) {
    if (run.waitingUnit) return; // nothing to evaluate yet: unitsKnown() replays it from its start
    run.replayFrom = Math.min(run.replayFrom ?? END, from);
    run.why = mergeWhy(run.why, why);
    pending.add(run);
    kick();
  }

  // ---- in-order path -----------------------------------------------------------------------
  /** Push readings newer than the watermark, checkpointing at interval boundaries. */
  function pushInOrder(run: Run, rs: readonly Sample[]) {
    let i = 0;
    while (i < rs.length) {
      const bucket = Math.floor(rs[i].ts / run.cpMs);
      if (run.watermark !== null && Math.floor(run.watermark / run.cpMs) < bucket) runs.saveCheckpoint(run);
      let j = i + 1;
      const limit = (bucket + 1) * run.cpMs;
      while (j < rs.length && rs[j].ts < limit) j++;
      const chunk = i === 0 && j === rs.length ? rs : rs.slice(i, j);
      const events = run.ev.push(chunk);
      run.lastTs = run.watermark = chunk[chunk.length - 1].ts;
      book.storeEvents(run, events, EVALUATED);
      i = j;
    }
  }

  // ---- replay worker -----------------------------------------------------------------------
  async function work(run: Run) {
    run.busy = true;
    let from: number | undefined;
    let why: Why = { reason: 'restart' };
    try {
      while (run.replayFrom !== undefined) {
        from = run.replayFrom;
        why = run.why ?? why;
        run.replayFrom = undefined;
        run.why = undefined;
        await replay(run, from, why);
      }
      run.failures = 0;
      // What arrived during the replays is at or after their horizon: newer than what they read.
      const wm = run.watermark ?? Number.NEGATIVE_INFINITY;
      const queued = dedupe(run.queue.splice(0).sort((a, b) => a.ts - b.ts)).filter((r) => r.ts > wm);
      if (queued.length > 0 && active(run)) pushInOrder(run, queued);
    } catch (err) {
      report(err, 'replay_failed', run);
      // Never give up on late data (e.g. InfluxDB away): try the same replay again, later; the
      // readings queued meanwhile stay queued for it.
      if (from !== undefined && !stopped) {
        const retryFrom = from;
        const retryWhy = why;
        run.failures++;
        const delayMs = backoffMs(run.failures - 1, REPLAY_RETRY);
        setTimeout(() => {
          if (!stopped) requestReplay(run, retryFrom, retryWhy);
        }, delayMs).unref();
      }
    } finally {
      run.busy = false;
      run.replayHi = undefined;
    }
  }

  function kick() {
    if (worker || stopped) return;
    worker = (async () => {
      while (pending.size > 0) {
        const [run] = pending;
        pending.delete(run);
        await work(run);
        await new Promise((r) => setImmediate(r));
      }
    })().finally(() => {
      worker = undefined;
      if (pending.size > 0) kick();
    });
  }

  /** Resolves when no replay is queued or running. */
  async function drain() {
    while (worker || pending.size > 0) {
      kick();
      await worker;
    }
  }

  // ---- ingest ------------------------------------------------------------------------------
  function accept(readings: readonly Reading[], why?: Why) {
    try {
      const groups = new Map<string, Sample[]>();
      for (const r of readings) {
        if (!runs.bySensor.has(r.sensor)) continue;
        const g = groups.get(r.sensor);
        if (g) g.push(r);
        else groups.set(r.sensor, [r]);
      }
      for (const [sensor, rs] of groups) {
        const sorted = dedupe(rs.sort((a, b) => a.ts - b.ts));
        for (const run of runs.bySensor.get(sensor)!) feed(run, sorted, why);
      }
    } catch (err) {
      report(err, 'evaluation_failed');
    }
  }

  function feed(run: Run, sorted: readonly Sample[], why: Why | undefined) {
    if (run.waitingUnit) return; // stored: evaluated when the unit arrives
    const mine = sorted.filter((r) => r.ts >= run.from && r.ts < run.to);
    if (mine.length === 0) return;
    const waiting = run.busy || run.replayFrom !== undefined;
    const horizon = (waiting && run.replayHi) || (run.watermark ?? Number.NEGATIVE_INFINITY) + 1;
    if (mine[0].ts < horizon || !active(run)) {
      const late = { sensor: run.sensor, from: mine[0].ts, to: mine[mine.length - 1].ts, readings: mine.length };
      return requestReplay(run, mine[0].ts, {
        reason: why?.reason ?? 'late_data',
        detail: { ...late, ...why?.detail },
      });
    }
    if (waiting) run.queue.push(...mine);
    else pushInOrder(run, mine);
  }

  // ---- permits -----------------------------------------------------------------------------
  function currentPermits(): PermitVersion[] {
    const latest = new Map<string, PermitVersion>();
    for (const v of meta.permitVersions()) latest.set(v.id, v);
    return [...latest.values()];
  }

  function putPermit(permit: Permit, by: string, now: number): PermitVersion {
    const { version: _label, ...body } = permit;
    const prev = currentPermits().find((p) => p.id === permit.id);
    const v: PermitVersion = {
      id: permit.id,
      version: (prev?.version ?? 0) + 1,
      site: permit.site,
      permit: body as Permit,
      // The first version covers every stored reading; later ones start at the change.
      effective_from: prev ? now : null,
      effective_to: null,
      updated_at: now,
      updated_by: by,
    };
    meta.addPermitVersion(v);
    if (prev) {
      for (const run of runs.all.values()) {
        if (run.key.permit !== prev.id || run.key.version !== prev.version) continue;
        run.to = now;
        requestReplay(run, now, { reason: 'permit_changed', detail: { version: v.version } });
      }
    }
    for (const rule of v.permit.rules)
      requestReplay(runs.add(v, rule), END, { reason: 'permit_changed', detail: { version: v.version } });
    return v;
  }

  function siteZoneChanged(site: string) {
    for (const run of runs.all.values()) {
      if (run.site !== site || !active(run) || !isCalendar(run.compiled)) continue;
      runs.rebuild(run);
      requestReplay(run, run.from, { reason: 'zone_changed', detail: { time_zone: run.opts.timeZone } });
    }
  }

  function unitsKnown(sensors: readonly string[]) {
    for (const sensor of sensors) {
      for (const run of runs.bySensor.get(sensor) ?? []) {
        if (!run.waitingUnit) continue;
        runs.rebuild(run);
        if (!run.waitingUnit) {
          log.info({ run: run.id, unit: run.unit }, 'ruleStarted: the sensor unit is known');
          requestReplay(run, run.from, { reason: 'unit_known', detail: { unit: run.unit } });
        }
      }
    }
  }

  // ---- status and timer --------------------------------------------------------------------
  const status = (now = deps.clock.now()): RuleStatusView[] => ruleStatus(runs, meta, now);

  function tick(now = deps.clock.now()) {
    for (const run of runs.all.values()) {
      if (!active(run) || run.busy || run.replayFrom !== undefined || run.lastTs === null) continue;
      try {
        judgeEndedPeriods(run, now);
      } catch (err) {
        report(err, 'period_judging_failed', run);
      }
      const silentAt = run.lastTs + run.holdMs + 1;
      if (now < silentAt + noDataGraceMs || (run.watermark ?? 0) >= silentAt) continue;
      try {
        const events = run.ev.advanceTo(silentAt);
        run.watermark = silentAt;
        book.storeEvents(run, events, { reason: 'no_data' });
      } catch (err) {
        report(err, 'no_data_check_failed', run);
      }
    }
  }

  /**
   * Judge each calendar period of the run (daily rules: a day in the site's zone) that ended more
   * than its grace ago, on what arrived, whether or not more data came: the evaluator's watermark
   * goes to the period's end. The evaluator says where its period ends (never "the next reading
   * closes it"). A reading for a judged period is late data: it re-judges it by a replay.
   */
  function judgeEndedPeriods(run: Run, now: number) {
    for (let end = run.ev.periodEnd(); end !== null; end = run.ev.periodEnd()) {
      if (now < end + run.graceMs || (run.watermark ?? Number.NEGATIVE_INFINITY) >= end) return;
      const events = run.ev.advanceTo(end);
      run.watermark = end;
      book.storeEvents(run, events, { reason: 'day_ended', detail: { period_end: end } });
    }
  }

  // ---- startup -----------------------------------------------------------------------------
  // permitVersions() is ordered by id, version: the runs come up in that order.
  for (const v of meta.permitVersions()) {
    for (const rule of v.permit.rules) {
      const run = runs.add(v, rule);
      // Active runs restore their newest checkpoint and catch up from the store.
      if (active(run)) requestReplay(run, END, { reason: 'restart' });
    }
  }

  return {
    accept,
    tick,
    putPermit,
    currentPermits,
    status,
    watermarkOf: (key) => runs.all.get(runId(key))?.watermark ?? null,
    announce: book.announce,
    siteZoneChanged,
    unitsKnown,
    idle: drain,
    start() {
      deps.webhooks?.start();
      timer = setInterval(() => tick(), deps.tickMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await drain();
      stopped = true;
      for (const run of runs.all.values()) if (active(run) && run.watermark !== null) runs.saveCheckpoint(run);
      await deps.webhooks?.stop();
    },
  };
}
