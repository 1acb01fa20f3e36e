/**
 * @module charts/plugins/reading-marks — a uPlot plugin: a row of small marks along the bottom
 * of the plot for readings that are not plain evidence: corrected ones (a filled diamond: the
 * stored value replaced an earlier one, `GET /api/v1/readings/revisions`) and ones with an
 * uncertain time or value (a hollow circle: `q: uncertain`, e.g. a clock corrected on the edge,
 * counted per bucket as `u` in the series answer). Shapes, not colour alone, tell them apart.
 */
import uPlot from 'uplot';

export type ReadingMark = { ts: number; kind: 'corrected' | 'uncertain' };

const INK = '#5a2a82';

export function readingMarks(marks: () => readonly ReadingMark[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const list = marks();
          if (list.length === 0) return;
          const { ctx, bbox } = u;
          const px = uPlot.pxRatio;
          const r = 4 * px;
          const xMin = u.scales.x.min ?? 0;
          const xMax = u.scales.x.max ?? 0;
          ctx.save();
          ctx.strokeStyle = INK;
          ctx.fillStyle = INK;
          ctx.lineWidth = 1.5 * px;
          const lastX = { corrected: Number.NEGATIVE_INFINITY, uncertain: Number.NEGATIVE_INFINITY };
          for (const m of list) {
            if (m.ts < xMin || m.ts > xMax) continue;
            const x = u.valToPos(m.ts, 'x', true);
            // One mark per few pixels is all the eye can tell apart.
            if (x - lastX[m.kind] < 2 * r) continue;
            lastX[m.kind] = x;
            const y =
              m.kind === 'corrected' ? bbox.top + bbox.height - r - 2 * px : bbox.top + bbox.height - 3 * r - 4 * px;
            ctx.beginPath();
            if (m.kind === 'corrected') {
              ctx.moveTo(x, y - r);
              ctx.lineTo(x + r, y);
              ctx.lineTo(x, y + r);
              ctx.lineTo(x - r, y);
              ctx.closePath();
              ctx.fill();
            } else {
              ctx.arc(x, y, r, 0, 2 * Math.PI);
              ctx.stroke();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}
