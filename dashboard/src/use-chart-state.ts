/**
 * @module use-chart-state — the live page's chart state, kept in the location hash so a link
 * (or a reload) reproduces the chart (charts/chart-state.ts says the format). Changes replace
 * the history entry (a zoom is not a page to go back to); a link followed from elsewhere
 * (`hashchange`) is read again. The zoom history stays in memory.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ChartState, chartHash, parseChartState } from './charts/chart-state.ts';

export function useChartState(): [ChartState, (next: ChartState) => void] {
  const [state, setState] = useState<ChartState>(() => parseChartState(location.hash));
  useEffect(() => {
    const changed = () => {
      const hash = chartHash('live', parseChartState(location.hash));
      // Our own writes come back equal: keep the zoom history then.
      setState((s) => (chartHash('live', s) === hash ? s : parseChartState(location.hash)));
    };
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  const set = useCallback((next: ChartState) => {
    setState(next);
    const hash = chartHash('live', next);
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }, []);
  return [state, set];
}
