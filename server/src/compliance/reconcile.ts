/**
 * @module compliance/reconcile
 * After a re-evaluation: which stored breaches to keep (updated), merge into another, withdraw,
 * bring back, and which new ones to insert, so the breaches in force of one rule version equal
 * the re-evaluated ones. Pure. Invariants:
 * - nothing is deleted: a breach no longer found is withdrawn, a merged one is withdrawn naming
 *   the breach it went into; both stay readable with their history;
 * - never two breaches in force for one re-evaluated breach: every one in force overlapping it
 *   (or starting when it starts) is merged into one row, which keeps its id;
 * - a withdrawn breach that re-evaluation finds again (overlapping, none in force does) comes
 *   back in force under its id;
 * - an acknowledged breach is the row kept in a merge, and when re-evaluation no longer finds it,
 *   it stays as it was (the caller logs it): the acknowledgement is a person's record;
 * - the result depends only on the two lists, so re-sending a batch changes nothing.
 */
import type { BreachRecord, NewBreach } from '../meta/compliance.ts';

export type ReconcilePlan = {
  inserts: NewBreach[];
  /** Rows kept under their id, stored as `next`; a withdrawn one comes back in force. */
  updates: { old: BreachRecord; next: NewBreach }[];
  /** Rows in force merged into another (`into`): withdrawn with reason `merged`. */
  merges: { old: BreachRecord; into: number }[];
  /** Rows in force no longer found: withdrawn. */
  withdrawals: BreachRecord[];
  /** Acknowledged rows the re-evaluation no longer finds; kept unchanged. */
  orphans: BreachRecord[];
};

const endOf = (b: { end: number | null }) => b.end ?? Number.POSITIVE_INFINITY;

function overlaps(a: BreachRecord, b: NewBreach): boolean {
  return a.start === b.start || (a.start < endOf(b) && b.start < endOf(a));
}

/**
 * `stored`: the rule version's breaches in the re-evaluated span, in force and withdrawn;
 * `fresh`: what re-evaluation found there.
 */
export function reconcile(stored: readonly BreachRecord[], fresh: readonly NewBreach[]): ReconcilePlan {
  const plan: ReconcilePlan = { inserts: [], updates: [], merges: [], withdrawals: [], orphans: [] };
  const used = new Set<number>();
  const inForce = stored.filter((s) => s.withdrawn_at === null);
  const withdrawn = stored.filter((s) => s.withdrawn_at !== null);
  for (const next of [...fresh].sort((a, b) => a.start - b.start)) {
    const hits = inForce.filter((s) => !used.has(s.id) && overlaps(s, next));
    if (hits.length > 0) {
      const keep = hits.find((h) => h.ack_by !== null) ?? hits[0];
      for (const h of hits) used.add(h.id);
      plan.updates.push({ old: keep, next });
      for (const h of hits) if (h !== keep) plan.merges.push({ old: h, into: keep.id });
      continue;
    }
    const back = withdrawn.filter((s) => !used.has(s.id) && overlaps(s, next));
    if (back.length === 0) {
      plan.inserts.push(next);
      continue;
    }
    // The one at the same start, else the newest: one row comes back, the others stay withdrawn.
    const keep = back.find((h) => h.start === next.start) ?? back.reduce((a, b) => (b.id > a.id ? b : a));
    used.add(keep.id);
    plan.updates.push({ old: keep, next });
  }
  for (const s of inForce) {
    if (used.has(s.id)) continue;
    if (s.ack_by !== null) plan.orphans.push(s);
    else plan.withdrawals.push(s);
  }
  return plan;
}

/** Whether storing `next` over `old` changes anything a reader sees. */
export function differs(old: BreachRecord, next: NewBreach): boolean {
  if (old.withdrawn_at !== null) return true;
  for (const k of Object.keys(next) as (keyof NewBreach)[]) if (old[k] !== next[k]) return true;
  return false;
}

/** The fields `next` changes, as `{ field: [old, new] }` (for the breach history). */
export function changedFields(old: BreachRecord | undefined, next: NewBreach): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(next) as (keyof NewBreach)[]) {
    const before = old ? old[k] : null;
    if (before !== next[k]) out[k] = [before, next[k]];
  }
  return out;
}
