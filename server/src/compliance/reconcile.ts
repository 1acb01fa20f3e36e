/**
 * @module compliance/reconcile
 * After a re-evaluation: which stored breaches to keep (updated), merge away, delete, and which
 * new ones to insert, so the stored breaches of one rule version equal the re-evaluated ones.
 * Pure. Invariants:
 * - never two stored breaches for one re-evaluated breach: every stored breach overlapping it
 *   (or starting when it starts) is merged into one row, which keeps its id;
 * - an acknowledged breach is never deleted: it is the row kept in a merge, and when the
 *   re-evaluation no longer finds it, it stays as it was (the caller logs it);
 * - the result depends only on the two lists, so re-sending a batch changes nothing.
 */
import type { BreachRecord, NewBreach } from '../meta/compliance.ts';

export type ReconcilePlan = {
  inserts: NewBreach[];
  updates: { old: BreachRecord; next: NewBreach }[];
  /** Rows merged into another (`into`) or no longer found. */
  deletes: { old: BreachRecord; into?: number }[];
  /** Acknowledged rows the re-evaluation no longer finds; kept unchanged. */
  orphans: BreachRecord[];
};

const endOf = (b: { end: number | null }) => b.end ?? Number.POSITIVE_INFINITY;

function overlaps(a: BreachRecord, b: NewBreach): boolean {
  return a.start === b.start || (a.start < endOf(b) && b.start < endOf(a));
}

/** `stored`: the rule version's breaches in the re-evaluated span; `fresh`: what re-evaluation found there. */
export function reconcile(stored: readonly BreachRecord[], fresh: readonly NewBreach[]): ReconcilePlan {
  const plan: ReconcilePlan = { inserts: [], updates: [], deletes: [], orphans: [] };
  const used = new Set<number>();
  for (const next of [...fresh].sort((a, b) => a.start - b.start)) {
    const hits = stored.filter((s) => !used.has(s.id) && overlaps(s, next));
    if (hits.length === 0) {
      plan.inserts.push(next);
      continue;
    }
    const keep = hits.find((h) => h.ack_by !== null) ?? hits[0];
    for (const h of hits) used.add(h.id);
    plan.updates.push({ old: keep, next });
    for (const h of hits) if (h !== keep) plan.deletes.push({ old: h, into: keep.id });
  }
  for (const s of stored) {
    if (used.has(s.id)) continue;
    if (s.ack_by !== null) plan.orphans.push(s);
    else plan.deletes.push({ old: s });
  }
  return plan;
}

/** Whether storing `next` over `old` changes anything a reader sees. */
export function differs(old: BreachRecord, next: NewBreach): boolean {
  for (const k of Object.keys(next) as (keyof NewBreach)[]) if (old[k] !== next[k]) return true;
  return false;
}
