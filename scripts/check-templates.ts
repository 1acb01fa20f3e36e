/**
 * @module scripts/check-templates
 * Checks the hand-written template data tables (shared/src/templates/) against the research
 * they come from (shared/src/templates/reference/permit-templates.json and regulatory-limits.md): every
 * number in a template must be one the reference gives for the same template. Run:
 *   node --import tsx scripts/check-templates.ts [referenceDir]   (exit 1 on a mismatch)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limitsOf, TEMPLATES } from '../shared/src/templates/index.ts';

/** The copy of the research kept in the repository (see its README); pass another folder to check against it. */
export const REFERENCE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'shared',
  'src',
  'templates',
  'reference',
);

type RefRule = { value?: number | null; values?: { min: number; max: number } };
type RefFile = { templates: { id: string; rules: RefRule[] }[] };

/** Our template ids that extend a reference template under another name. */
const ALIASES: Record<string, string> = { 'co-res2254-2017-ambient-air': 'co-res2254-2017-ambient-particulates' };
/** Rules taken from a table of the notes (regulatory-limits.md) rather than the JSON: the row they come from. */
const FROM_NOTES: Record<string, RegExp> = {
  'co-res2254-2017-ambient-air/so2-24h': /\| SO2 \| 50 \| µg\/m³ \| 24 h/,
  'co-res2254-2017-ambient-air/no2-annual': /\| NO2 \| 60 \(2030 target: 40\)/,
  'co-res2254-2017-ambient-air/co-8h': /\| CO \| 5 \| mg\/m³ \| 8 h/,
};

/** "template/rule = n: why" for every number the reference does not give; empty when all match. */
export function templateMismatches(ref: RefFile, notes: string): string[] {
  const byId = new Map<string, number[]>();
  for (const t of ref.templates)
    byId.set(
      t.id,
      t.rules.flatMap((r) => (r.values ? [r.values.min, r.values.max] : r.value == null ? [] : [r.value])),
    );
  const out: string[] = [];
  for (const t of TEMPLATES)
    for (const r of t.rules) {
      const key = `${t.id}/${r.id}`;
      for (const n of Object.values(limitsOf(r))) {
        if (typeof n !== 'number') continue;
        if (FROM_NOTES[key]) {
          if (!FROM_NOTES[key].test(notes)) out.push(`${key} = ${n}: the notes' row for it is gone`);
        } else if (!byId.get(ALIASES[t.id] ?? t.id)?.includes(n))
          out.push(`${key} = ${n}: not in the reference template`);
      }
    }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? REFERENCE_DIR;
  const ref = JSON.parse(readFileSync(join(dir, 'permit-templates.json'), 'utf8')) as RefFile;
  const bad = templateMismatches(ref, readFileSync(join(dir, 'regulatory-limits.md'), 'utf8'));
  for (const line of bad) console.error(line);
  console.log(
    bad.length ? `${bad.length} template number(s) without a reference` : 'every template number is in the reference',
  );
  process.exit(bad.length ? 1 : 0);
}
