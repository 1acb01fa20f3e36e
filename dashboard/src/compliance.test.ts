import type { Rule } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import {
  applyBreach,
  applyBreachEvent,
  findRule,
  limitsStale,
  limitText,
  limitValues,
  type PermitInfo,
  pendingMs,
  type RuleRef,
  ruleKey,
  rulesBySensor,
  toBreachRow,
  toRuleStatus,
  worstRuleState,
} from './compliance.ts';

const PH: Rule = {
  id: 'ph',
  sensor: 'plant.ph',
  kind: 'range',
  min: 6,
  max: 9,
  averaging: 'instant',
  pending: '5m',
  clear: '1m',
  severity: 'breach',
  source: 'Res. 0631/2015, art. 5',
};
const CO: Rule = { id: 'co', sensor: 'tunnel.co', kind: 'max', max: 25, averaging: 'instant', severity: 'alarm' };
const PERMITS: PermitInfo[] = [
  { id: 'vert', title: 'Vertimientos', site: 's', rules: [PH] },
  { id: 'aire', title: 'Aire', site: 's', rules: [CO, { ...PH, id: 'ph-safety', severity: 'alarm' }] },
];

const WIRE = {
  id: 7,
  permit: 'vert',
  permit_version: 1,
  rule: 'ph',
  sensor: 'plant.ph',
  severity: 'breach',
  start: 1000,
  end: null,
  peak: 10.5,
  duration_ms: 60_000,
  limit: 9,
  unit: 'pH',
  acknowledged: null,
};

describe('breach rows from the wire', () => {
  it('reads the documented shape, with a numeric id as a string', () => {
    expect(toBreachRow(WIRE)).toEqual({
      id: '7',
      permit: 'vert',
      permitVersion: 1,
      rule: 'ph',
      sensor: 'plant.ph',
      severity: 'breach',
      start: 1000,
      end: null,
      peak: 10.5,
      durationMs: 60_000,
      limit: 9,
      unit: 'pH',
      acknowledged: null,
      notes: [],
      change: null,
      state: 'open',
      availability: null,
      withdrawn: null,
    });
  });

  it('reads a withdrawn breach: state, when, why, which data, what it merged into', () => {
    const row = toBreachRow({
      ...WIRE,
      end: 5000,
      state: 'withdrawn',
      availability: 0.5,
      withdrawn_at: 9000,
      withdrawn_reason: 'merged',
      withdrawn_detail: { into: 8 },
      merged_into: 8,
    });
    expect(row).toMatchObject({
      state: 'withdrawn',
      availability: 0.5,
      withdrawn: { at: 9000, reason: 'merged', detail: { into: 8 }, mergedInto: '8' },
    });
    expect(toBreachRow({ ...WIRE, end: 5000 })).toMatchObject({ state: 'closed', withdrawn: null });
  });

  it('keeps the acknowledgement and the live change, and computes a missing duration', () => {
    const row = toBreachRow(
      { ...WIRE, duration_ms: undefined, end: 5000, change: 'closed', acknowledged: { by: 'ana', at: 9, note: 'ok' } },
      99_000,
    );
    expect(row).toMatchObject({ durationMs: 4000, change: 'closed', acknowledged: { by: 'ana', at: 9, note: 'ok' } });
    expect(toBreachRow({ ...WIRE, duration_ms: undefined }, 61_000)?.durationMs).toBe(60_000);
  });

  it('drops what the list cannot show', () => {
    expect(toBreachRow(null)).toBeNull();
    expect(toBreachRow({ ...WIRE, start: 'yesterday' })).toBeNull();
    expect(toBreachRow({ ...WIRE, rule: undefined })).toBeNull();
  });

  it('reads rule status rows and refuses unknown states', () => {
    expect(
      toRuleStatus({ permit: 'vert', rule: 'ph', sensor: 'plant.ph', state: 'pending', value: 9.4, at: 5 }),
    ).toEqual({ permit: 'vert', rule: 'ph', sensor: 'plant.ph', state: 'pending', value: 9.4, at: 5 });
    expect(toRuleStatus({ permit: 'vert', rule: 'ph', sensor: 'plant.ph', state: 'angry' })).toBeNull();
    expect(toRuleStatus({ permit: 'vert', rule: 'q', sensor: 'plant.flow', state: 'waiting_unit' })?.state).toBe(
      'waiting_unit',
    );
  });
});

