/**
 * @module templates
 * Permit templates for Colombian small-scale gold mining, with a source and a confidence mark
 * on every rule (data tables in colombia.ts and anchors.ts, from the research copied in reference/). Never
 * holds a number the reference does not source; unconfirmed limits are null for the site to fill.
 */
import { ANCHOR_TEMPLATES } from './anchors.ts';
import { COLOMBIA_TEMPLATES } from './colombia.ts';
import { Template } from './schema.ts';

export * from './instantiate.ts';
export * from './schema.ts';

/** Every template, validated at load (a bad table entry fails the import, naming the rule). */
export const TEMPLATES: readonly Template[] = [...COLOMBIA_TEMPLATES, ...ANCHOR_TEMPLATES].map((t) =>
  Template.parse(t),
);

/**
 * The template with this id.
 * @example templateById('co-res0631-2015-general-temperature')?.rules[0].value // 40
 */
export function templateById(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
