/**
 * @module compliance/runs
 * The registry of runs: one rule of one permit version over [from, to), with its live evaluator,
 * and the evaluator checkpoints that let a run resume.
 *
 * Invariants:
 * - A rule version ("run") covers [effective_from, effective_to) of its permit version; a
 *   permit change ends the old run at the change time and starts a fresh one. `to === END` is
 *   the active run of a rule.
 * - A run's evaluator options (unit, site time zone) are fixed when it is built; a change of the
 *   site's zone rebuilds the run (`rebuild`) and the caller replays it from its start: the zone is
 *   part of the evaluator's fingerprint, so no old checkpoint is restored into the new evaluator.
 * - A rule that needs its sensor's unit while the server has none is built waiting
 *   (`waitingUnit`, waiting-unit.ts) and rebuilt when the unit arrives.
 * - Checkpoints (evaluator snapshots) are keyed by the run and its watermark; hourly ones are kept
 *   35 days back from the watermark, one per UTC day before that.
 */
import {
  type CompiledRule,
  compileRule,
  createEvaluator,
  DEFAULT_TIME_ZONE,
  type EvaluatorOptions,
  type EvaluatorSnapshot,
  holdMsFor,
  MIN_TS,
  periodGraceMs,
  type Rule,
  type RuleEvaluator,
  type Sample,
} from '@vigia/shared';
import type { PermitVersion, RunKey } from '../meta/compliance.ts';
import type { Meta } from '../meta/meta.ts';
import type { Why } from './deps.ts';
import { waitingEvaluator, waitsForUnit } from './waiting-unit.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Hourly checkpoints are kept this far back from a run's watermark; one per day before that. */
const KEEP_HOURLY_MS = 35 * DAY_MS;
/** `to` of an active run. */
export const END = Number.MAX_SAFE_INTEGER;

/** One rule of one permit version over [from, to). */
export type Run = {
  key: RunKey;
  id: string;
  site: string;
  sensor: string;
  rule: Rule;
  compiled: CompiledRule;
  opts: EvaluatorOptions;
  unit: string | null;
  /** The rule needs the sensor's unit and the server does not know it yet: nothing is evaluated. */
  waitingUnit: boolean;
  holdMs: number;
  /** How long after a calendar period (a day) ends the timer waits before judging it. */
  graceMs: number;
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
  /** Why (which late data, correction, permit or zone change), for the breach history. */
  why: Why | undefined;
  /** While a replay runs: readings before this may not be in what it read (END until known). */
  replayHi: number | undefined;
  busy: boolean;
  /** Replays that failed in a row (the store was unreachable): the next try waits longer. */
  failures: number;
};

export const runId = (k: RunKey) => `${k.permit}@${k.version}/${k.rule}`;
export const active = (r: Run) => r.to === END;
/** Rules judged per calendar day of the site's zone. */
export const isCalendar = (r: CompiledRule) => r.averaging.kind === 'daily_mean' || r.averaging.kind === 'daily_total';
const cpIntervalOf = (r: CompiledRule) =>
  r.averaging.kind === 'rolling' || r.averaging.kind === 'twa' ? Math.max(HOUR_MS, r.averaging.windowMs) : HOUR_MS;

export type Runs = {
  all: Map<string, Run>;
  bySensor: Map<string, Run[]>;
  add(v: PermitVersion, rule: Rule): Run;
  /** A fresh evaluator with the site's current zone and the sensor's current unit. */
  rebuild(run: Run): void;
  saveCheckpoint(run: Run, snap?: EvaluatorSnapshot): void;
  storeCheckpoint(run: Run, watermark: number, json: string): void;
};

export function createRuns(meta: Meta, timeZoneOf: (site: string) => string = () => DEFAULT_TIME_ZONE): Runs {
  const all = new Map<string, Run>();
  const bySensor = new Map<string, Run[]>();

  function build(run: Pick<Run, 'site' | 'rule'>) {
    const compiled = compileRule(run.rule);
    const unit = meta.sensorById(run.rule.sensor)?.unit ?? null;
    const opts: EvaluatorOptions = { unit: unit ?? undefined, timeZone: timeZoneOf(run.site) };
    const waitingUnit = waitsForUnit(compiled, unit);
    const ev = waitingUnit ? waitingEvaluator(compiled) : createEvaluator(compiled, opts);
    return { compiled, unit, waitingUnit, opts, holdMs: holdMsFor(compiled, opts), ev };
  }

  function add(v: PermitVersion, rule: Rule): Run {
    const key = { permit: v.id, version: v.version, rule: rule.id };
    const built = build({ site: v.site, rule });
    const run: Run = {
      key,
      id: runId(key),
      site: v.site,
      sensor: rule.sensor,
      rule,
      ...built,
      graceMs: periodGraceMs(v.permit, rule),
      from: v.effective_from ?? MIN_TS,
      to: v.effective_to ?? END,
      cpMs: cpIntervalOf(built.compiled),
      lastTs: null,
      watermark: null,
      queue: [],
      replayFrom: undefined,
      why: undefined,
      failures: 0,
      replayHi: undefined,
      busy: false,
    };
    all.set(run.id, run);
    const list = bySensor.get(run.sensor) ?? [];
    list.push(run);
    bySensor.set(run.sensor, list);
    return run;
  }

  function rebuild(run: Run) {
    Object.assign(run, build(run));
  }

  function storeCheckpoint(run: Run, watermark: number, json: string) {
    meta.saveCheckpoint(run.key, watermark, json);
    if (Math.floor(watermark / DAY_MS) !== Math.floor((watermark - run.cpMs) / DAY_MS))
      meta.pruneCheckpoints(run.key, watermark - KEEP_HOURLY_MS);
  }

  function saveCheckpoint(run: Run, snap: EvaluatorSnapshot = run.ev.snapshot()) {
    if (snap.watermark === null) return;
    storeCheckpoint(run, snap.watermark, JSON.stringify(snap));
  }

  return { all, bySensor, add, rebuild, saveCheckpoint, storeCheckpoint };
}

/**
 * Readings sorted by ts, one per ts (the last one: the store refuses a different value for a
 * stored (sensor, ts) unless it is a correction, so a repeat is the same value or its correction).
 */
export function dedupe(sorted: Sample[]): Sample[] {
  let w = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (w > 0 && sorted[w - 1].ts === sorted[i].ts) sorted[w - 1] = sorted[i];
    else sorted[w++] = sorted[i];
  }
  sorted.length = w;
  return sorted;
}
