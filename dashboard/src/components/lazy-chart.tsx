/**
 * @module lazy-chart — the chart panel (with uPlot, its largest dependency) fetched only when a
 * chart is first shown, as its own chunk: the tiles an operator opens the page for are in the
 * first load, the chart follows (the ≤ 100 KB gzipped first-load budget). A failed fetch (no
 * signal) says so, with a retry.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';
import type { ChartPanelProps } from './chart-panel.tsx';

let loaded: ComponentType<ChartPanelProps> | null = null;

export function LazyChartPanel(props: ChartPanelProps) {
  const { t } = useI18n();
  const [Panel, setPanel] = useState<ComponentType<ChartPanelProps> | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Panel) return;
    setFailed(false);
    import('./chart-panel.tsx').then(
      (m) => {
        loaded = m.ChartPanel;
        setPanel(() => m.ChartPanel);
      },
      () => setFailed(true),
    );
  }, [attempt]);
  if (Panel) return <Panel {...props} />;
  if (failed)
    return (
      <section class="panel">
        <p class="message message--error" role="alert">
          {t('errorOffline')}
        </p>
        <button type="button" class="button" onClick={() => setAttempt((a) => a + 1)}>
          {t('retry')}
        </button>
      </section>
    );
  return <p class="panel__note">{t('chartLoading')}</p>;
}
