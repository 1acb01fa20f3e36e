/**
 * @module charts/range-bar — the chart's period: presets (1 h … 1 año), a custom from/to in the
 * site's zone (datetime-local inputs read and written in that zone, never the browser's), "Alejar"
 * after a zoom, and "compare with the previous period".
 */
import { useEffect, useState } from 'preact/hooks';
import { zoneName } from '../format.ts';
import { siteZone } from '../site-zone.ts';
import { type ChartRange, MAX_SPAN_MS, PRESETS, type Preset } from './chart-state.ts';
import type { chartWords } from './chart-words.ts';
import { fromWallInput, toWallInput } from './zone-wall.ts';

export type RangeBarProps = {
  words: ReturnType<typeof chartWords>;
  lang: 'es' | 'en';
  range: ChartRange;
  bounds: { from: number; to: number };
  compare: boolean;
  canZoomOut: boolean;
  onRange: (range: ChartRange) => void;
  onZoomOut: () => void;
  onCompare: (on: boolean) => void;
};

export function RangeBar({
  words,
  lang,
  range,
  bounds,
  compare,
  canZoomOut,
  onRange,
  onZoomOut,
  onCompare,
}: RangeBarProps) {
  const { w, t } = words;
  const zone = siteZone();
  const [from, setFrom] = useState(() => toWallInput(bounds.from, zone));
  const [to, setTo] = useState(() => toWallInput(bounds.to, zone));
  const [invalid, setInvalid] = useState(false);
  // The inputs follow the shown range (a zoom, a preset, a link).
  useEffect(() => {
    setFrom(toWallInput(bounds.from, zone));
    setTo(toWallInput(bounds.to, zone));
    setInvalid(false);
  }, [bounds.from, bounds.to, zone]);

  const apply = (e: Event) => {
    e.preventDefault();
    const a = fromWallInput(from, zone);
    const b = fromWallInput(to, zone);
    if (a === null || b === null || b <= a || b - a > MAX_SPAN_MS) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onRange({ kind: 'fixed', from: a, to: b });
  };

  return (
    <div class="range-bar" data-range-bar>
      <fieldset class="range-bar__presets">
        <legend class="visually-hidden">{t('range')}</legend>
        {PRESETS.map((p: Preset) => (
          <button
            key={p}
            type="button"
            class="button button--quiet range-bar__preset"
            data-preset={p}
            aria-pressed={range.kind === 'preset' && range.preset === p}
            onClick={() => onRange({ kind: 'preset', preset: p })}
          >
            {w.presets[p]}
          </button>
        ))}
        {canZoomOut && (
          <button type="button" class="button button--quiet" data-zoom-out onClick={onZoomOut}>
            {t('zoomOut')}
          </button>
        )}
      </fieldset>
      <form class="range-bar__custom" onSubmit={apply} aria-label={t('custom')}>
        <label>
          {t('from')}{' '}
          <input type="datetime-local" data-range-from value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>{' '}
        <label>
          {t('to')}{' '}
          <input type="datetime-local" data-range-to value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>{' '}
        <button type="submit" class="button button--quiet">
          {t('apply')}
        </button>{' '}
        <span class="range-bar__zone" data-range-zone>
          ({t('zoneNote', { zone: zoneName(zone, lang) })})
        </span>
      </form>
      {invalid && (
        <p class="message message--error" role="alert">
          {t('customInvalid')}
        </p>
      )}
      <label class="range-bar__compare">
        <input type="checkbox" data-compare checked={compare} onChange={(e) => onCompare(e.currentTarget.checked)} />{' '}
        {t('compare')}
      </label>
    </div>
  );
}
