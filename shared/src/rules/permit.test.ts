import { describe, expect, it } from 'vitest';
import { formatIssues } from '../format-issues.ts';
import { checkSensors, Permit, periodGraceMs } from './permit.ts';

/** The permit of DESIGN.md "Server HTTP API", verbatim. */
const design = {
  id: 'vertimiento-2025',
  title: 'Permiso de vertimientos',
  site: 'mobile-plant',
  rules: [
    {
      id: 'ph',
      sensor: 'plant.ph',
      kind: 'range',
      min: 6,
      max: 9,
      averaging: 'instant',
      pending: '5m',
      clear: '1m',
      severity: 'breach',
      source: 'Permit resolution, art. 3',
    },
    { id: 'co-twa', sensor: 'tunnel.co', kind: 'max', max: 25, averaging: 'twa:8h', severity: 'alarm' },
  ],
};

function issuesOf(rule: Record<string, unknown>, extra: Record<string, unknown>[] = []) {
  const r = Permit.safeParse({ ...design, rules: [design.rules[0], { ...design.rules[1], ...rule }, ...extra] });
  if (r.success) return [];
  return formatIssues(r.error).map((i) => `${i.path}: ${i.message}`);
}

describe('Permit', () => {
  it('accepts the DESIGN.md example and reads it back unchanged', () => {
    expect(Permit.parse(design)).toEqual(design);
  });

  it('names the rule and the field for min above max', () => {
    expect(issuesOf({ kind: 'range', min: 30, max: 25 })).toEqual([
      'rules[1].min: rule "co-twa": min 30 is above max 25: swap them',
    ]);
  });

  it('rejects a malformed duration in averaging and pending', () => {
    expect(issuesOf({ averaging: 'rolling:5x', pending: '5 minutes' })).toEqual([
      'rules[1].averaging: rule "co-twa": averaging "rolling:5x" is not one of instant, rolling:<dur>, twa:<dur>, daily_mean, daily_total (e.g. twa:8h)',
      'rules[1].pending: rule "co-twa": pending "5 minutes" is not a duration: write a number and a unit, e.g. 30s, 5m, 8h',
    ]);
  });

  it('needs max for kind max and both bounds for range; refuses a stray bound', () => {
    expect(issuesOf({ max: undefined })).toEqual([
      'rules[1].max: rule "co-twa": kind "max" needs a max: add "max": <limit>',
    ]);
    expect(issuesOf({ kind: 'range', max: 9 })).toEqual([
      'rules[1].min: rule "co-twa": kind "range" needs a min: add "min": <limit>',
    ]);
    expect(issuesOf({ min: 1 })).toEqual([
      'rules[1].min: rule "co-twa": kind "max" takes no min: remove it or use kind "range"',
    ]);
  });

  it('rejects duplicate rule ids, pointing at the second', () => {
    expect(issuesOf({}, [{ ...design.rules[0] }])).toEqual([
      'rules[2].id: rule "ph" is defined twice (rules[0] and rules[2]): give each rule its own id',
    ]);
  });

  it('rejects an unknown severity, an unknown key and a hysteresis wider than the range', () => {
    expect(issuesOf({ severity: 'fatal' })[0]).toMatch(/^rules\[1\]\.severity: expected one of/);
    expect(issuesOf({ value: 25 })).toEqual([
      'rules[1]: unknown key "value": remove or correct it (check the spelling)',
    ]);
    expect(issuesOf({ kind: 'range', min: 6, max: 9, hysteresis: 2 })[0]).toMatch(/hysteresis 2 is wider/);
  });

  it('accepts pending "0s", hysteresis, expected_interval and version', () => {
    const ok = {
      ...design,
      version: 3,
      rules: [{ ...design.rules[1], pending: '0s', hysteresis: 2, expected_interval: '30s' }],
    };
    expect(Permit.safeParse(ok).success).toBe(true);
    expect(issuesOf({ expected_interval: '0s' })[0]).toMatch(/expected_interval "0s" is not a duration/);
  });
});

describe('checkSensors', () => {
  it('reports rules whose sensor is unknown, with the path', () => {
    const permit = Permit.parse(design);
    expect(checkSensors(permit, ['plant.ph', 'tunnel.co'])).toEqual([]);
    expect(checkSensors(permit, new Set(['plant.ph']))).toEqual([
      {
        path: 'rules[1].sensor',
        message:
          'rule "co-twa": unknown sensor "tunnel.co": check the spelling or add the sensor to a device config first',
      },
    ]);
  });
});

describe('period_grace (how long after a day ends it is judged)', () => {
  const daily = { averaging: 'daily_total', kind: 'max', max: 100 };
  it('is 2 h by default; a rule overrides its permit', () => {
    expect(periodGraceMs({}, {})).toBe(2 * 3_600_000);
    expect(periodGraceMs({ period_grace: '6h' }, {})).toBe(6 * 3_600_000);
    expect(periodGraceMs({ period_grace: '6h' }, { period_grace: '0s' })).toBe(0);
    expect(issuesOf({ ...daily, period_grace: '30m' })).toEqual([]);
  });
  it('names the rule and the field when it is not a duration, too long, or on a rule without days', () => {
    expect(issuesOf({ ...daily, period_grace: 'two hours' })).toEqual([
      'rules[1].period_grace: rule "co-twa": period_grace "two hours" is not a duration: write a number and a unit, e.g. 2h, 30m, 0s',
    ]);
    expect(issuesOf({ ...daily, period_grace: '8d' })).toEqual([
      'rules[1].period_grace: rule "co-twa": period_grace "8d" is longer than 7d: a day must be judged within a week (late data re-judges it)',
    ]);
    expect(issuesOf({ period_grace: '2h' })).toEqual([
      'rules[1].period_grace: rule "co-twa": period_grace applies only to daily_mean and daily_total rules: remove it',
    ]);
    const r = Permit.safeParse({ ...design, period_grace: '-1h' });
    expect(r.success ? [] : formatIssues(r.error).map((i) => i.path)).toEqual(['period_grace']);
  });
});
