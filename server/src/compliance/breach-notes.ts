/**
 * @module compliance/breach-notes
 * Operators' notes on a breach ("ventilador reiniciado 10:50"): what was done, by whom, when.
 * A note is one more entry of the breach's stored history (change `note`, reason `operator`,
 * detail `{ by, note }`), so it needs no table of its own and is kept with the breach forever,
 * in order. A note never acknowledges, closes or changes the breach: acknowledgement stays
 * with officers (POST /api/v1/breaches/:id/ack).
 */
import type { BreachNote } from '@vigia/shared';
import type { Meta } from '../meta/meta.ts';

/** At most this many notes on one breach (a 2,000-character note each). */
export const MAX_NOTES = 200;

/** The notes of breach `id`, oldest first. */
export function breachNotes(meta: Pick<Meta, 'breachHistoryOf'>, id: number): BreachNote[] {
  return notesByBreach(meta, [id]).get(id) ?? [];
}

/** The notes of every breach in `ids`, oldest first, in one read (for lists and reports). */
export function notesByBreach(meta: Pick<Meta, 'breachHistoryOf'>, ids: readonly number[]): Map<number, BreachNote[]> {
  const out = new Map<number, BreachNote[]>();
  for (const h of meta.breachHistoryOf(ids, 'note')) {
    const notes = out.get(h.breach) ?? [];
    notes.push({ by: String(h.detail.by ?? ''), at: h.at, note: String(h.detail.note ?? '') });
    out.set(h.breach, notes);
  }
  return out;
}

export function addBreachNote(meta: Pick<Meta, 'addBreachHistory'>, id: number, n: BreachNote): void {
  meta.addBreachHistory({
    breach: id,
    at: n.at,
    change: 'note',
    reason: 'operator',
    detail: { by: n.by, note: n.note },
  });
}
