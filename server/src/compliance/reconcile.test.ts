// reconcile (pure): nothing deleted; merges and losses become withdrawals; a withdrawn breach
// found again comes back under its id; an acknowledged one is kept.
import { describe, expect, it } from 'vitest';
import type { BreachRecord, NewBreach } from '../meta/compliance.ts';
import { reconcile } from './reconcile.ts';

const fresh = (start: number, end: number | null): NewBreach => ({
  permit: 'p',
  permit_version: 1,
  site: 's',
  rule: 'r',
  sensor: 'x.y',
  severity: 'breach',
  start,
  opened_ts: start,
  end,
  closed_by: end === null ? null : 'clear',
  peak: 10,
  peak_ts: start,
  duration_ms: 0,
  out_of_bounds_ms: 0,
  exceedance: 0,
  limit: 9,
  unit: 'pH',
  availability: 1,
});
const stored = (id: number, start: number, end: number | null, more: Partial<BreachRecord> = {}): BreachRecord => ({
  ...fresh(start, end),
  id,
  ack_by: null,
  ack_at: null,
  ack_note: null,
  withdrawn_at: null,
  withdrawn_reason: null,
  withdrawn_detail: null,
  merged_into: null,
  ...more,
});
const gone = { withdrawn_at: 5, withdrawn_reason: 'late_data' };

describe('reconcile', () => {
  it('withdraws a breach no longer found and merges overlapping ones into the first, never deleting', () => {
    const plan = reconcile([stored(1, 0, 10), stored(2, 20, 30), stored(3, 40, 50)], [fresh(0, 35)]);
    expect(plan.updates.map((u) => u.old.id)).toEqual([1]);
    expect(plan.merges.map((m) => [m.old.id, m.into])).toEqual([[2, 1]]);
    expect(plan.withdrawals.map((w) => w.id)).toEqual([3]);
    expect(plan.inserts).toEqual([]);
  });

  it('keeps the acknowledged row in a merge, and an acknowledged row no longer found as it was', () => {
    const acked = { ack_by: 'maria', ack_at: 1, ack_note: 'ok' };
    const merge = reconcile([stored(1, 0, 10), stored(2, 5, 30, acked)], [fresh(0, 30)]);
    expect(merge.updates.map((u) => u.old.id)).toEqual([2]);
    expect(merge.merges.map((m) => [m.old.id, m.into])).toEqual([[1, 2]]);
    const lost = reconcile([stored(2, 5, 30, acked)], []);
    expect(lost.orphans.map((o) => o.id)).toEqual([2]);
    expect(lost.withdrawals).toEqual([]);
  });

  it('brings a withdrawn breach found again back under its id; ignores withdrawn ones when one in force overlaps', () => {
    const back = reconcile([stored(7, 100, 200, gone)], [fresh(100, 250)]);
    expect(back.updates.map((u) => [u.old.id, u.next.end])).toEqual([[7, 250]]);
    expect(back.inserts).toEqual([]);
    const both = reconcile([stored(7, 100, 200, gone), stored(8, 150, null)], [fresh(100, null)]);
    expect(both.updates.map((u) => u.old.id)).toEqual([8]);
    expect(both.withdrawals).toEqual([]);
    // Withdrawn rows that nothing overlaps stay as they are (not withdrawn twice).
    expect(reconcile([stored(7, 100, 200, gone)], [])).toEqual({
      inserts: [],
      updates: [],
      merges: [],
      withdrawals: [],
      orphans: [],
    });
  });
});
