/**
 * @module rules/machine
 * The per-rule state machine over event time, fed averaged points (value valid from `ts`
 * until the next point, at most until `until`). Never reads a clock; never goes back in time.
 *
 *   ok/no_data --out--> pending --out for `pending`--> breach --clear--> clearing
 *   clearing --clear for `clear`--> ok;  clearing --not clear--> breach;  pending --in--> ok
 *   any --point expired (`until` passed) or no value--> no_data (closes an open breach)
 *
 * Invariants:
 * - "out" is strictly beyond a limit; "clear" is inside it by the hysteresis band. A value
 *   between the two keeps a breach open and does not start one.
 * - Timers fire when due at or before the next point or watermark: out of bounds for exactly
 *   `pending` opens a breach; silence is "no data" only when strictly longer than the hold.
 * - Breach statistics (peak, out-of-bounds time, exceedance) use the same step model.
 * - A breach's `availability` is the lowest coverage of its out-of-limit points (1 for instant
 *   values; a daily value's share of the day covered by data).
 */
import { type CompiledRule, excessOf, isClear, limitCrossed } from './compile.ts';
import type { Breach, RuleEvent, RuleState } from './events.ts';

export type MachineSnapshot = {
  state: RuleState;
  since: number | null;
  at: number | null;
  value: number | null;
  until: number;
  breach: Breach | null;
  clearingSince: number | null;
  excessMs: number;
};

export class RuleMachine {
  private s: MachineSnapshot;
  constructor(
    private readonly rule: CompiledRule,
    snap?: MachineSnapshot,
  ) {
    this.s = snap
      ? structuredCloneJson(snap)
      : {
          state: 'no_data',
          since: null,
          at: null,
          value: null,
          until: 0,
          breach: null,
          clearingSince: null,
          excessMs: 0,
        };
  }

  get state(): RuleState {
    return this.s.state;
  }
  get at(): number | null {
    return this.s.at;
  }
  get value(): number | null {
    return this.s.value;
  }
  /** Until when the latest point's value holds (then no data). */
  get until(): number {
    return this.s.until;
  }
  /** The breach being built (pending) or open; a copy. */
  current(): Breach | null {
    return this.s.breach ? this.view(this.s.breach) : null;
  }

  snapshot(): MachineSnapshot {
    return structuredCloneJson(this.s);
  }

  /** A new averaged point (NaN value = nothing to compare: treated as no data). */
  apply(ts: number, value: number, until: number, out: RuleEvent[], coverage = 1): void {
    this.advance(ts, out);
    const s = this.s;
    s.at = ts;
    s.until = until;
    s.value = Number.isNaN(value) ? null : value;
    if (s.value === null) {
      if (s.state !== 'no_data') this.enterNoData(ts, out);
      return;
    }
    this.step(ts, s.value, out);
    if (s.breach && excessOf(this.rule, s.value) > 0)
      s.breach.availability = Math.min(s.breach.availability, Math.max(0, coverage));
    this.fireDue(ts, out);
  }

  /**
   * The latest of points the caller skipped because, in state `ok`, they changed nothing but
   * the latest point (see the evaluator's `skipTo`): what applying them all would leave.
   */
  standIn(ts: number, value: number, until: number): void {
    if (this.s.state !== 'ok') throw new Error(`standIn in state ${this.s.state}: only ok points can be skipped`);
    Object.assign(this.s, { at: ts, until, value });
  }

  /** Move the timeline to `t` (a later point's time or the caller's watermark). */
  advance(t: number, out: RuleEvent[]): void {
    const s = this.s;
    if (s.at === null || t <= s.at) return;
    if (s.value !== null) {
      const to = Math.min(t, s.until);
      if (to > s.at && s.breach) this.accumulate(s.at, to, s.value);
      this.fireDue(to, out);
      if (s.until < t && s.state !== 'no_data') this.enterNoData(s.until, out);
    }
    s.at = t;
  }

