import { describe, expect, it } from 'vitest';
import {
  chartHash,
  DEFAULT_STATE,
  MIN_SPAN_MS,
  paddedSpan,
  parseChartState,
  previousPeriod,
  rangeBounds,
  zoomIn,
  zoomOut,
} from './chart-state.ts';

const NOW = 1_764_000_000_000;

describe('chart state in the URL', () => {
  it('reads sensors, a preset and compare, and writes them back the same', () => {
    const s = parseChartState('#/live?sensors=plant.ph,plant.flow&range=7d&compare=1');
    expect(s.sensors).toEqual(['plant.ph', 'plant.flow']);
    expect(s.range).toEqual({ kind: 'preset', preset: '7d' });
    expect(s.compare).toBe(true);
    expect(chartHash('live', s)).toBe('#/live?sensors=plant.ph,plant.flow&range=7d&compare=1');
  });

  it('reads a fixed range, and drops malformed sensors and ranges', () => {
    const s = parseChartState(`#/live?sensors=ok.id,<script>,ok.id&from=${NOW}&to=${NOW + 5000}`);
    expect(s.sensors).toEqual(['ok.id']);
    expect(s.range).toEqual({ kind: 'fixed', from: NOW, to: NOW + 5000 });
    expect(parseChartState(`#/live?from=${NOW}&to=${NOW - 1}`).range).toEqual(DEFAULT_STATE.range);
    expect(parseChartState('#/live?range=2w').range).toEqual(DEFAULT_STATE.range);
    expect(parseChartState('#/live').sensors).toEqual([]);
  });
});

describe('ranges', () => {
  it('a preset ends now; the previous period is the same length just before', () => {
    const b = rangeBounds({ kind: 'preset', preset: '24h' }, NOW);
    expect(b).toEqual({ from: NOW - 86_400_000, to: NOW });
    expect(previousPeriod(b)).toEqual({ from: NOW - 2 * 86_400_000, to: NOW - 86_400_000, shift: 86_400_000 });
  });

  it('zooms in to the dragged span and back out to where it was', () => {
    const start = { ...DEFAULT_STATE, range: { kind: 'preset' as const, preset: '30d' as const } };
    const zoomed = zoomIn(start, NOW - 5 * 3_600_000, NOW - 3_600_000);
    expect(zoomed.range).toEqual({ kind: 'fixed', from: NOW - 5 * 3_600_000, to: NOW - 3_600_000 });
    const tiny = zoomIn(zoomed, NOW - 1000, NOW - 2000);
    expect(tiny.range.kind === 'fixed' && tiny.range.to - tiny.range.from).toBe(MIN_SPAN_MS);
    expect(zoomOut(zoomOut(tiny, NOW), NOW).range).toEqual(start.range);
  });

  it('zooms out of a linked range to three times its width, never past now', () => {
    const s = { ...DEFAULT_STATE, range: { kind: 'fixed' as const, from: NOW - 2000_000, to: NOW - 1000_000 } };
    expect(zoomOut(s, NOW).range).toEqual({ kind: 'fixed', from: NOW - 3000_000, to: NOW });
  });

  it('pads a breach span by half its length, at least 15 min, and not past now', () => {
    expect(paddedSpan(NOW - 4 * 3_600_000, NOW - 2 * 3_600_000, NOW)).toEqual({
      from: NOW - 5 * 3_600_000,
      to: NOW - 3_600_000,
    });
    expect(paddedSpan(NOW - 60_000, null, NOW)).toEqual({ from: NOW - 60_000 - 900_000, to: NOW });
  });
});
