import { templateById } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import type { SensorInfo } from './api.ts';
import {
  blankDraft,
  checkDraft,
  draftFromPermit,
  draftFromTemplate,
  fittingSensors,
  measuresOf,
  permitOfDraft,
} from './permit-draft.ts';

const sensor = (id: string, quantity: string, unit: string, site = 'mobile-plant'): SensorInfo => ({
  id,
  device: 'plant-01',
  site,
  name: null,
  quantity,
  unit,
  interval_ms: null,
  last: null,
});
const SENSORS = [
  sensor('plant.ph', 'ph', 'pH'),
  sensor('plant.temp', 'temperature', 'degC'),
  sensor('plant.dt', 'temperature_difference', 'degC'),
  sensor('other.ph', 'ph', 'pH', 'other-site'),
];
const GOLD = templateById('co-res0631-2015-gold-mining')!;

describe('permit draft', () => {
  it('from a template leaves empty every number the regulation does not give', () => {
    const d = draftFromTemplate(GOLD, 'mobile-plant');
    const ph = d.rules.find((r) => r.id === 'ph')!;
    expect([ph.kind, ph.min, ph.max]).toEqual(['range', '', '']);
    expect(d.rules.every((r) => r.min === '' && r.max === '')).toBe(true);
    const temp = draftFromTemplate(templateById('co-res0631-2015-general-temperature')!, 'mobile-plant');
    expect(temp.rules[0]!.max).toBe('40');
  });

  it('offers a rule only the sensors of its site, quantity and unit (a temperature difference is not a temperature)', () => {
    const rule = draftFromTemplate(templateById('co-res0631-2015-general-temperature')!, 'mobile-plant').rules[1]!;
    expect(fittingSensors(SENSORS, 'mobile-plant', rule).map((s) => s.id)).toEqual(['plant.dt']);
    expect(measuresOf(SENSORS, 'mobile-plant')).toEqual([
      { quantity: 'ph', unit: 'pH' },
      { quantity: 'temperature', unit: 'degC' },
      { quantity: 'temperature_difference', unit: 'degC' },
    ]);
  });

  it('takes only the template rules given a sensor; a site number typed with a decimal comma; the source cites the article', () => {
    const d = draftFromTemplate(GOLD, 'mobile-plant');
    d.id = 'vertimiento-oro';
    const ph = d.rules.find((r) => r.id === 'ph')!;
    Object.assign(ph, { sensor: 'plant.ph', min: '6', max: '9,5', averaging: 'instant' });
    const res = checkDraft(d, 'es');
    if (!res.ok) throw new Error(res.issues.join('\n'));
    expect(res.permit.rules).toHaveLength(1);
    expect(res.permit.rules[0]).toMatchObject({ id: 'ph', sensor: 'plant.ph', min: 6, max: 9.5 });
    expect(res.permit.rules[0]!.source).toMatch(/0631.*Art\. 10/);
    expect(res.permit.rules[0]!.source).toMatch(/limit entered from the site's permit/);
  });

  it('says what is missing in the UI language: the empty limit and the permit id', () => {
    const d = draftFromTemplate(GOLD, 'mobile-plant');
    const ph = d.rules.find((r) => r.id === 'ph')!;
    Object.assign(ph, { sensor: 'plant.ph', min: '6', averaging: 'instant' });
    expect(checkDraft(d, 'es')).toEqual({
      ok: false,
      issues: [
        'Permiso, identificador: está vacío: escríbalo o elíjalo',
        'Regla «ph», límite máximo: falta: escriba el máximo que da su permiso o la norma',
      ],
    });
    expect(checkDraft({ ...d, id: 'x' }, 'en')).toEqual({
      ok: false,
      issues: ['Rule "ph", maximum: is missing: enter the maximum your permit or the regulation gives'],
    });
  });

  it('a blank permit starts with nothing filled in, and says so', () => {
    const d = blankDraft('mobile-plant');
    expect(permitOfDraft(d).rules).toEqual([{ id: '', sensor: '', kind: 'max', averaging: '', severity: 'breach' }]);
    expect(checkDraft(d, 'es')).toMatchObject({
      ok: false,
      issues: expect.arrayContaining([
        'Regla n.º 1, límite máximo: falta: escriba el máximo que da su permiso o la norma',
      ]),
    });
  });

  it('editing keeps what the form does not show and sends the version it read', () => {
    const stored = {
      id: 'p',
      title: 'P',
      site: 'mobile-plant',
      version: 3,
      updated_at: 1,
      updated_by: 'maria',
      effective_from: 5,
      rules: [
        {
          id: 'ph',
          sensor: 'plant.ph',
          kind: 'range' as const,
          min: 6,
          max: 9,
          averaging: 'instant',
          pending: '5m',
          severity: 'breach' as const,
          source: 'Res. X, Art. 3',
        },
      ],
    };
    const d = draftFromPermit(stored, SENSORS);
    expect(d.rules[0]).toMatchObject({ quantity: 'ph', unit: 'pH', min: '6', max: '9' });
    d.rules[0]!.max = '8.5';
    expect(d.rules[0]!.pending).toBe('5m');
    d.rules[0]!.clear = '1m';
    const res = checkDraft(d, 'en');
    if (!res.ok) throw new Error(res.issues.join('\n'));
    expect(res.permit).toEqual({
      id: 'p',
      title: 'P',
      site: 'mobile-plant',
      version: 3,
      rules: [
        {
          id: 'ph',
          sensor: 'plant.ph',
          kind: 'range',
          min: 6,
          max: 8.5,
          averaging: 'instant',
          pending: '5m',
          clear: '1m',
          severity: 'breach',
          source: 'Res. X, Art. 3',
        },
      ],
    });
  });
});
