/**
 * @module charts/use-chart-data — what a chart draws, fetched for its sensors and range: one
 * `GET /api/v1/series` per sensor (plus the primary one over the previous period when
 * comparing) and `GET /api/v1/breaches` for the range (the primary sensor's, withdrawn ones
 * included). While the range ends now, live readings are appended as they arrive. A failed
 * request says so; a failed breach list does not hide the data, it is said apart.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { breaches as fetchBreaches, type SensorInfo, series, serverNow } from '../api.ts';
import { type BreachRow, isAlarmSeverity } from '../compliance.ts';
import type { Live, LiveState } from '../live.ts';
import { STALE_AFTER_MS, staleAfterMs } from '../staleness.ts';
import { appendReading, bucketsToColumns, type SeriesColumns, trimBefore } from './buckets.ts';
import type { BreachSpan } from './plugins/limit-lines.ts';
import type { ReadingMark } from './plugins/reading-marks.ts';

export type ChartData = {
  load: { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; detail: string };
  /** Per sensor, in the order asked; then the previous period when comparing. */
  cols: SeriesColumns[];
  /** The bucket width the server chose for the current range. */
  bucketMs: number | null;
  spans: BreachSpan[];
  spansError: string | null;
  marks: ReadingMark[];
  /** Uncertain readings were not listed at this resolution (zoom in), or the list was cut. */
  uncertainHidden: boolean;
  marksTruncated: boolean;
  /** performance.now() when the last answers arrived. */
  arrivedAt: number;
};

/** Buckets for a chart this many CSS pixels wide: two a pixel, 300 to 1000 (bad links pay per bucket). */
export function pointsFor(widthPx: number): number {
  return Math.max(300, Math.min(1000, Math.round(2 * widthPx)));
}

/**
 * A breach as the chart shades it. The fetched ones and those the live stream adds (chart-panel)
 * go through here alike: a live one replaces the fetched one with its id.
 */
export function breachSpan(b: BreachRow): BreachSpan {
  return {
    id: b.id,
    start: b.start,
    end: b.end,
    alarm: isAlarmSeverity(b.severity),
    kind: b.state === 'withdrawn' ? 'withdrawn' : 'breach',
  };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function useChartData(o: {
  sensors: readonly SensorInfo[];
  from: number;
  to: number;
  /** The previous period's start, when comparing. */
  compareFrom: number | null;
  /** Append live readings (the range ends now), trimming what slides out before `to - span`. */
  follow: boolean;
  /** Absent: no live readings (a chart of past data, e.g. a permit preview). */
  live?: Live;
  connection?: LiveState;
}): ChartData {
  const { sensors, from, to, compareFrom, follow, live, connection } = o;
  const [data, setData] = useState<ChartData>({
    load: { kind: 'loading' },
    cols: [],
    bucketMs: null,
    spans: [],
    spansError: null,
    marks: [],
    uncertainHidden: false,
    marksTruncated: false,
    arrivedAt: 0,
  });
  // Reload after the live stream comes back: the backlog may have filled the gap meanwhile.
  const [reloads, setReloads] = useState(0);
  const prevConnection = useRef<LiveState | undefined>(connection);
  useEffect(() => {
    if (prevConnection.current === 'retrying' && connection === 'open') setReloads((n) => n + 1);
    prevConnection.current = connection;
  }, [connection]);

  const ids = sensors.map((s) => s.id);
  const key = ids.join(',');
  // Live readings arriving while the requests are in flight are kept and added after.
  const pending = useRef<{ sensor: string; ts: number; value: number }[] | null>(null);
  const gapMs = useRef(STALE_AFTER_MS);

  useEffect(() => {
    if (ids.length === 0) return;
    let cancelled = false;
    pending.current = [];
    setData((d) => ({ ...d, load: { kind: 'loading' } }));
    const points = pointsFor(typeof innerWidth === 'number' ? innerWidth : 800);
    const asks = ids.map((id) => series(id, from, to, points));
    if (compareFrom !== null) asks.push(series(ids[0]!, compareFrom, from, points));
    const spans = fetchBreaches(from, to).then(
      (rows) => ({
        spans: rows.filter((b) => b.sensor === ids[0]).map(breachSpan),
        error: null,
      }),
      (err: unknown) => ({ spans: [] as BreachSpan[], error: message(err) }),
    );
    Promise.all([Promise.all(asks), spans])
      .then(([answers, found]) => {
        if (cancelled) return;
        // The draw is timed from here: the answers are in, nothing converted yet.
        const arrivedAt = performance.now();
        const first = answers[0]!;
        // A gap is a silence the sensor's tile would grey for; the previous period is the primary's.
        const silence = (i: number) => staleAfterMs((sensors[i] ?? sensors[0])?.interval_ms);
        // Live appends: the slowest sensor's silence, so none of them breaks between two readings.
        gapMs.current = Math.max(1.5 * first.bucket_ms, ...sensors.map((_, i) => silence(i)));
        let cols = answers.map((a, i) => bucketsToColumns(a, silence(i)));
        for (const r of pending.current ?? []) {
          const i = ids.indexOf(r.sensor);
          if (i >= 0) cols = cols.map((c, k) => (k === i ? appendReading(c, r.ts, r.value, gapMs.current) : c));
        }
        pending.current = null;
        const marks: ReadingMark[] = [
          ...(first.marks?.corrected ?? []).map((ts) => ({ ts, kind: 'corrected' as const })),
          ...(first.marks?.uncertain ?? []).map((ts) => ({ ts, kind: 'uncertain' as const })),
        ];
        setData({
          load: { kind: 'ready' },
          cols,
          bucketMs: first.bucket_ms,
          spans: found.spans,
          spansError: found.error,
          marks,
          uncertainHidden: first.marks !== undefined && first.marks.uncertain === null,
          marksTruncated: first.marks?.truncated ?? false,
          arrivedAt,
        });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        pending.current = null;
        setData((d) => ({ ...d, load: { kind: 'error', detail: message(err) } }));
      });
    return () => {
      cancelled = true;
    };
  }, [key, from, to, compareFrom, reloads]);

  const span = to - from;
  useEffect(() => {
    if (!follow || !live) return;
    return live.subscribe((event) => {
      if (event.kind !== 'reading') return;
      const { sensor, ts, value } = event.reading;
      const i = ids.indexOf(sensor);
      if (i < 0) return;
      if (pending.current) {
        pending.current.push({ sensor, ts, value });
        return;
      }
      const start = serverNow() - span;
      setData((d) => ({
        ...d,
        cols: d.cols.map((c, k) => (k === i ? trimBefore(appendReading(c, ts, value, gapMs.current), start) : c)),
      }));
    });
  }, [live, key, follow, span]);

  return data;
}
