/**
 * @module charts/plugins/limit-lines — a uPlot plugin (docs/design.md C11): the rule limits as
 * dashed lines with their value written at the right end, and breach spans shaded behind the
 * series with a solid bar along the top (visible without relying on the tint alone). The y
 * scale is widened so a limit is always in view, even while the value sits far inside it.
 * Reads its data through getters at draw time, so new limits or spans need only a redraw.
 */
import uPlot from 'uplot';

/**
 * A breach over time; `end` null while open (shaded up to the right edge). `kind`: a breach in
 * force (red), a withdrawn one (grey hatching: re-evaluation no longer finds it, it is kept), or
 * one a permit preview would have found (amber hatching: nothing stored).
 */
export type BreachSpan = { start: number; end: number | null; alarm: boolean; kind?: SpanKind; id?: string };
export type SpanKind = 'breach' | 'withdrawn' | 'preview';

export type LimitLinesSource = {
  limits: () => readonly number[];
  spans: () => readonly BreachSpan[];
  /** The text written by each limit line, e.g. "Límite 9". */
  label: (value: number) => string;
  /** The scale the limits are on (the primary sensor's axis); `y` when absent. */
  scale?: string;
};

const LIMIT = '#a30d0d';
const SPAN_FILL = 'rgba(163, 13, 13, 0.16)';
const ALARM_FILL = 'rgba(163, 13, 13, 0.26)';
const WITHDRAWN = '#6b6b6b';
const PREVIEW = '#a35a00';

/** Diagonal lines across the span: told apart from a breach in force without colour. */
function hatch(ctx: CanvasRenderingContext2D, x0: number, top: number, w: number, h: number, color: string): void {
  const step = 8 * uPlot.pxRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, top, w, h);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.globalAlpha = 0.45;
  ctx.lineWidth = uPlot.pxRatio;
  ctx.beginPath();
  for (let x = x0 - h; x < x0 + w; x += step) {
    ctx.moveTo(x, top + h);
    ctx.lineTo(x + h, top);
  }
  ctx.stroke();
  ctx.restore();
}

/** The y range including every limit, padded like uPlot's own. */
export function rangeWithLimits(
  min: number | null,
  max: number | null,
  limits: readonly number[],
): [number | null, number | null] {
  let lo = min;
  let hi = max;
  for (const l of limits) {
    lo = lo === null ? l : Math.min(lo, l);
    hi = hi === null ? l : Math.max(hi, l);
  }
  if (lo === null || hi === null) return [lo, hi];
  return uPlot.rangeNum(lo, hi, 0.1, true) as [number, number];
}

function shadeSpans(u: uPlot, spans: readonly BreachSpan[]): void {
  const { ctx, bbox } = u;
  const xMin = u.scales.x.min ?? 0;
  const xMax = u.scales.x.max ?? 0;
  const bar = Math.round(5 * uPlot.pxRatio);
  ctx.save();
  for (const s of spans) {
    const end = s.end ?? xMax;
    if (end < xMin || s.start > xMax) continue;
    const x0 = Math.max(bbox.left, u.valToPos(Math.max(s.start, xMin), 'x', true));
    const x1 = Math.min(bbox.left + bbox.width, u.valToPos(Math.min(end, xMax), 'x', true));
    const w = Math.max(x1 - x0, 2 * uPlot.pxRatio);
    if (s.kind === 'withdrawn' || s.kind === 'preview') {
      const color = s.kind === 'withdrawn' ? WITHDRAWN : PREVIEW;
      hatch(ctx, x0, bbox.top, w, bbox.height, color);
      ctx.fillStyle = color;
      ctx.fillRect(x0, bbox.top, w, Math.round(bar / 2));
      continue;
    }
    ctx.fillStyle = s.alarm ? ALARM_FILL : SPAN_FILL;
    ctx.fillRect(x0, bbox.top, w, bbox.height);
    ctx.fillStyle = LIMIT;
    ctx.fillRect(x0, bbox.top, w, bar);
  }
  ctx.restore();
}

function drawLimits(u: uPlot, limits: readonly number[], label: (v: number) => string, scale: string): void {
  const { ctx, bbox } = u;
  const px = uPlot.pxRatio;
  ctx.save();
  ctx.strokeStyle = LIMIT;
  ctx.lineWidth = 2 * px;
  ctx.setLineDash([8 * px, 5 * px]);
  ctx.font = `bold ${Math.round(13 * px)}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  for (const v of limits) {
    const y = Math.round(u.valToPos(v, scale, true));
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    // The value on a white backing, above the line (below it when at the top edge).
    const text = label(v);
    const tw = ctx.measureText(text).width;
    const ty = y - 5 * px < bbox.top + 14 * px ? y + 16 * px : y - 5 * px;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(bbox.left + bbox.width - tw - 8 * px, ty - 13 * px, tw + 6 * px, 16 * px);
    ctx.fillStyle = LIMIT;
    ctx.fillText(text, bbox.left + bbox.width - 5 * px, ty);
  }
  ctx.restore();
}

export function limitLines(source: LimitLinesSource): uPlot.Plugin {
  return {
    opts: (_u, opts) => {
      const key = source.scale ?? 'y';
      const y = opts.scales?.[key] ?? {};
      opts.scales = {
        ...opts.scales,
        [key]: {
          ...y,
          range: (_self, min, max) => rangeWithLimits(min, max, source.limits()) as uPlot.Range.MinMax,
        },
      };
    },
    hooks: {
      drawClear: [(u) => shadeSpans(u, source.spans())],
      draw: [(u) => drawLimits(u, source.limits(), source.label, source.scale ?? 'y')],
    },
  };
}
