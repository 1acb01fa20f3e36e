/**
 * @module compliance/engine
 * The compliance engine: every rule of every permit version, fed the readings of accepted
 * ingest batches, finds breaches in event time (when readings were taken), stores them and
 * announces them (live `breach` events, webhooks).
 *
 * Invariants:
 * - A rule version ("run") covers [effective_from, effective_to) of its permit version; a
 *   permit change ends the old run at the change time (its open breach closes there,
 *   `closed_by: permit_changed`) and starts a fresh run; breaches keep their permit version.
 * - Readings at or before a run's watermark (late data, a backlog, a re-sent batch) are never
 *   pushed into the live evaluator: the run is replayed from its newest checkpoint before the
 *   earliest late reading, from the store, and its breaches from there on are reconciled
 *   (reconcile.ts): created, extended, merged or withdrawn, with their true times, never duplicated.
 * - In-order readings are evaluated inside the ingest request (O(batch), no store read); a
 *   replay runs in the background, one at a time, and the run's readings wait for it, so the
 *   ack never waits for a backfill.
 * - Checkpoints (evaluator snapshots) are stored when a run crosses an interval boundary
 *   (max(1 h, averaging window)), after each replayed interval (committed with the replay's
 *   breaches), and at shutdown; on startup every
 *   active run restores its newest checkpoint and replays what the store holds after it, so
 *   open breaches and evaluator state survive restarts, even a kill -9.
 * - Nothing here throws into the ingest path: the batch is already committed; errors are reported.
 */
import {
  type Breach,
  type CompiledRule,
  compileRule,
  createEvaluator,
  type EvaluatorOptions,
  type EvaluatorSnapshot,
  holdMsFor,
  MIN_TS,
  type Permit,
  type Reading,
  type Rule,
  type RuleEvaluator,
  type RuleEvent,
  type Sample,
} from '@vigia/shared';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { LiveHub } from '../live/hub.ts';
import type { BreachRecord, NewBreach, PermitVersion, RunKey } from '../meta/compliance.ts';
import type { Meta } from '../meta/meta.ts';
import type { ReadingColumns, Store } from '../storage/store.ts';
import { evaluateSkippingQuiet } from './quiet-minutes.ts';
import { differs, reconcile } from './reconcile.ts';
import { type BreachChange, breachRecord, breachView, type RuleStatusView } from './views.ts';
import type { Webhooks } from './webhooks.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Hourly checkpoints are kept this far back from a run's watermark; one per day before that. */
const KEEP_HOURLY_MS = 35 * DAY_MS;
const END = Number.MAX_SAFE_INTEGER;
/** Replay checkpoints held for the final transaction, at most this much JSON (then written early). */
const MAX_PENDING_CP_CHARS = 32 * 1024 * 1024;
/** Interval reads a replay keeps in flight (enough to keep two reader threads busy). */
const READS_AHEAD = 4;

export type ComplianceDeps = {
  store: Store;
  meta: Meta;
  live: LiveHub;
  clock: Clock;
  log: Logger;
  webhooks?: Webhooks;
  /** How long past a silent sensor's hold the timer waits before closing its breach as no data. */
  noDataGraceMs?: number;
  /** Timer period for no-data checks (start()). */
  tickMs?: number;
};

/** One rule of one permit version over [from, to). */
type Run = {
  key: RunKey;
  id: string;
  site: string;
  sensor: string;
  compiled: CompiledRule;
  opts: EvaluatorOptions;
  unit: string | null;
  holdMs: number;
  from: number;
  to: number;
  cpMs: number;
  ev: RuleEvaluator;
  lastTs: number | null;
  watermark: number | null;
  /** Readings waiting while a replay runs. */
  queue: Sample[];
  /** Set when the run must be replayed from a checkpoint before this time. */
  replayFrom: number | undefined;
  /** While a replay runs: readings before this may not be in what it read (END until known). */
  replayHi: number | undefined;
  busy: boolean;
  /** Replays that failed in a row (the store was unreachable): the next try waits longer. */
  failures: number;
};

