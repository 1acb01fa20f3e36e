/**
 * @module breach-card — one breach for the officer: rule and its source, sensor, start–end in
 * the site's zone, duration, peak against the limit, open or closed, and the acknowledgement (or
 * the form to give one).
 */
import { type BreachRow, isAlarmSeverity, limitText, type RuleRef } from '../compliance.ts';
import { useI18n } from '../i18n.ts';
import { AckForm } from './ack-form.tsx';
import { StateIcon } from './state-icon.tsx';

export type BreachCardProps = {
  breach: BreachRow;
  sensorName: string;
  sensorUnit: string;
  rule: RuleRef | null;
  canAck: boolean;
  onAcked: (breach: BreachRow | null) => void;
};

export function BreachCard({ breach: b, sensorName, sensorUnit, rule, canAck, onAcked }: BreachCardProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const alarm = isAlarmSeverity(b.severity);
  const open = b.end === null;
  const unit = i18n.unit(b.unit ?? sensorUnit);
  const limit = b.limit !== null ? i18n.limit(b.limit) : rule ? limitText(rule.rule, i18n.limit) : '—';
  const peak = Number.isFinite(b.peak) ? i18n.value(b.peak) : '—';
  const source = rule?.rule.source ?? t('sourceMissing');
  const ruleTitle = rule ? `${rule.permitTitle} · ${b.rule}` : `${b.permit} · ${b.rule}`;

  return (
    <article
      class={`breach breach--${open ? 'open' : 'closed'}${alarm ? ' breach--alarm' : ''}`}
      data-breach={b.id}
      data-state={open ? 'open' : 'closed'}
    >
      <header class="breach__head">
        <span class={`chip ${alarm ? 'chip--alarm' : 'chip--breach'}`}>
          <StateIcon kind={alarm ? 'alarm' : 'breach'} size={18} /> {alarm ? t('severityAlarm') : t('severityBreach')}
        </span>
        <span class={`chip ${open ? 'chip--open' : 'chip--closed'}`} data-breach-state>
          {open ? t('stateOpen') : t('stateClosed')}
        </span>
      </header>
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
            {i18n.siteDateTime(b.start)} – {open ? t('ongoing') : i18n.siteDateTime(b.end!)}
          </dd>
        </div>
        <div>
          <dt>{t('fieldDuration')}</dt>
          <dd>{i18n.duration(b.durationMs)}</dd>
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
      <section class="breach__ack" data-ack={b.acknowledged ? 'yes' : 'no'}>
        <h3 class="breach__ack-title">{t('fieldAck')}</h3>
        {b.acknowledged ? (
          <>
            <p class="breach__ack-by">
              {t('ackBy', { by: b.acknowledged.by, at: i18n.siteDateTime(b.acknowledged.at) })}
            </p>
            <blockquote class="breach__ack-note">{b.acknowledged.note}</blockquote>
          </>
        ) : canAck ? (
          <AckForm breachId={b.id} onAcked={onAcked} />
        ) : (
          <p class="breach__ack-none">{t('ackNone')}</p>
        )}
      </section>
    </article>
  );
}
