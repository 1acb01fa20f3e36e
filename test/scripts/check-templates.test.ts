/** The template data tables hold only numbers the research gives (scripts/check-templates.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DIR, templateMismatches } from '../../scripts/check-templates.ts';

const jsonFile = join(REFERENCE_DIR, 'permit-templates.json');

describe('template numbers against the research (shared/src/templates/reference)', () => {
  it('every number is in the reference', () => {
    const ref = JSON.parse(readFileSync(jsonFile, 'utf8'));
    const notes = readFileSync(join(REFERENCE_DIR, 'regulatory-limits.md'), 'utf8');
    expect(templateMismatches(ref, notes)).toEqual([]);
  });

  it('reports a number the reference does not give', () => {
    const ref = JSON.parse(readFileSync(jsonFile, 'utf8'));
    const temp = ref.templates.find((t: { id: string }) => t.id === 'co-res0631-2015-general-temperature');
    temp.rules[0].value = 41;
    const bad = templateMismatches(ref, '');
    expect(bad).toContain(
      'co-res0631-2015-general-temperature/discharge-temperature = 40: not in the reference template',
    );
    expect(bad.some((l) => l.startsWith('co-res2254-2017-ambient-air/so2-24h'))).toBe(true);
  });
});
