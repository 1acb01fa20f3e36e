/**
 * @module charts/series-set — pure: several sensors (and the primary one's previous period) on
 * one time axis, in uPlot's columnar shape. Each layer keeps its own buckets: where another
 * layer has a point and this one has none the value is `undefined` (uPlot joins over it),
 * while the null rows `bucketsToColumns` put in gaps stay null (uPlot breaks the line there),
 * so aligning never draws across a silence. Sensors of the same quantity and unit share an axis;
 * at most two axes — a third unit is refused in words by the caller.
 */
import type { SeriesColumns } from './buckets.ts';

export type AxisKey = 'y' | 'y2';
export const AXIS_KEYS: readonly AxisKey[] = ['y', 'y2'];

export type SensorRef = { id: string; quantity: string; unit: string };

/** What an axis measures: sensors share one when both quantity and unit are equal. */
export function axisIdentity(s: Pick<SensorRef, 'quantity' | 'unit'>): string {
  return `${s.quantity}|${s.unit}`;
}

export type AxisPlan =
  | { ok: true; axes: { key: AxisKey; unit: string; quantity: string }[]; axisOf: AxisKey[] }
  | { ok: false; refused: SensorRef; axes: { key: AxisKey; unit: string; quantity: string }[] };

/** Axes for `sensors` in order: the first identity on the left (`y`), the second on the right (`y2`). */
export function planAxes(sensors: readonly SensorRef[]): AxisPlan {
  const axes: { key: AxisKey; unit: string; quantity: string; identity: string }[] = [];
  const axisOf: AxisKey[] = [];
  for (const s of sensors) {
    const identity = axisIdentity(s);
    let axis = axes.find((a) => a.identity === identity);
    if (!axis) {
      const key = AXIS_KEYS[axes.length];
      if (!key) return { ok: false, refused: s, axes: axes.map(({ identity: _, ...a }) => a) };
      axis = { key, unit: s.unit, quantity: s.quantity, identity };
      axes.push(axis);
    }
    axisOf.push(axis.key);
  }
  return { ok: true, axes: axes.map(({ identity: _, ...a }) => a), axisOf };
}

/** One value column per layer value; `undefined`: no point of this layer at that x. */
export type Column = (number | null | undefined)[];

/**
 * The union of every layer's x values, and each layer's min/mean/max on it. `shiftMs` moves a
 * layer forward in time (the previous period drawn over the current one).
 */
export function alignLayers(layers: readonly { cols: SeriesColumns; shiftMs?: number }[]): {
  xs: number[];
  columns: Column[][];
} {
  const shifted = layers.map((l) => (l.shiftMs ? l.cols[0].map((x) => x + l.shiftMs!) : l.cols[0]));
  const xs = [...new Set(shifted.flat())].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = layers.map((layer, li) => {
    const own: Column[] = [0, 1, 2].map(() => new Array(xs.length).fill(undefined));
    const lx = shifted[li]!;
    for (let i = 0; i < lx.length; i++) {
      const at = index.get(lx[i]!)!;
      own[0]![at] = layer.cols[1][i];
      own[1]![at] = layer.cols[2][i];
      own[2]![at] = layer.cols[3][i];
    }
    return own;
  });
  return { xs, columns };
}
