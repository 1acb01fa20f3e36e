/**
 * @module compliance/breaches
 * Storing and announcing breaches: the in-order path's events upserted by (run, start), a
 * replay's breaches reconciled with the stored ones (reconcile.ts), and every change published
 * on the live stream, to webhooks and to e-mail subscribers after its transaction commits.
 *
 * Invariants:
 * - One row in force per breach of a run, keyed by (permit, version, rule, start): an in-order
 *   push upserts, never duplicates; a replay's breaches replace the stored ones of the replayed
 *   span in one transaction (with the replay's checkpoints), so a replay cut short changes nothing.
 * - Nothing is deleted: a breach no longer found is withdrawn (when, why: which late data or
 *   correction), a merged one names the breach it went into; each withdrawal is audit-logged.
 * - Every stored change of a breach is a breach_history row (when, which fields, why), in the
 *   same transaction as the change.
 * - A change is announced only after it is committed, with the row as stored.
 * - An acknowledged breach no longer found is kept as it was and logged.
 */
import type { Breach, BreachChange, RuleEvent, WebhookEvent } from '@vigia/shared';
import type { BreachRecord, NewBreach } from '../meta/compliance.ts';
import type { ComplianceDeps, Why } from './deps.ts';
import { changedFields, differs, reconcile } from './reconcile.ts';
import { type Run, type Runs, runId } from './runs.ts';
import { breachRecord, breachView } from './views.ts';

export type BreachBook = {
  announce(b: BreachRecord, change: BreachChange): void;
  /** Upsert the breaches an in-order push or the timer reported (last state of each wins). */
  storeEvents(run: Run, events: RuleEvent[], why: Why): void;
  /** `alsoInTx`: more writes to commit with the breaches (the replay's checkpoints). */
  applyPlan(run: Run, fresh: NewBreach[], since: number | null, why: Why, alsoInTx?: () => void): void;
};

const WEBHOOK_EVENT: Partial<Record<BreachChange, WebhookEvent>> = {
  opened: 'breach_opened',
  closed: 'breach_closed',
  withdrawn: 'breach_withdrawn',
};

type HistoryChange = 'opened' | 'updated' | 'closed' | 'withdrawn' | 'restored';

export function createBreachBook(deps: ComplianceDeps, runs: Runs): BreachBook {
  const { meta, log } = deps;

  function announce(b: BreachRecord, change: BreachChange) {
    const run = runs.all.get(runId({ permit: b.permit, version: b.permit_version, rule: b.rule }));
    const view = breachView(b, run?.watermark);
    deps.live.publish({ event: 'breach', site: b.site, data: { ...view, change } });
    if (change === 'opened') deps.notifications?.breachOpened(view);
    const event = WEBHOOK_EVENT[change];
    if (event && deps.webhooks) {
      // The history row this change wrote names it: a breach back in force after a withdrawal
      // is announced under a new id, not taken for a duplicate of its first opening.
      deps.webhooks.notify(event, view, meta.lastBreachHistorySeq(b.id));
    }
  }

  const history = (breach: number, change: HistoryChange, why: Why, at: number, more: Record<string, unknown>) =>
    meta.addBreachHistory({ breach, at, change, reason: why.reason, detail: { ...more, ...why.detail } });

  /** Store `next` over `old` (or as a new row); the history row and the live change it makes. */
  function put(old: BreachRecord | undefined, next: NewBreach, why: Why, now: number): [number, BreachChange][] {
    const fields = changedFields(old, next);
    // A breach new or back in force is announced opened, and closed too when it has ended.
    const opened = (id: number): [number, BreachChange][] =>
      next.end !== null
        ? [
            [id, 'opened'],
            [id, 'closed'],
          ]
        : [[id, 'opened']];
    if (!old) {
      const id = meta.insertBreach(next, now);
      history(id, 'opened', why, now, { fields });
      return opened(id);
    }
    meta.updateBreach(old.id, next, now);
    if (old.withdrawn_at !== null) {
      history(old.id, 'restored', why, now, { fields });
      return opened(old.id);
    }
    const closed = old.end === null && next.end !== null;
    history(old.id, closed ? 'closed' : 'updated', why, now, { fields });
    return [[old.id, closed ? 'closed' : 'updated']];
  }

  function withdraw(old: BreachRecord, why: Why, now: number, into?: number) {
    const detail = into === undefined ? (why.detail ?? {}) : { ...why.detail, into };
    const reason = into === undefined ? why.reason : 'merged';
    meta.withdrawBreach(old.id, now, reason, detail, into);
    history(old.id, 'withdrawn', { reason, detail }, now, {});
    meta.audit(
      'compliance',
      'breach_withdrawn',
      { breach: old.id, reason, ...detail, ...(old.ack_by !== null ? { ack_by: old.ack_by } : {}) },
      now,
    );
  }

  function storeEvents(run: Run, events: RuleEvent[], why: Why) {
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
        if (old && old.withdrawn_at === null && !opened && !closed && !differs(old, rec)) continue;
        const stored = put(old, rec, why, now);
        const id = stored[0][0];
        if (old && old.withdrawn_at === null) {
          if (opened) changes.push([id, 'opened']);
          if (closed) changes.push([id, 'closed']);
          else if (!opened) changes.push([id, 'updated']);
        } else changes.push(...stored);
      }
    });
    for (const [id, change] of changes) announce(meta.breachById(id)!, change);
  }

  function applyPlan(run: Run, fresh: NewBreach[], since: number | null, why: Why, alsoInTx?: () => void) {
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
    const changes: [number, BreachChange][] = [];
    meta.complianceTx(() => {
      alsoInTx?.();
      // Withdrawals first: a merged row leaves the unique key before the kept row takes its start.
      for (const m of plan.merges) {
        withdraw(m.old, why, now, m.into);
        changes.push([m.old.id, 'withdrawn']);
      }
      for (const old of plan.withdrawals) {
        withdraw(old, why, now);
        changes.push([old.id, 'withdrawn']);
      }
      for (const { old, next } of plan.updates) if (differs(old, next)) changes.push(...put(old, next, why, now));
      for (const next of plan.inserts) changes.push(...put(undefined, next, why, now));
    });
    for (const o of plan.orphans)
      log.warn({ run: run.id, breach: o.id }, 'acknowledged breach no longer found by re-evaluation; kept');
    for (const [id, change] of changes) announce(meta.breachById(id)!, change);
  }

  return { announce, storeEvents, applyPlan };
}

/** Two causes of one pending replay as one: a correction names itself, late data spans both. */
export function mergeWhy(a: Why | undefined, b: Why): Why {
  if (!a) return b;
  const reasons = [a.reason, b.reason];
  const reason = reasons.includes('correction') ? 'correction' : reasons.includes('late_data') ? 'late_data' : a.reason;
  const detail: Record<string, unknown> = { ...a.detail, ...b.detail };
  const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
  const pick = (k: string, f: (x: number, y: number) => number) => {
    const x = num(a.detail?.[k]);
    const y = num(b.detail?.[k]);
    if (x !== undefined && y !== undefined) detail[k] = f(x, y);
  };
  pick('from', Math.min);
  pick('to', Math.max);
  pick('readings', (x, y) => x + y);
  return { reason, detail };
}
