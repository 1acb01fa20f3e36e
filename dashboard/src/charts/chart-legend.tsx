/**
 * @module charts/chart-legend — what the shading and marks on a chart mean, in words, shown only
 * for what the chart holds (a withdrawn breach, a preview, a corrected reading…).
 */
import type { chartWords } from './chart-words.ts';
import type { BreachSpan } from './plugins/limit-lines.ts';
import type { ReadingMark } from './plugins/reading-marks.ts';

export function ChartLegend({
  words,
  spans,
  marks,
  uncertainHidden,
  marksTruncated,
}: {
  words: ReturnType<typeof chartWords>;
  spans: readonly BreachSpan[];
  marks: readonly ReadingMark[];
  uncertainHidden: boolean;
  marksTruncated: boolean;
}) {
  const { t } = words;
  const has = (kind: string) => spans.some((s) => (s.kind ?? 'breach') === kind);
  const items: [string, string][] = [];
  if (has('breach')) items.push(['breach', t('legendBreach')]);
  if (has('withdrawn')) items.push(['withdrawn', t('legendWithdrawn')]);
  if (has('preview')) items.push(['preview', t('legendPreview')]);
  if (marks.some((m) => m.kind === 'corrected')) items.push(['corrected', t('legendCorrected')]);
  if (marks.some((m) => m.kind === 'uncertain')) items.push(['uncertain', t('legendUncertain')]);
  if (items.length === 0 && !uncertainHidden && !marksTruncated) return null;
  return (
    <div class="chart-legend">
      {items.length > 0 && (
        <ul class="chart-legend__list">
          {items.map(([kind, text]) => (
            <li key={kind} class="chart-legend__item" data-legend={kind}>
              <span class={`chart-legend__key chart-legend__key--${kind}`} aria-hidden="true" /> {text}
            </li>
          ))}
        </ul>
      )}
      {uncertainHidden && <p class="chart-note">{t('uncertainZoom')}</p>}
      {marksTruncated && <p class="chart-note">{t('marksTruncated')}</p>}
    </div>
  );
}
