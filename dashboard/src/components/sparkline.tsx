/**
 * @module components/sparkline — a tile's last hour as a tiny SVG line (no uPlot instance per
 * tile): decorative, the large value stays what is read; gaps are breaks (sparkline.ts).
 */
import { type SparkPoint, sparkSegments } from '../sparkline.ts';

const W = 100;
const H = 24;

export function Sparkline({ points, now, gapMs }: { points: readonly SparkPoint[]; now: number; gapMs: number }) {
  const segments = sparkSegments(points, now, W, H, gapMs);
  return (
    <svg
      class="tile__spark"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      data-spark={points.length}
      data-spark-segments={segments.length}
    >
      {segments.map((s) => (
        <polyline key={s} points={s} />
      ))}
    </svg>
  );
}