describe('rules and limits', () => {
  it('groups rules by sensor and finds a rule by permit and id', () => {
    const map = rulesBySensor(PERMITS);
    expect(map.get('plant.ph')?.map((r) => `${r.permit}/${r.rule.id}`)).toEqual(['vert/ph', 'aire/ph-safety']);
    expect(map.get('tunnel.co')?.[0]?.permitTitle).toBe('Aire');
    expect(findRule(PERMITS, 'vert', 'ph')?.rule.source).toBe('Res. 0631/2015, art. 5');
    expect(findRule(PERMITS, 'vert', 'co')).toBeNull();
  });

  it('writes limits as a permit does', () => {
    const fmt = (v: number) => String(v).replace('.', ',');
    expect(limitText(PH, fmt)).toBe('6–9');
    expect(limitText(CO, fmt)).toBe('≤ 25');
    expect(limitText({ kind: 'min', min: 0.5 }, fmt)).toBe('≥ 0,5');
    expect(limitValues(PH)).toEqual([6, 9]);
    expect(limitValues(CO)).toEqual([25]);
    expect(pendingMs(PH)).toBe(300_000);
    expect(pendingMs(CO)).toBe(0);
  });

  it('takes the worst state of a sensor’s rules, an alarm winning a tie', () => {
    const refs = rulesBySensor(PERMITS).get('plant.ph')!;
    const states = (m: Record<string, string>) => (ref: RuleRef) => m[ruleKey(ref.permit, ref.rule.id)] as never;
    expect(worstRuleState(refs, states({}))).toBeNull();
    expect(worstRuleState(refs, states({ 'vert/ph': 'pending', 'aire/ph-safety': 'ok' }))?.state).toBe('pending');
    const tie = worstRuleState(refs, states({ 'vert/ph': 'breach', 'aire/ph-safety': 'breach' }));
    expect(tie).toMatchObject({ state: 'breach', severity: 'alarm' });
    expect(worstRuleState(refs, states({ 'vert/ph': 'no_data', 'aire/ph-safety': 'clearing' }))?.state).toBe(
      'clearing',
    );
  });

  it('applies live breach events to rule states and to the breach map', () => {
    const opened = toBreachRow({ ...WIRE, change: 'opened' })!;
    const closed = toBreachRow({ ...WIRE, end: 9000, change: 'closed' })!;
    const withdrawn = toBreachRow({ ...WIRE, change: 'withdrawn' })!;
    expect(applyBreach(new Map(), opened).get('vert/ph')).toBe('breach');
    expect(applyBreach(new Map([['vert/ph', 'breach']]), closed).get('vert/ph')).toBe('ok');
    expect(applyBreach(new Map([['vert/ph', 'breach']]), withdrawn).get('vert/ph')).toBe('ok');
    const map = applyBreachEvent(new Map(), opened);
    expect(map.get('7')?.end).toBeNull();
    expect(applyBreachEvent(map, closed).get('7')?.end).toBe(9000);
    expect(applyBreachEvent(map, withdrawn).has('7')).toBe(false);
  });
});

describe('limitsStale', () => {
  const T = 1_764_000_000_000;
  it('says nothing without rules, or while the last fetch is recent', () => {
    expect(limitsStale(false, null, T, T + 120_000)).toBe(false);
    expect(limitsStale(true, T + 60_000, T, T + 60_000 + 35_000)).toBe(false);
  });
  it('says the states are old after 35 s without a successful fetch, or when none ever came', () => {
    expect(limitsStale(true, T, T, T + 35_001)).toBe(true);
    expect(limitsStale(true, null, T, T + 36_000)).toBe(true);
    expect(limitsStale(true, null, T, T + 10_000)).toBe(false);
  });
});
