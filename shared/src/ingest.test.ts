import { describe, expect, it } from 'vitest';
import { formatIssues } from './format-issues.ts';
import { IngestBatch } from './ingest.ts';

describe('ingest batch', () => {
  const ok = { device: 'plant-01', readings: [{ sensor: 'plant.ph', ts: 1_764_000_000_000, value: 7.1, q: 'good' }] };

  it('accepts the example batch of docs/design.md; q defaults to good', () => {
    expect(IngestBatch.parse(ok).readings[0].q).toBe('good');
    const noQ = { device: 'plant-01', readings: [{ sensor: 'plant.ph', ts: 1_764_000_000_000, value: 7.1 }] };
    expect(IngestBatch.parse(noQ).readings[0].q).toBe('good');
  });

  it.each([
    [{ ...ok, readings: [{ ...ok.readings[0], ts: 1.5e12 + 0.5 }] }, 'readings[0].ts'],
    [{ ...ok, readings: [{ ...ok.readings[0], ts: 5 }] }, 'readings[0].ts'],
    [{ ...ok, readings: [{ ...ok.readings[0], value: Number.POSITIVE_INFINITY }] }, 'readings[0].value'],
    [{ ...ok, readings: [{ ...ok.readings[0], value: Number.NaN }] }, 'readings[0].value'],
    [{ ...ok, readings: [{ ...ok.readings[0], value: '7.1' }] }, 'readings[0].value'],
    [{ ...ok, readings: [{ ...ok.readings[0], q: 'great' }] }, 'readings[0].q'],
    [{ ...ok, device: 'Plant 01' }, 'device'],
    [{ ...ok, extra: 1 }, ''],
  ])('rejects a bad field and names it (%#)', (input, path) => {
    const r = IngestBatch.safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssues(r.error)[0].path).toBe(path);
  });
});
