import { describe, expect, it } from 'vitest';
import { bucketsToColumns } from './buckets.ts';
import { alignLayers, planAxes } from './series-set.ts';

const ph = { id: 'plant.ph', quantity: 'ph', unit: 'pH' };
const ph2 = { id: 'tank.ph', quantity: 'ph', unit: 'pH' };
const flow = { id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' };
const temp = { id: 'plant.temp', quantity: 'temperature', unit: 'degC' };

describe('planAxes', () => {
  it('puts sensors of one quantity and unit on one axis, a second unit on the right', () => {
    const plan = planAxes([ph, flow, ph2]);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.axisOf).toEqual(['y', 'y2', 'y']);
    expect(plan.axes.map((a) => a.unit)).toEqual(['pH', 'm3/h']);
  });

  it('refuses a third unit and names the sensor', () => {
    const plan = planAxes([ph, flow, temp]);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.refused.id).toBe('plant.temp');
    expect(plan.axes.map((a) => a.unit)).toEqual(['pH', 'm3/h']);
  });
});

const bucket = (ts: number, mean: number) => ({ ts, min: mean - 1, mean, max: mean + 1, n: 1 });

describe('alignLayers', () => {
  it('keeps each layer’s gap rows null and leaves the other layers’ x values undefined', () => {
    const a = bucketsToColumns({ bucket_ms: 10, buckets: [bucket(0, 1), bucket(10, 2), bucket(50, 3)] });
    const b = bucketsToColumns({ bucket_ms: 10, buckets: [bucket(5, 7), bucket(15, 8)] });
    const { xs, columns } = alignLayers([{ cols: a }, { cols: b }]);
    expect(xs).toEqual([0, 5, 10, 15, 20, 50]);
    // Layer a: the null gap row at 20 stays null (a break); 5 and 15 are b's points only.
    expect(columns[0]![1]).toEqual([1, undefined, 2, undefined, null, 3]);
    expect(columns[1]![1]).toEqual([undefined, 7, undefined, 8, undefined, undefined]);
    expect(columns[1]![0]).toEqual([undefined, 6, undefined, 7, undefined, undefined]);
  });

  it('moves a shifted layer (the previous period) onto the current range', () => {
    const now = bucketsToColumns({ bucket_ms: 10, buckets: [bucket(100, 1)] });
    const before = bucketsToColumns({ bucket_ms: 10, buckets: [bucket(0, 4)] });
    const { xs, columns } = alignLayers([{ cols: now }, { cols: before, shiftMs: 100 }]);
    expect(xs).toEqual([100]);
    expect(columns[1]![1]).toEqual([4]);
  });
});
