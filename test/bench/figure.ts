/** One benchmark figure, printed as one JSON line by `npm run bench`. */
export type Figure = { name: string; value: number; unit: string; ratio?: number; note?: string };
export type Emit = (f: Figure) => void;
export type Bench = { name: string; run: (emit: Emit) => Promise<void> };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
