/**
 * @module use-sparklines — the last hour of every tile's sensor for its sparkline: one small
 * series request a sensor (60 one-minute buckets), at most four at a time so a poor link serves
 * the tiles' values first, again every five minutes; live readings appended in between. A failed
 * request leaves that sparkline empty (the tile's value and state do not depend on it).
 */
import { useEffect, useState } from 'preact/hooks';
import { type SensorInfo, series, serverNow } from './api.ts';
import type { Live } from './live.ts';
import { appendSpark, SPARK_WINDOW_MS, type SparkPoint, sparkPointsOf } from './sparkline.ts';

const REFRESH_MS = 5 * 60_000;
const AT_ONCE = 4;

export function useSparklines(sensors: readonly SensorInfo[] | null, live: Live): ReadonlyMap<string, SparkPoint[]> {
  const [sparks, setSparks] = useState<ReadonlyMap<string, SparkPoint[]>>(new Map());
  const [round, setRound] = useState(0);
  const ids = (sensors ?? []).map((s) => s.id).join(',');

  useEffect(() => {
    if (!ids) return;
    // This round's own flag: a ref shared across rounds would be reset by the next round and
    // let the old workers carry on through their queue beside the new ones.
    let cancelled = false;
    const queue = ids.split(',');
    const to = serverNow();
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !cancelled; id = queue.shift()) {
        try {
          // 61: the server starts minute buckets on the minute before `from`, one more than 60.
          const points = sparkPointsOf(await series(id, to - SPARK_WINDOW_MS, to, 61));
          if (!cancelled) setSparks((m) => new Map(m).set(id!, points));
        } catch {
          // Left empty: the tile says the rest.
        }
      }
    };
    for (let i = 0; i < AT_ONCE; i++) void worker();
    const timer = setTimeout(() => setRound((r) => r + 1), REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [ids, round]);

  useEffect(
    () =>
      live.subscribe((event) => {
        if (event.kind !== 'reading') return;
        const { sensor, ts, value } = event.reading;
        setSparks((m) => {
          const points = m.get(sensor);
          if (!points) return m;
          return new Map(m).set(sensor, appendSpark(points, ts, value, serverNow()));
        });
      }),
    [live],
  );
  return sparks;
}
