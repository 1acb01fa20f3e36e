/**
 * @module tile-look — pure: what a sensor tile looks like, from its staleness and the worst
 * state of its rules. Every state other than ok carries words (and the breach states an
 * icon), never colour alone: readable in sunlight and by colour-blind users.
 */
import type { RuleStatusState } from '@vigia/shared';
import { isAlarmSeverity } from './compliance.ts';
import type { TileState } from './staleness.ts';

export type TileLookKind = 'ok' | 'pending' | 'clearing' | 'breach' | 'alarm' | 'no_data' | 'stale' | 'never';

export type TileIcon = 'alarm' | 'breach' | 'pending';

export type TileLook = {
  kind: TileLookKind;
  /** The big words across the tile (a MessageKey of i18n.ts), or null for none. */
  headline: 'alarmHeadline' | 'breachHeadline' | null;
  /** The status line's message key, or null when the staleness line (or nothing) applies. */
  statusKey: 'rulePending' | 'ruleClearing' | 'ruleNoData' | 'ruleWaitingUnit' | null;
  /** The icon beside the words (decorative: the words say it). */
  icon: TileIcon | null;
};

/**
 * Precedence: alarm, breach (the server knows a breach is open even if this tile went
 * quiet), then silence (stale, never, the rule's no_data), then clearing, pending, ok.
 * @example tileLook('ok', { state: 'breach', severity: 'alarm' }).kind // "alarm"
 */
export function tileLook(staleness: TileState, rule: { state: RuleStatusState; severity: string } | null): TileLook {
  const state = rule?.state ?? 'ok';
  if (state === 'breach') {
    const alarm = isAlarmSeverity(rule!.severity);
    return {
      kind: alarm ? 'alarm' : 'breach',
      headline: alarm ? 'alarmHeadline' : 'breachHeadline',
      statusKey: null,
      icon: alarm ? 'alarm' : 'breach',
    };
  }
  if (staleness !== 'ok') return { kind: staleness, headline: null, statusKey: null, icon: null };
  if (state === 'no_data') return { kind: 'no_data', headline: null, statusKey: 'ruleNoData', icon: null };
  // Looks like no data (nothing is judged yet), and says why.
  if (state === 'waiting_unit') return { kind: 'no_data', headline: null, statusKey: 'ruleWaitingUnit', icon: null };
  if (state === 'clearing') return { kind: 'clearing', headline: null, statusKey: 'ruleClearing', icon: null };
  if (state === 'pending') return { kind: 'pending', headline: null, statusKey: 'rulePending', icon: 'pending' };
  return { kind: 'ok', headline: null, statusKey: null, icon: null };
}
