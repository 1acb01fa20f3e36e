/**
 * @module wire/permits — `GET /api/v1/permits` and `PUT /api/v1/permits` (the current version of
 * each permit with who changed it and when) and `GET /api/v1/templates` (docs/api.md). The
 * server types its answers with these; the dashboard parses with them.
 */
import { z } from 'zod';
import { Permit } from '../rules/permit.ts';
import { Template } from '../templates/schema.ts';

/**
 * A permit as stored, with its version: the permit's own fields (its rules checked as on input),
 * then `version`, `effective_from` (null: from the start) and the last change's author and time.
 */
export const PermitView = z.object(Permit.shape).extend({
  version: z.number().int(),
  effective_from: z.number().nullable(),
  updated_at: z.number(),
  updated_by: z.string(),
});
export type PermitView = z.infer<typeof PermitView>;

/** `GET /api/v1/permits`. */
export const PermitsAnswer = z.object({ permits: z.array(PermitView) });
export type PermitsAnswer = z.infer<typeof PermitsAnswer>;

/** `PUT /api/v1/permits`: the permits as stored now, and the ids of those that changed. */
export const PermitsChangedAnswer = PermitsAnswer.extend({ changed: z.array(z.string()) });
export type PermitsChangedAnswer = z.infer<typeof PermitsChangedAnswer>;

/** `GET /api/v1/templates` (officer, admin). */
export const TemplatesAnswer = z.object({ templates: z.array(Template) });
export type TemplatesAnswer = z.infer<typeof TemplatesAnswer>;

/** What a saved version changed from the one before (null for a version equal to it). */
export const PermitDiff = z.object({
  created: z.boolean(),
  fields: z.array(z.string()),
  rules_added: z.array(z.string()),
  rules_removed: z.array(z.string()),
  rules_changed: z.array(z.object({ rule: z.string(), fields: z.array(z.string()) })),
});
export type PermitDiff = z.infer<typeof PermitDiff>;

/** One stored version of a permit: when in force, who saved it, what it changed, the permit as saved. */
export const PermitVersionView = z.object({
  version: z.number().int(),
  effective_from: z.number().nullable(),
  effective_to: z.number().nullable(),
  updated_at: z.number(),
  updated_by: z.string(),
  changes: PermitDiff.nullable(),
  permit: Permit,
});
export type PermitVersionView = z.infer<typeof PermitVersionView>;

/** `GET /api/v1/permits/:id/history` (officer, admin): every version, newest first. */
export const PermitHistoryAnswer = z.object({ permit: z.string(), versions: z.array(PermitVersionView) });
export type PermitHistoryAnswer = z.infer<typeof PermitHistoryAnswer>;
