/**
 * @module sensor-tile — one sensor's latest value, readable at arm's length, with its rule
 * limits small under the value. A breach turns the whole tile red with white words and an
 * icon ("ALARMA" for safety alarms, "Fuera de límite del permiso" for permit limits); pending,
 * clearing and silence are said in words too. Tapping selects the chart.
 */
import type { Quality } from '@vigia/shared';
import { limitText, pendingMs, type RuleRef, type SensorRuleState } from '../compliance.ts';
import { useI18n } from '../i18n.ts';
import { type SparkPoint, sparkGapMs } from '../sparkline.ts';
import { staleAfterMs, type TileState, tileState } from '../staleness.ts';
import { type TileLook, tileLook } from '../tile-look.ts';
import { Sparkline } from './sparkline.tsx';
import { StateIcon } from './state-icon.tsx';

/** The latest reading a tile shows. */
export type TileReading = { ts: number; value: number; q: Quality };

export type SensorTileProps = {
  id: string;
  name: string;
  quantity: string;
  unit: string;
  last: TileReading | null;
  now: number;
  selected: boolean;
  onSelect: (id: string) => void;
  /** The rules watching this sensor (empty: no limits shown). */
  rules: readonly RuleRef[];
  /** The worst state among them, null when unknown. */
  rule: SensorRuleState | null;
  /** Start of the open breach, when known. */
  breachSince: number | null;
  /** The sensor's typical interval (staleness.ts `staleAfterMs`); absent: the fixed default. */
  intervalMs?: number | null;
  /** The last hour for the sparkline; absent: none drawn. */
  spark?: readonly SparkPoint[];
};

function statusText(i18n: ReturnType<typeof useI18n>, p: SensorTileProps, state: TileState, look: TileLook): string {
  const { last, now } = p;
  if (state === 'never') return i18n.t('neverReceived');
  if (state === 'stale' && last) return i18n.t('staleSince', { time: i18n.clock(last.ts, now) });
  if (look.statusKey === 'rulePending' && p.rule) {
    const ms = pendingMs(p.rule.ref.rule);
    return ms > 0 ? i18n.t('rulePending', { duration: i18n.duration(ms) }) : i18n.t('rulePendingNow');
  }
  if (look.statusKey === 'ruleClearing' && p.rule) {
    const ms = pendingMs({ pending: p.rule.ref.rule.clear });
    return ms > 0 ? i18n.t('ruleClearing', { duration: i18n.duration(ms) }) : i18n.t('ruleClearingNow');
  }
  if (look.statusKey === 'ruleNoData') return i18n.t('ruleNoData');
  if (look.statusKey === 'ruleWaitingUnit') return i18n.t('ruleWaitingUnit');
  if (last?.q === 'uncertain') return i18n.t('qualityUncertain');
  if (last?.q === 'bad') return i18n.t('qualityBad');
  return '';
}

export function SensorTile(props: SensorTileProps) {
  const { id, name, quantity, unit, last, now, selected, onSelect, rules, rule, breachSince } = props;
  const i18n = useI18n();
  const state: TileState = tileState(last?.ts, now, staleAfterMs(props.intervalMs));
  const look = tileLook(state, rule);
  const status = statusText(i18n, props, state, look);
  // A long number gets a smaller size on a phone's compact tile (docs/decisions/2026-12-04-compact-tiles.md).
  const valueText = last ? i18n.value(last.value) : '—';
  const loud = look.kind === 'breach' || look.kind === 'alarm';
  const classes = [
    'tile',
    `tile--${state}`,
    `tile--look-${look.kind}`,
    selected ? 'tile--selected' : '',
    last && last.q !== 'good' ? `tile--q-${last.q}` : '',
  ];

  return (
    <button
      type="button"
      class={classes.filter(Boolean).join(' ')}
      data-sensor={id}
      data-state={state}
      data-rule-state={rule?.state ?? ''}
      data-look={look.kind}
      aria-pressed={selected}
      onClick={() => onSelect(id)}
    >
      {look.headline && (
        <span class="tile__alert" role="alert" data-alert={look.kind}>
          <span class="tile__icon">{look.icon && <StateIcon kind={look.icon} size={40} />}</span>
          <span class="tile__headline">{i18n.t(look.headline)}</span>
          {look.kind === 'alarm' && <span class="tile__detail">{i18n.t('alarmDetail')}</span>}
          {breachSince !== null && (
            <span class="tile__detail">{i18n.t('breachSince', { time: i18n.clock(breachSince, now) })}</span>
          )}
        </span>
      )}
      <span class="tile__name">{name}</span>
      <span class="tile__quantity">{i18n.quantity(quantity)}</span>
      <span class="tile__reading">
        <span
          class="tile__value"
          data-value={last ? String(last.value) : ''}
          data-long={valueText.length > 6 ? '1' : undefined}
        >
          {valueText}
        </span>
        <span class="tile__unit">{i18n.unit(unit)}</span>
      </span>
      {props.spark && <Sparkline points={props.spark} now={now} gapMs={sparkGapMs(props.intervalMs)} />}
      {rules.length > 0 && (
        <span class="tile__limits" data-limits>
          {rules.map((r) => (
            <span
              key={`${r.permit}/${r.rule.id}`}
              class="tile__limit"
              title={`${r.permitTitle} — ${r.rule.source ?? i18n.t('sourceMissing')}`}
            >
              {i18n.t('limitLabel')}: {limitText(r.rule, i18n.limit)} {i18n.unit(unit)}
            </span>
          ))}
        </span>
      )}
      <span class="tile__status" role={state === 'ok' && !loud && look.kind === 'ok' ? undefined : 'status'}>
        {look.icon && !loud && <StateIcon kind={look.icon} size={22} />}
        {status}
      </span>
    </button>
  );
}
