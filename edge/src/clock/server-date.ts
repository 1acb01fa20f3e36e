/**
 * @module clock/server-date
 * Turns a server answer's `Date` header into bounds on (epoch − monotonic), pure.
 * An HTTP date has whole seconds, so the server's time when it answered lay in [D, D + 1 s); it
 * answered between our send and our receipt (monotonic ms). Each answer therefore bounds
 * `epoch − mono` to [D − recv, D + 1000 − sent]; intersecting the bounds of several answers
 * narrows them (the second boundary falls at different points of different round trips), and
 * the estimate is the midpoint: never off by more than half the width (±0.5 s + half a round
 * trip after one answer).
 */

/** Bounds on `epoch − mono`, ms. */
export type OffsetBounds = { lo: number; hi: number };

/** Bounds from one answer; null when the header is missing or unreadable. */
export function boundsFromDate(
  date: string | null | undefined,
  sentMono: number,
  recvMono: number,
): OffsetBounds | null {
  if (!date) return null;
  const d = Date.parse(date);
  if (!Number.isFinite(d) || recvMono < sentMono) return null;
  return { lo: d - recvMono, hi: d + 1000 - sentMono };
}

/**
 * Narrows `prev` by `next`. When they do not overlap (the server's clock was stepped, or our
 * monotonic clock drifted over a long time), the newest answer wins: it describes the present.
 */
export function intersectBounds(prev: OffsetBounds | null, next: OffsetBounds): OffsetBounds {
  if (!prev) return next;
  const lo = Math.max(prev.lo, next.lo);
  const hi = Math.min(prev.hi, next.hi);
  return lo <= hi ? { lo, hi } : next;
}

export const midpoint = (b: OffsetBounds): number => Math.round((b.lo + b.hi) / 2);
