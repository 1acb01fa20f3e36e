/**
 * @module breach-card — one breach for the officer: rule and its source, sensor, start–end in
 * the site's zone, duration, peak against the limit, how complete the data was, open, closed or
 * withdrawn, and the acknowledgement (or the form to give one). A withdrawn breach (re-evaluation
 * no longer finds it; kept, never deleted) is struck through with the reason it was withdrawn.
 * Its links: the rule on the permits page (officers, admins: `#/permits/<permit>/<rule>`), and a
 * link to the chart around the breach (breach-chart-link.tsx).
 */
import { type BreachRow, isAlarmSeverity, limitText, type RuleRef } from '../compliance.ts';
import { type I18n, useI18n } from '../i18n.ts';
import { ruleAnchor } from '../route.ts';
import { AckForm } from './ack-form.tsx';
import { BreachChartLink } from './breach-chart-link.tsx';
import { BreachNotes } from './breach-notes.tsx';
import { StateIcon } from './state-icon.tsx';

export type BreachCardProps = {
  breach: BreachRow;
  sensorName: string;
  sensorUnit: string;
  rule: RuleRef | null;
  canAck: boolean;
  /** Operators, officers and admins may add notes (breach-notes.tsx). */
  canNote?: boolean;
  onAcked: (breach: BreachRow | null) => void;
  /** Officers and admins get the link to the rule on the permits page (others are not offered it). */
  canSeePermits?: boolean;
  /** The link to the chart around the breach, when the charts side gives one. */
};

export function BreachCard({
  breach: b,
  sensorName,
  sensorUnit,
  rule,
  canAck,
  canNote,
  onAcked,
  canSeePermits,
}: BreachCardProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const alarm = isAlarmSeverity(b.severity);
  const open = b.state === 'open';
  const withdrawn = b.state === 'withdrawn';
  const unit = i18n.unit(b.unit ?? sensorUnit);
  const limit = b.limit !== null ? i18n.limit(b.limit) : rule ? limitText(rule.rule, i18n.limit) : '—';
  const peak = Number.isFinite(b.peak) ? i18n.value(b.peak) : '—';
  const source = rule?.rule.source ?? t('sourceMissing');
  const ruleTitle = rule ? `${rule.permitTitle} · ${b.rule}` : `${b.permit} · ${b.rule}`;

  return (
    <article
      class={`breach breach--${b.state}${alarm ? ' breach--alarm' : ''}`}
      data-breach={b.id}
      data-state={b.state}
    >
      <header class="breach__head">
        <span class={`chip ${alarm ? 'chip--alarm' : 'chip--breach'}`}>
          <StateIcon kind={alarm ? 'alarm' : 'breach'} size={18} /> {alarm ? t('severityAlarm') : t('severityBreach')}
        </span>
        <span class={`chip chip--${b.state}`} data-breach-state>
          {withdrawn ? t('stateWithdrawn') : open ? t('stateOpen') : t('stateClosed')}
        </span>
      </header>
      {withdrawn && b.withdrawn_at !== null && (
        <p class="breach__withdrawn" data-withdrawn-reason={b.withdrawn_reason ?? ''}>
          {t('withdrawnBecause', { at: i18n.siteDateTime(b.withdrawn_at), reason: withdrawnReason(b, i18n) })}
        </p>
      )}
      <h2 class="breach__title" title={`${ruleTitle} — ${source}`}>
        {sensorName}
      </h2>
      <dl class="breach__facts">
        <div>
          <dt>{t('fieldRule')}</dt>
          <dd>{ruleTitle}</dd>
        </div>
        <div>
          <dt>{t('fieldSource')}</dt>
          <dd class="breach__source" title={source}>
            {source}
          </dd>
        </div>
        <div>
          <dt>{t('fieldPeriod')}</dt>
          <dd>
            {i18n.siteDateTime(b.start)} – {b.end === null ? t('ongoing') : i18n.siteDateTime(b.end)}
          </dd>
        </div>
        {b.availability !== null && (
          <div>
            <dt>{t('fieldAvailability')}</dt>
            <dd data-availability={b.availability}>
              {t('availabilityValue', { percent: i18n.limit(Math.round(b.availability * 1000) / 10) })}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('fieldDuration')}</dt>
          <dd>{i18n.duration(b.duration_ms)}</dd>
        </div>
        <div>
          <dt>{t('fieldPeak')}</dt>
          <dd class="breach__peak">{t('peakVsLimit', { peak: `${peak} ${unit}`, limit: `${limit} ${unit}` })}</dd>
        </div>
        <div>
          <dt>{t('fieldSensor')}</dt>
          <dd>{b.sensor}</dd>
        </div>
      </dl>
      <nav class="breach__links">
        {canSeePermits && (
          <a class="button button--quiet" href={ruleAnchor(b.permit, b.rule)} data-link="rule">
            {t('breachRuleLink')}: {ruleTitle}
          </a>
        )}
        <BreachChartLink breach={b} />
      </nav>
      <section class="breach__ack" data-ack={b.acknowledged ? 'yes' : 'no'}>
        <h3 class="breach__ack-title">{t('fieldAck')}</h3>
        {b.acknowledged ? (
          <>
            <p class="breach__ack-by">
              {t('ackBy', { by: b.acknowledged.by, at: i18n.siteDateTime(b.acknowledged.at) })}
            </p>
            <blockquote class="breach__ack-note">{b.acknowledged.note}</blockquote>
          </>
        ) : canAck && !withdrawn ? (
          <AckForm breachId={b.id} onAcked={onAcked} />
        ) : (
          <p class="breach__ack-none">{t('ackNone')}</p>
        )}
      </section>
      <BreachNotes breach={b} canNote={canNote === true && !withdrawn} onSaved={onAcked} />
    </article>
  );
}

/** Why a breach was withdrawn, in words: which late data or correction, or what it merged into. */
function withdrawnReason(b: BreachRow, i18n: I18n): string {
  const d = b.withdrawn_detail ?? {};
  const reason = b.withdrawn_reason ?? '';
  const from = typeof d.from === 'number' ? d.from : null;
  const to = typeof d.to === 'number' ? d.to : from;
  const range = from === null ? '—' : `${i18n.siteDateTime(from)} – ${i18n.siteDateTime(to!)}`;
  const sensor = typeof d.sensor === 'string' ? d.sensor : b.sensor;
  if (reason === 'merged') return i18n.t('withdrawnMerged', { into: b.merged_into ?? '—' });
  if (reason === 'late_data') return i18n.t('withdrawnLateData', { sensor, range });
  if (reason === 'correction') return i18n.t('withdrawnCorrection', { sensor, range });
  return i18n.t('withdrawnOther', { reason });
}