  private step(ts: number, v: number, out: RuleEvent[]): void {
    const s = this.s;
    const outOfBounds = excessOf(this.rule, v) > 0;
    switch (s.state) {
      case 'ok':
      case 'no_data':
        if (outOfBounds) {
          s.breach = this.candidate(ts, v);
          this.setState('pending', ts, out);
        } else if (s.state === 'no_data') this.setState('ok', ts, out);
        return;
      case 'pending':
        if (outOfBounds) this.notePeak(ts, v, out);
        else {
          s.breach = null;
          this.setState('ok', ts, out);
        }
        return;
      case 'breach':
      case 'clearing':
        this.notePeak(ts, v, out);
        if (isClear(this.rule, v)) {
          if (s.state === 'breach') {
            s.clearingSince = ts;
            this.setState('clearing', ts, out);
          }
        } else if (s.state === 'clearing') this.setState('breach', ts, out);
    }
  }

  private fireDue(t: number, out: RuleEvent[]): void {
    const s = this.s;
    const b = s.breach;
    if (s.state === 'pending' && b && b.start + this.rule.pendingMs <= t) {
      const due = b.start + this.rule.pendingMs;
      b.openedTs = due;
      this.setState('breach', due, out);
      out.push({ type: 'breachOpened', rule: this.rule.id, ts: due, breach: this.view(b, due) });
    } else if (s.state === 'clearing' && s.clearingSince! + this.rule.clearMs <= t) {
      const due = s.clearingSince! + this.rule.clearMs;
      this.close(s.clearingSince!, due, 'clear', out);
      this.setState('ok', due, out);
    }
  }

  private enterNoData(t: number, out: RuleEvent[]): void {
    const s = this.s;
    if (s.state === 'breach') this.close(t, t, 'no_data', out);
    else if (s.state === 'clearing') this.close(s.clearingSince!, t, 'no_data', out);
    s.breach = null;
    s.value = null;
    this.setState('no_data', t, out);
  }

  private close(end: number, closedTs: number, by: 'clear' | 'no_data', out: RuleEvent[]): void {
    const b = this.s.breach!;
    Object.assign(b, { end, closedTs, closedBy: by });
    out.push({ type: 'breachClosed', rule: this.rule.id, ts: closedTs, breach: this.view(b) });
    this.s.breach = null;
    this.s.clearingSince = null;
  }

  private setState(to: RuleState, ts: number, out: RuleEvent[]): void {
    const from = this.s.state;
    this.s.state = to;
    this.s.since = ts;
    out.push({ type: 'stateChanged', rule: this.rule.id, ts, from, to, value: this.s.value });
  }

  private candidate(ts: number, v: number): Breach {
    const r = this.rule;
    this.s.excessMs = 0;
    return {
      id: `${r.id}:${ts}`,
      rule: r.id,
      sensor: r.sensor,
      severity: r.severity,
      start: ts,
      openedTs: ts + r.pendingMs,
      end: null,
      closedTs: null,
      closedBy: null,
      durationMs: 0,
      peak: v,
      peakTs: ts,
      limit: limitCrossed(r, v)!,
      outOfBoundsMs: 0,
      exceedance: 0,
      availability: 1,
    };
  }

  private notePeak(ts: number, v: number, out: RuleEvent[]): void {
    const b = this.s.breach!;
    const excess = excessOf(this.rule, v);
    if (excess <= Math.abs(b.peak - b.limit)) return;
    Object.assign(b, { peak: v, peakTs: ts, limit: limitCrossed(this.rule, v)! });
    if (this.s.state !== 'pending') out.push({ type: 'breachUpdated', rule: this.rule.id, ts, breach: this.view(b) });
  }

  private accumulate(from: number, to: number, v: number): void {
    const excess = excessOf(this.rule, v);
    if (excess <= 0) return;
    this.s.breach!.outOfBoundsMs += to - from;
    this.s.excessMs += excess * (to - from);
  }

  private view(b: Breach, now = this.s.at ?? b.start): Breach {
    return { ...b, durationMs: (b.end ?? now) - b.start, exceedance: this.s.excessMs / 1000 };
  }
}

function structuredCloneJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
