/**
 * @module breach-chart-link — on a breach card: the sensor's chart around the breach (its span
 * padded by half its length, at least 15 min a side), where the limit lines, the shaded span and
 * any withdrawn one show what happened. A plain link to the live page's chart state (the URL
 * holds it, charts/chart-state.ts), so it opens in a new tab or is shared as it is.
 */
import { serverNow } from '../api.ts';
import { chartHash, paddedSpan } from '../charts/chart-state.ts';
import type { BreachRow } from '../compliance.ts';
import { useI18n } from '../i18n.ts';

/** The live page's chart of `breach`'s sensor around the breach. */
export function breachChartHref(breach: Pick<BreachRow, 'sensor' | 'start' | 'end'>, now: number): string {
  const { from, to } = paddedSpan(breach.start, breach.end, now);
  return chartHash('live', { sensors: [breach.sensor], range: { kind: 'fixed', from, to }, compare: false });
}

export function BreachChartLink({ breach }: { breach: BreachRow }) {
  const { t } = useI18n();
  return (
    <a class="button button--quiet breach__chart" data-breach-chart href={breachChartHref(breach, serverNow())}>
      {t('breachChartLink')}
    </a>
  );
}
