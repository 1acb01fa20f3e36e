/**
 * @module compliance/breaches
 * Storing and announcing breaches: the in-order path's events upserted by (run, start), a
 * replay's breaches reconciled with the stored ones (reconcile.ts), and every change published
 * on the live stream and to webhooks after its transaction commits.
 *
 * Invariants:
 * - One row per breach of a run, keyed by (permit, version, rule, start): an in-order push
 *   upserts, never duplicates; a replay's breaches replace the stored ones of the replayed span
 *   in one transaction (with the replay's checkpoints), so a replay cut short changes nothing.
 * - A change is announced only after it is committed, with the row as stored.
 * - An acknowledged breach is never deleted; one no longer found is kept as it was and logged.
 */
import type { Breach, RuleEvent } from '@vigia/shared';
import type { BreachRecord, NewBreach } from '../meta/compliance.ts';
import type { ComplianceDeps } from './engine.ts';
import { differs, reconcile } from './reconcile.ts';
import { type Run, type Runs, runId } from './runs.ts';
import { type BreachChange, breachRecord, breachView } from './views.ts';

export type BreachBook = {
  announce(b: BreachRecord, change: BreachChange): void;
  /** Upsert the breaches an in-order push reported (last state of each wins). */
  storeEvents(run: Run, events: RuleEvent[]): void;
  /** `alsoInTx`: more writes to commit with the breaches (the replay's checkpoints). */
  applyPlan(run: Run, fresh: NewBreach[], since: number | null, alsoInTx?: () => void): void;
};

export function createBreachBook(deps: ComplianceDeps, runs: Runs): BreachBook {
  const { meta, log } = deps;

  function announce(b: BreachRecord, change: BreachChange) {
    const run = runs.all.get(runId({ permit: b.permit, version: b.permit_version, rule: b.rule }));
    const view = breachView(b, run?.watermark);
    deps.live.publish({ event: 'breach', site: b.site, data: { ...view, change } });
    if (change === 'opened') deps.webhooks?.notify('breach_opened', view);
    if (change === 'closed') deps.webhooks?.notify('breach_closed', view);
  }

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

  return { announce, storeEvents, applyPlan };
}
