import { describe, expect, it } from 'vitest';
import { Permit } from '../rules/permit.ts';
import { ANCHOR_TEMPLATES } from './anchors.ts';
import { COLOMBIA_TEMPLATES } from './colombia.ts';
import { instantiateTemplate, limitsOf, TEMPLATES, Template, templateById } from './index.ts';

// The numbers themselves are checked against reference/ (the research copy) by scripts/check-templates.ts
// (test/scripts/check-templates.test.ts): shared has no file system.
const numbers = (r: (typeof TEMPLATES)[number]['rules'][number]) =>
  Object.values(limitsOf(r)).filter((v): v is number => typeof v === 'number');

describe('template data tables', () => {
  it('every template parses', () => {
    for (const raw of [...COLOMBIA_TEMPLATES, ...ANCHOR_TEMPLATES]) {
      const res = Template.safeParse(raw);
      expect(res.success, `${raw.id}: ${res.error?.message}`).toBe(true);
    }
    expect(TEMPLATES.length).toBe(COLOMBIA_TEMPLATES.length + ANCHOR_TEMPLATES.length);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
  });

  it('has no number without a source and a confirmed confidence', () => {
    for (const t of TEMPLATES)
      for (const r of t.rules) {
        if (numbers(r).length === 0) continue;
        expect(['primary', 'secondary'], `${t.id}/${r.id}`).toContain(r.confidence);
        expect(r.source.length).toBeGreaterThan(0);
        for (const s of r.source) expect(s.title.length).toBeGreaterThan(5);
      }
  });

  it('leaves every unconfirmed Colombian limit null, with the article and a note for the site', () => {
    for (const id of ['co-res0631-2015-gold-mining', 'co-decreto1886-2015-underground-atmosphere']) {
      const t = templateById(id)!;
      expect(t.rules.length).toBeGreaterThan(10);
      for (const r of t.rules) {
        expect(numbers(r), `${id}/${r.id}`).toEqual([]);
        expect(r.confidence).toBe('unconfirmed');
        expect(r.source[0].article).toMatch(/Art\. 10|article/);
        expect(r.note).toMatch(/enter/i);
      }
    }
    const unconfirmed = TEMPLATES.flatMap((t) => t.rules).filter((r) => r.confidence === 'unconfirmed');
    for (const r of unconfirmed) expect(Object.values(limitsOf(r)).every((v) => v === null)).toBe(true);
  });

  it('refuses a number marked unconfirmed and a null without a note', () => {
    const base = templateById('co-res0631-2015-gold-mining')!;
    const withNumber = { ...base, rules: [{ ...base.rules[1], value: 400 }] };
    expect(Template.safeParse(withNumber).success).toBe(false);
    const noNote = { ...base, rules: [{ ...base.rules[1], note: undefined }] };
    expect(Template.safeParse(noNote).success).toBe(false);
  });
});

describe('instantiateTemplate', () => {
  const gold = templateById('co-res0631-2015-gold-mining')!;
  const permit = { id: 'vertimiento-2025', site: 'mobile-plant' };

  it('names each missing value, sensor and averaging', () => {
    const res = instantiateTemplate(gold, { permit, rules: ['dqo', 'ph'], sensors: { cod: 'plant.cod' } });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const paths = res.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['values.dqo', 'values.ph', 'averaging.dqo', 'sensors.ph']));
    const dqo = res.issues.find((i) => i.path === 'values.dqo')!;
    expect(dqo.message).toContain('Art. 10');
    expect(dqo.message).toContain('mg/L');
    expect(dqo.message).toContain('your own permit');
  });

  it('refuses unknown rule ids', () => {
    const res = instantiateTemplate(gold, { permit, sensors: {}, rules: ['dbo'], values: { zzz: 1 } });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues.map((i) => i.path)).toEqual(['rules.dbo', 'values.zzz']);
  });

  it('builds a valid Permit from entered values, saying the site set them', () => {
    const res = instantiateTemplate(gold, {
      permit,
      rules: ['ph', 'mercurio'],
      sensors: { ph: 'plant.ph', mercurio: 'plant.hg' },
      values: { ph: { min: 6, max: 9 }, mercurio: 0.002 },
      averaging: { ph: 'instant', mercurio: 'daily_mean' },
      reference: 'Res. CAR 0456 de 2024',
      pending: '5m',
    });
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    expect(Permit.parse(res.permit)).toEqual(res.permit);
    expect(res.permit.rules[0]).toMatchObject({ id: 'ph', kind: 'range', min: 6, max: 9, pending: '5m' });
    expect(res.permit.rules[1].source).toContain('Art. 10');
    expect(res.permit.rules[1].source).toContain("entered from the site's permit (Res. CAR 0456 de 2024)");
    expect(res.permit.rules[1].source).toContain('confidence: unconfirmed');
  });

  it('keeps a sourced template number and cites it with URL and confidence', () => {
    const t = templateById('co-res0631-2015-general-temperature')!;
    const res = instantiateTemplate(t, {
      permit,
      rules: ['discharge-temperature'],
      sensors: { discharge_temperature: 'plant.temp_out' },
    });
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    expect(res.permit.rules[0]).toMatchObject({ kind: 'max', max: 40, averaging: 'instant' });
    expect(res.permit.rules[0].source).toMatch(/Art\. 5.*vlex\.com\.co.*confidence: secondary\]$/);
  });
});
