import { BreachesAnswer, type BreachView, type Rule, RulesStatusAnswer } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { ApiError, parseAnswer } from './api.ts';
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
  worstRuleState,
} from './compliance.ts';
import { errorText } from './error-text.ts';
import { makeI18n } from './i18n.ts';

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
/** What the server adds to a stored permit (shared `PermitView`). */
const STORED = { version: 1, effective_from: null, updated_at: 0, updated_by: 'maria' };
const PERMITS: PermitInfo[] = [
  { id: 'vert', title: 'Vertimientos', site: 's', rules: [PH], ...STORED },
  { id: 'aire', title: 'Aire', site: 's', rules: [CO, { ...PH, id: 'ph-safety', severity: 'alarm' }], ...STORED },
];

/** A breach exactly as the server sends it (shared `BreachView`). */
const WIRE: BreachView = {
  id: 7,
  permit: 'vert',
  permit_version: 1,
  site: 's',
  rule: 'ph',
  sensor: 'plant.ph',
  severity: 'breach',
  start: 1000,
  opened_ts: 1000,
  end: null,
  closed_by: null,
  peak: 10.5,
  peak_ts: 2000,
  duration_ms: 60_000,
  out_of_bounds_ms: 60_000,
  exceedance: 90,
  limit: 9,
  unit: 'pH',
  availability: null,
  state: 'open',
  withdrawn_at: null,
  withdrawn_reason: null,
  withdrawn_detail: null,
  merged_into: null,
  acknowledged: null,
};

describe('breach rows from the parsed wire shape', () => {
  it('keeps the wire fields, with the numeric id as text, no notes and no change', () => {
    expect(toBreachRow(WIRE)).toEqual({ ...WIRE, id: '7', notes: [], change: null });
  });

  it('keeps the notes of an answer and the change of a live event', () => {
    const note = { by: 'ana', at: 9, note: 'ventilador reiniciado' };
    expect(toBreachRow({ ...WIRE, notes: [note] }).notes).toEqual([note]);
    expect(toBreachRow({ ...WIRE, change: 'closed' }).change).toBe('closed');
  });
});

describe('compliance answers that do not fit their wire schema', () => {
  const refusal = (run: () => unknown): ApiError => {
    try {
      run();
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
    throw new Error('the answer was accepted');
  };

  it('refuses a breach without duration_ms (no camelCase fallback) and says where, in words', () => {
    const { duration_ms: _, ...rest } = WIRE;
    const err = refusal(() =>
      parseAnswer(
        BreachesAnswer,
        { breaches: [{ ...rest, durationMs: 60_000, notes: [] }] },
        '/api/v1/breaches?from=1',
      ),
    );
    expect(err.code).toBe('bad_answer');
    expect(err.message).toMatch(/^\/api\/v1\/breaches: breaches\[0\]\.duration_ms: /);
    const es = makeI18n('es').t;
    expect(errorText(err, es)).toContain('no tiene la forma que esta página espera');
    expect(errorText(err, es)).toContain('breaches[0].duration_ms');
  });

  it('reads rule status rows and refuses an unknown state', () => {
    const row = { permit: 'vert', permit_version: 1, rule: 'ph', sensor: 'plant.ph', value: 9.4, at: 5 };
    const rules = [{ ...row, state: 'waiting_unit', last_reading: null, breach: null }];
    expect(parseAnswer(RulesStatusAnswer, { rules }, '/api/v1/rules/status').rules[0]?.state).toBe('waiting_unit');
    const angry = [{ ...rules[0], state: 'angry' }];
    expect(refusal(() => parseAnswer(RulesStatusAnswer, { rules: angry }, '/api/v1/rules/status')).message).toContain(
      'rules[0].state',
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
