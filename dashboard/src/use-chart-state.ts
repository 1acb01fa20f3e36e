/**
 * @module use-chart-state — the live page's chart state, kept in the location hash so a link
 * (or a reload) reproduces the chart (charts/chart-state.ts says the format). Changes replace
 * the history entry (a zoom is not a page to go back to); a link followed from elsewhere
 * (`hashchange`) is read again. The zoom history stays in memory, and so does the last chart
 * shown, for a plain `#/live` (the "En vivo" tab) to come back to.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ChartState, chartHash, parseChartState } from './charts/chart-state.ts';

/** The chart last shown: "En vivo" (a hash without a chart) comes back to it, not to a default. */
let lastShown: ChartState | null = null;

function stateOf(hash: string): ChartState {
  return !hash.includes('?') && lastShown ? lastShown : parseChartState(hash);
}

export function useChartState(): [ChartState, (next: ChartState) => void] {
  const [state, setState] = useState<ChartState>(() => stateOf(location.hash));
  lastShown = state;
  useEffect(() => {
    const changed = () => {
      const next = stateOf(location.hash);
      // Our own writes come back equal: keep the zoom history then.
      setState((s) => (chartHash('live', s) === chartHash('live', next) ? s : next));
    };
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  // A chart come back to from memory is written into the URL too, so a link made now has it.
  useEffect(() => {
    const hash = chartHash('live', state);
    if (state.sensors.length > 0 && !location.hash.includes('?') && location.hash !== hash) {
      history.replaceState(history.state, '', hash);
    }
  }, [state]);
  const set = useCallback((next: ChartState) => {
    setState(next);
    const hash = chartHash('live', next);
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }, []);
  return [state, set];
}
