import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Permit } from './permit.ts';
import { permitIssues } from './permit-issues.ts';

const rule = { id: 'ph', sensor: 'plant.ph', kind: 'range', min: 6, max: 9, averaging: 'instant', severity: 'breach' };
const permit = (over: Record<string, unknown> = {}, rules: Record<string, unknown>[] = [rule]) => ({
  id: 'vertimiento',
  title: 'Vertimientos',
  site: 'mobile-plant',
  rules,
  ...over,
});

function issues(p: unknown, lang: 'es' | 'en') {
  const r = Permit.safeParse(p);
  if (r.success) throw new Error('expected the permit to fail');
  return permitIssues(r.error, p, lang);
}

describe('permitIssues', () => {
  it('names the rule and the field in words, and says the reason, in Spanish and in English', () => {
    const p = permit({}, [{ ...rule, max: undefined }]);
    expect(issues(p, 'es')).toEqual([
      {
        path: 'rules[0].max',
        message: 'Regla «ph», límite máximo: falta: escriba el máximo que da su permiso o la norma',
      },
    ]);
    expect(issues(p, 'en')).toEqual([
      {
        path: 'rules[0].max',
        message: 'Rule "ph", maximum: is missing: enter the maximum your permit or the regulation gives',
      },
    ]);
  });

  it('says every custom check of the schema in both languages (none falls back to "no es válido")', () => {
    const bad = permit({ period_grace: 'mañana' }, [
      { ...rule, min: 9, max: 6 },
      { ...rule, id: 'ph', kind: 'max', min: 1, pending: 'pronto', averaging: 'semanal', period_grace: '1h' },
      { ...rule, id: 'hg', kind: 'min', max: 3, min: undefined },
      { ...rule, id: 'h2', min: 6, max: 7, hysteresis: 2 },
      { ...rule, id: 'd', averaging: 'daily_mean', period_grace: '9d' },
    ]);
    for (const lang of ['es', 'en'] as const) {
      const found = issues(bad, lang);
      expect(found.length).toBeGreaterThanOrEqual(9);
      for (const i of found) {
        expect(i.message).not.toMatch(/no es válido|is not valid|undefined/);
        expect(i.message).toMatch(/^(Regla|Rule|Permiso|Permit)/);
      }
    }
    const es = issues(bad, 'es').map((i) => i.message);
    expect(es).toContain('Regla «ph», límite mínimo: el mínimo 9 es mayor que el máximo 6: inviértalos');
    expect(es).toContain(
      'Regla «ph», identificador: «ph» ya lo tiene otra regla: dé a cada regla su propio identificador',
    );
    expect(es).toContain(
      'Permiso, plazo tras el día: «mañana» no es una duración: escriba un número y una unidad, p. ej. 30s, 5m, 8h',
    );
  });

  it('says the built-in checks in words: an empty sensor, a bad id, a missing title, an unknown kind', () => {
    const p = permit({ id: 'Vertimiento 2025', title: '' }, [{ ...rule, sensor: '', kind: 'between' }]);
    const es = issues(p, 'es').map((i) => `${i.path} → ${i.message}`);
    expect(es).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^id → Permiso, identificador: use solo a-z/),
        'title → Permiso, título: está vacío: escríbalo o elíjalo',
        'rules[0].sensor → Regla «ph», sensor: está vacío: escríbalo o elíjalo',
        'rules[0].kind → Regla «ph», tipo de límite: debe ser uno de: max, min, range',
      ]),
    );
    const en = issues(permit({}, [{ ...rule, id: '', max: 'nine' }]), 'en').map((i) => i.message);
    expect(en).toEqual(
      expect.arrayContaining(['Rule no. 1, id: is empty: enter or choose it', 'Rule no. 1, maximum: must be a number']),
    );
  });
});

describe('permitIssues on any broken permit (property)', () => {
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const text = fc.oneof(fc.constantFrom('', 'ph', 'Ph X', 'plant.ph', '5m', 'nunca', 'instant', 'twa:8h'), fc.string());
  const num = fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constant(Number.NaN));
  const value = fc.oneof(text, num, fc.constant(null), fc.boolean());
  const rule = fc.record(
    {
      id: value,
      sensor: value,
      kind: fc.oneof(fc.constantFrom('max', 'min', 'range'), text),
      min: maybe(value),
      max: maybe(value),
      averaging: value,
      pending: maybe(text),
      clear: maybe(text),
      hysteresis: maybe(num),
      severity: fc.oneof(fc.constantFrom('breach', 'alarm'), text),
      period_grace: maybe(text),
      zzz: maybe(value),
    },
    { requiredKeys: [] },
  );
  const permitArb = fc.record(
    {
      id: value,
      title: value,
      site: value,
      period_grace: maybe(text),
      rules: fc.oneof(fc.array(rule, { maxLength: 4 }), value),
    },
    { requiredKeys: [] },
  );

  it('says every issue in both languages, each starting with where it is and never "undefined"', () => {
    fc.assert(
      fc.property(permitArb, (p) => {
        const r = Permit.safeParse(p);
        if (r.success) return;
        for (const lang of ['es', 'en'] as const) {
          const found = permitIssues(r.error, p, lang);
          expect(found.length).toBeGreaterThan(0);
          for (const i of found) {
            expect(i.message).toMatch(lang === 'es' ? /^(Regla|Permiso)/ : /^(Rule|Permit)/);
            expect(i.message).not.toContain('undefined');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
