/**
 * @module lazy-chart — the chart panel (with uPlot, its largest dependency) fetched only when a
 * chart is first shown, as its own chunk: the tiles an operator opens the page for are in the
 * first load, the chart follows (the ≤ 100 KB gzipped first-load budget). A failed fetch (no
 * signal) says so, with a retry (lazy-page.tsx's).
 */
import type { ComponentType } from 'preact';
import { useI18n } from '../i18n.ts';
import type { ChartPanelProps } from './chart-panel.tsx';
import { LoadFailed, useLazy } from './lazy-page.tsx';

let loaded: ComponentType<ChartPanelProps> | null = null;
const loadPanel = () =>
  import('./chart-panel.tsx').then((m) => {
    loaded = m.ChartPanel;
    return m.ChartPanel;
  });

export function LazyChartPanel(props: ChartPanelProps) {
  const { t } = useI18n();
  const { Loaded: Panel, failed, retry } = useLazy(loadPanel, loaded);
  if (Panel) return <Panel {...props} />;
  if (failed) return <LoadFailed as="section" class="panel" onRetry={retry} />;
  return <p class="panel__note">{t('chartLoading')}</p>;
}
