/**
 * @module preview-chart — a permit preview drawn on its sensors' charts: over the window the
 * preview judged, each sensor with would-be breaches gets its chart with those breaches hatched
 * (amber, "habría encontrado": nothing is stored) and the previewed limits as lines, next to the
 * breaches the stored permits really found. At most three charts: the sensors with most.
 */
import { useMemo } from 'preact/hooks';
import { type PreviewBreach, type SensorInfo, serverNow } from '../api.ts';
import { chartWords } from '../charts/chart-words.ts';
import type { BreachSpan } from '../charts/plugins/limit-lines.ts';
import { SensorChart } from '../charts/sensor-chart.tsx';
import { useI18n } from '../i18n.ts';

/** The history a preview judges (permits-page asks the server for this window). */
export const PREVIEW_WINDOW_MS = 30 * 86_400_000;
const MAX_CHARTS = 3;

export function PreviewChart({
  breaches,
  sensors,
}: {
  breaches: readonly PreviewBreach[];
  sensors: readonly SensorInfo[];
}) {
  const i18n = useI18n();
  const words = chartWords(i18n.lang);
  // The window ends when the preview came back (a new answer, a new window).
  const to = useMemo(serverNow, [breaches]);
  const bySensor = useMemo(() => {
    const out = new Map<string, PreviewBreach[]>();
    for (const b of breaches) out.set(b.sensor, [...(out.get(b.sensor) ?? []), b]);
    return [...out.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, MAX_CHARTS);
  }, [breaches]);
  return (
    <div class="preview-charts">
      {bySensor.map(([id, rows]) => {
        const sensor = sensors.find((s) => s.id === id);
        if (!sensor) return null;
        const spans: BreachSpan[] = rows.map((b) => ({ start: b.start, end: b.end, alarm: false, kind: 'preview' }));
        const limits = [...new Set(rows.map((b) => b.limit))];
        return (
          <section key={id} class="panel" data-preview-chart={id} aria-label={sensor.name || id}>
            <h3 class="panel__title">{sensor.name || id}</h3>
            <SensorChart
              words={words}
              lang={i18n.lang}
              sensors={[sensor]}
              from={to - PREVIEW_WINDOW_MS}
              to={to}
              limits={limits}
              limitLabel={(v) => `${i18n.t('limitLabel')} ${i18n.limit(v)}`}
              extraSpans={spans}
            />
          </section>
        );
      })}
    </div>
  );
}