export type ComplianceEngine = {
  /** Feed an accepted (already stored) batch. Never throws. */
  accept(readings: readonly Reading[]): void;
  /** No-data check on the wall clock: close breaches of sensors silent past their hold. */
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
  start(): void;
  /** Finish queued work, store a checkpoint of every run. */
  stop(): Promise<void>;
};

const runId = (k: RunKey) => `${k.permit}@${k.version}/${k.rule}`;
const cpIntervalOf = (r: CompiledRule) =>
  r.averaging.kind === 'rolling' || r.averaging.kind === 'twa' ? Math.max(HOUR_MS, r.averaging.windowMs) : HOUR_MS;

export function createComplianceEngine(deps: ComplianceDeps): ComplianceEngine {
  const { meta, store, log } = deps;
  const graceMs = deps.noDataGraceMs ?? 60_000;
  const runs = new Map<string, Run>();
  const bySensor = new Map<string, Run[]>();
  const pending = new Set<Run>();
  let worker: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const report = (err: unknown, what: string, run?: Run) =>
    log.error({ err, run: run?.id, component: 'compliance' }, what);

  // ---- runs -------------------------------------------------------------------------------
  function addRun(v: PermitVersion, rule: Rule): Run {
    const key = { permit: v.id, version: v.version, rule: rule.id };
    const compiled = compileRule(rule);
    const unit = meta.sensorById(rule.sensor)?.unit ?? null;
    const opts: EvaluatorOptions = { unit: unit ?? undefined };
    const run: Run = {
      key,
      id: runId(key),
      site: v.site,
      sensor: rule.sensor,
      compiled,
      opts,
      unit,
      holdMs: holdMsFor(compiled, opts),
      from: v.effective_from ?? MIN_TS,
      to: v.effective_to ?? END,
      cpMs: cpIntervalOf(compiled),
      ev: createEvaluator(compiled, opts),
      lastTs: null,
      watermark: null,
      queue: [],
      replayFrom: undefined,
      failures: 0,
      replayHi: undefined,
      busy: false,
    };
    runs.set(run.id, run);
    const list = bySensor.get(run.sensor) ?? [];
    list.push(run);
    bySensor.set(run.sensor, list);
    return run;
  }

  const active = (r: Run) => r.to === END;

  function requestReplay(run: Run, from: number) {
    run.replayFrom = Math.min(run.replayFrom ?? END, from);
    pending.add(run);
    kick();
  }

  // ---- storing and announcing breaches -----------------------------------------------------
  function announce(b: BreachRecord, change: BreachChange) {
    const run = runs.get(runId({ permit: b.permit, version: b.permit_version, rule: b.rule }));
    const view = breachView(b, run?.watermark);
    deps.live.publish({ event: 'breach', site: b.site, data: { ...view, change } });
    if (change === 'opened') deps.webhooks?.notify('breach_opened', view);
    if (change === 'closed') deps.webhooks?.notify('breach_closed', view);
  }

  /** Upsert the breaches an in-order push reported (last state of each wins). */
  function storeEvents(run: Run, events: RuleEvent[]) {
    const last = new Map<number, { b: Breach; opened: boolean; closed: boolean }>();
    for (const e of events) {
      if (e.type !== 'breachOpened' && e.type !== 'breachUpdated' && e.type !== 'breachClosed') continue;
      const seen = last.get(e.breach.start);
      last.set(e.breach.start, {
        b: e.breach,
        opened: (seen?.opened ?? false) || e.type === 'breachOpened',
        closed: e.type === 'breachClosed',
      });
    }
    if (last.size === 0) return;
    const now = deps.clock.now();
    const changes: [number, BreachChange][] = [];
    meta.complianceTx(() => {
      for (const { b, opened, closed } of last.values()) {
        const rec = breachRecord(run.key, run.site, run.unit, b);
        const old = meta.breachByKey(run.key, b.start);
        let id: number;
        if (old) {
          meta.updateBreach(old.id, rec, now);
          id = old.id;
        } else id = meta.insertBreach(rec, now);
        if (!old || opened) changes.push([id, 'opened']);
        if (closed) changes.push([id, 'closed']);
        else if (old && !opened) changes.push([id, 'updated']);
      }
    });
    for (const [id, change] of changes) announce(meta.breachById(id)!, change);
  }

  /** `alsoInTx`: more writes to commit with the breaches (the replay's checkpoints). */
  function applyPlan(run: Run, fresh: NewBreach[], since: number | null, alsoInTx?: () => void) {
    const stored = meta.breachesOfRun(run.key, since);
    // A breach may close after the checkpoint yet end before it (end = start of clearing).
    for (const f of fresh) {
      if (!stored.some((s) => s.start === f.start)) {
        const exact = meta.breachByKey(run.key, f.start);
        if (exact) stored.push(exact);
      }
    }
    const plan = reconcile(stored, fresh);
    const now = deps.clock.now();
    const changes: [number, BreachChange, BreachRecord?][] = [];
    meta.complianceTx(() => {
      alsoInTx?.();
      for (const d of plan.deletes) {
        meta.deleteBreach(d.old.id);
        changes.push([d.old.id, 'withdrawn', d.old]);
        if (d.old.ack_by !== null)
          meta.audit(
            'compliance',
            'breach_merged',
            { breach: d.old.id, into: d.into ?? null, ack_by: d.old.ack_by },
            now,
          );
      }
      for (const { old, next } of plan.updates) {
        if (!differs(old, next)) continue;
        meta.updateBreach(old.id, next, now);
        changes.push([old.id, old.end === null && next.end !== null ? 'closed' : 'updated']);
      }
      for (const next of plan.inserts) {
        const id = meta.insertBreach(next, now);
        changes.push([id, 'opened']);
        if (next.end !== null) changes.push([id, 'closed']);
      }
    });
    for (const o of plan.orphans)
      log.warn({ run: run.id, breach: o.id }, 'acknowledged breach no longer found by re-evaluation; kept');
    for (const [id, change, gone] of changes) announce(gone ?? meta.breachById(id)!, change);
  }

  // ---- in-order path -----------------------------------------------------------------------
  function saveCheckpoint(run: Run, snap: EvaluatorSnapshot = run.ev.snapshot()) {
    if (snap.watermark === null) return;
    storeCheckpoint(run, snap.watermark, JSON.stringify(snap));
  }

  function storeCheckpoint(run: Run, watermark: number, json: string) {
    meta.saveCheckpoint(run.key, watermark, json);
    if (Math.floor(watermark / DAY_MS) !== Math.floor((watermark - run.cpMs) / DAY_MS))
      meta.pruneCheckpoints(run.key, watermark - KEEP_HOURLY_MS);
  }

  /** Push readings newer than the watermark, checkpointing at interval boundaries. */
  function pushInOrder(run: Run, rs: readonly Sample[]) {
    let i = 0;
    while (i < rs.length) {
      const bucket = Math.floor(rs[i].ts / run.cpMs);
      if (run.watermark !== null && Math.floor(run.watermark / run.cpMs) < bucket) saveCheckpoint(run);
      let j = i + 1;
      const limit = (bucket + 1) * run.cpMs;
      while (j < rs.length && rs[j].ts < limit) j++;
      const chunk = i === 0 && j === rs.length ? rs : rs.slice(i, j);
      const events = run.ev.push(chunk);
      run.lastTs = run.watermark = chunk[chunk.length - 1].ts;
      storeEvents(run, events);
      i = j;
    }
  }

  // ---- replay (late data, startup, permit change) -----------------------------------------
  const readRange = async (sensor: string, from: number, to: number): Promise<Sample[]> => {
    if (store.readings) return store.readings(sensor, from, to);
    const buckets = await store.query(sensor, from, to, 1);
    return buckets.map((b) => ({ ts: b.ts, value: b.mean }));
  };

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

  async function replay(run: Run, lateFrom: number) {
    const cp = lateFrom <= run.from ? undefined : meta.checkpointBefore(run.key, lateFrom);
    const ev = createEvaluator(run.compiled, run.opts);
    let since: number | null = null;
    if (cp) {
      try {
        ev.restore(JSON.parse(cp.snapshot) as EvaluatorSnapshot);
        since = cp.watermark;
      } catch (err) {
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
      for (const cp of cps) storeCheckpoint(run, cp.watermark, cp.json);
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
    if (store.readingColumns && store.minuteSummaries && run.compiled.averaging.kind === 'instant') {
      // Quiet minutes skipped (quiet-minutes.ts); only instant rules, the only ones canSkip approves.
      const columns = store.readingColumns.bind(store);
      const summaries = store.minuteSummaries.bind(store);
      const read = (from: number, to: number) => columns(run.sensor, from, to);
      for (const start of await chunksWithData(run.sensor, lo, hi, run.cpMs)) {
        const a = Math.max(lo, start);
        const b = Math.min(hi, start + run.cpMs);
        collect(await evaluateSkippingQuiet(ev, await summaries(run.sensor, a, b), read, a, b));
        checkpoint();
      }
    } else if (store.readingColumns) {
      const columns = store.readingColumns.bind(store);
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
    } else {
      for (const start of await chunksWithData(run.sensor, lo, hi, run.cpMs)) {
        const rows = await readRange(run.sensor, Math.max(lo, start), Math.min(hi, start + run.cpMs));
        if (rows.length === 0) continue;
        collect(ev.push(rows));
        checkpoint();
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
    const st = ev.status();
    if (st.breach && (st.state === 'breach' || st.state === 'clearing')) {
      const b = st.breach;
      fresh.push(
        openClosedBy
          ? breachRecord(run.key, run.site, run.unit, { ...b, end: run.to, durationMs: run.to - b.start }, openClosedBy)
          : breachRecord(run.key, run.site, run.unit, b),
      );
    }
    applyPlan(run, fresh, since === null ? null : since - run.compiled.clearMs - 1, writeCps);
    if (active(run)) {
      const final = ev.snapshot();
      run.ev = ev;
      run.lastTs = final.lastTs;
      run.watermark = final.watermark;
    }
  }

  async function work(run: Run) {
    run.busy = true;
    let from: number | undefined;
    try {
      while (run.replayFrom !== undefined) {
        from = run.replayFrom;
        run.replayFrom = undefined;
        await replay(run, from);
      }
      run.failures = 0;
      // What arrived during the replays is at or after their horizon: newer than what they read.
      const wm = run.watermark ?? Number.NEGATIVE_INFINITY;
      const queued = dedupe(run.queue.splice(0).sort((a, b) => a.ts - b.ts)).filter((r) => r.ts > wm);
      if (queued.length > 0 && active(run)) pushInOrder(run, queued);
    } catch (err) {
      report(err, 'replayFailed', run);
      // Never give up on late data (e.g. InfluxDB away): try the same replay again, later; the
      // readings queued meanwhile stay queued for it.
      if (from !== undefined && !stopped) {
        const retryFrom = from;
        run.failures++;
        const delayMs = Math.min(60_000, 1000 * 2 ** Math.min(run.failures - 1, 6));
        setTimeout(() => {
          if (!stopped) requestReplay(run, retryFrom);
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

  // ---- ingest ------------------------------------------------------------------------------
  function accept(readings: readonly Reading[]) {
    try {
      const groups = new Map<string, Sample[]>();
      for (const r of readings) {
        if (!bySensor.has(r.sensor)) continue;
        const g = groups.get(r.sensor);
        if (g) g.push(r);
        else groups.set(r.sensor, [r]);
      }
      for (const [sensor, rs] of groups) {
        const sorted = dedupe(rs.sort((a, b) => a.ts - b.ts));
        for (const run of bySensor.get(sensor)!) feed(run, sorted);
      }
    } catch (err) {
      report(err, 'evaluationFailed');
    }
  }

  function feed(run: Run, sorted: readonly Sample[]) {
    const mine = sorted.filter((r) => r.ts >= run.from && r.ts < run.to);
    if (mine.length === 0) return;
    const waiting = run.busy || run.replayFrom !== undefined;
    const horizon = (waiting && run.replayHi) || (run.watermark ?? Number.NEGATIVE_INFINITY) + 1;
    if (mine[0].ts < horizon || !active(run)) return requestReplay(run, mine[0].ts);
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
      for (const run of runs.values()) {
        if (run.key.permit !== prev.id || run.key.version !== prev.version) continue;
        run.to = now;
        requestReplay(run, now);
      }
    }
    for (const rule of v.permit.rules) requestReplay(addRun(v, rule), END);
    return v;
  }

  // ---- status and timer --------------------------------------------------------------------
  function status(now = deps.clock.now()): RuleStatusView[] {
    const out: RuleStatusView[] = [];
    for (const run of runs.values()) {
      if (!active(run)) continue;
      const s = run.ev.status();
      const silent = run.lastTs === null || now - run.lastTs > run.holdMs;
      const open = s.breach && (s.state === 'breach' || s.state === 'clearing') ? s.breach : null;
      out.push({
        permit: run.key.permit,
        permit_version: run.key.version,
        rule: run.key.rule,
        sensor: run.sensor,
        state: silent ? 'no_data' : s.state,
        value: silent ? null : s.value,
        at: s.at,
        last_reading: run.lastTs,
        breach: open ? (meta.breachByKey(run.key, open.start)?.id ?? null) : null,
      });
    }
    return out;
  }

  function tick(now = deps.clock.now()) {
    for (const run of runs.values()) {
      if (!active(run) || run.busy || run.replayFrom !== undefined || run.lastTs === null) continue;
      const silentAt = run.lastTs + run.holdMs + 1;
      if (now < silentAt + graceMs || (run.watermark ?? 0) >= silentAt) continue;
      try {
        const events = run.ev.advanceTo(silentAt);
        run.watermark = silentAt;
        storeEvents(run, events);
      } catch (err) {
        report(err, 'noDataCheckFailed', run);
      }
    }
  }

  // ---- startup -----------------------------------------------------------------------------
  // permitVersions() is ordered by id, version: the runs come up in that order.
  for (const v of meta.permitVersions()) {
    for (const rule of v.permit.rules) {
      const run = addRun(v, rule);
      // Active runs restore their newest checkpoint and catch up from the store.
      if (active(run)) requestReplay(run, END);
    }
  }

  return {
    accept,
    tick,
    putPermit,
    currentPermits,
    status,
    watermarkOf: (key) => runs.get(runId(key))?.watermark ?? null,
    announce,
    async idle() {
      while (worker || pending.size > 0) {
        kick();
        await worker;
      }
    },
    start() {
      deps.webhooks?.start();
      timer = setInterval(() => tick(), deps.tickMs ?? 30_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      while (worker || pending.size > 0) {
        kick();
        await worker;
      }
      stopped = true;
      for (const run of runs.values()) if (active(run) && run.watermark !== null) saveCheckpoint(run);
      await deps.webhooks?.stop();
    },
  };
}

/** Readings sorted by ts, one per ts (the last one, as the store keeps the last write). */
function dedupe(sorted: Sample[]): Sample[] {
  let w = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (w > 0 && sorted[w - 1].ts === sorted[i].ts) sorted[w - 1] = sorted[i];
    else sorted[w++] = sorted[i];
  }
  sorted.length = w;
  return sorted;
}
