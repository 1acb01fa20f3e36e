/**
 * @module rules/permit-issues
 * A failed `Permit` check in the reader's language (es/en), for the dashboard's permit form: each
 * issue names the rule (by its id when it has one) and the field in words, and says the reason
 * and what to do, once a field. The schema's own messages stay English for the API and the logs
 * (format-issues.ts); the reasons of its custom checks travel in `params.reason` (permit.ts).
 */
import type { z } from 'zod';
import { type FormattedIssue, formatPath } from '../format-issues.ts';
import type { PermitIssueReason } from './permit.ts';

export type IssueLang = 'es' | 'en';

const FIELDS: Record<string, { es: string; en: string }> = {
  id: { es: 'identificador', en: 'id' },
  title: { es: 'título', en: 'title' },
  site: { es: 'sitio', en: 'site' },
  version: { es: 'versión', en: 'version' },
  rules: { es: 'reglas', en: 'rules' },
  sensor: { es: 'sensor', en: 'sensor' },
  kind: { es: 'tipo de límite', en: 'kind of limit' },
  max: { es: 'límite máximo', en: 'maximum' },
  min: { es: 'límite mínimo', en: 'minimum' },
  averaging: { es: 'promedio', en: 'averaging' },
  pending: { es: 'espera antes de abrir', en: 'wait before opening' },
  clear: { es: 'espera antes de cerrar', en: 'wait before closing' },
  hysteresis: { es: 'histéresis', en: 'hysteresis' },
  severity: { es: 'gravedad', en: 'severity' },
  source: { es: 'fuente', en: 'source' },
  expected_interval: { es: 'intervalo esperado', en: 'expected interval' },
  period_grace: { es: 'plazo tras el día', en: 'grace after the day' },
};

/** A permit or rule field in words ("límite máximo" / "maximum"); the key itself when unknown. */
export function permitFieldLabel(key: string, lang: IssueLang): string {
  return FIELDS[key]?.[lang] ?? key;
}

type Vars = { value?: unknown; min?: unknown; max?: unknown; kind?: unknown };
type Say = (v: Vars) => string;

const REASONS: Record<PermitIssueReason, { es: Say; en: Say }> = {
  not_duration: {
    es: (v) => `«${v.value}» no es una duración: escriba un número y una unidad, p. ej. 30s, 5m, 8h`,
    en: (v) => `"${v.value}" is not a duration: write a number and a unit, e.g. 30s, 5m, 8h`,
  },
  grace_too_long: {
    es: () => 'es de más de 7 días: un día debe juzgarse dentro de la semana',
    en: () => 'is longer than 7 days: a day must be judged within a week',
  },
  grace_not_daily: {
    es: () => 'solo aplica a promedios diarios (daily_mean, daily_total): quítelo',
    en: () => 'applies only to daily averages (daily_mean, daily_total): remove it',
  },
  averaging_unknown: {
    es: (v) =>
      `«${v.value}» no es un promedio conocido: use instant, rolling:<duración>, twa:<duración>, daily_mean o daily_total (p. ej. twa:8h)`,
    en: (v) =>
      `"${v.value}" is not a known averaging: use instant, rolling:<duration>, twa:<duration>, daily_mean or daily_total (e.g. twa:8h)`,
  },
  needs_max: {
    es: () => 'falta: escriba el máximo que da su permiso o la norma',
    en: () => 'is missing: enter the maximum your permit or the regulation gives',
  },
  needs_min: {
    es: () => 'falta: escriba el mínimo que da su permiso o la norma',
    en: () => 'is missing: enter the minimum your permit or the regulation gives',
  },
  no_max: {
    es: () => 'un límite mínimo no lleva máximo: bórrelo o use un rango',
    en: () => 'a minimum limit takes no maximum: clear it or use a range',
  },
  no_min: {
    es: () => 'un límite máximo no lleva mínimo: bórrelo o use un rango',
    en: () => 'a maximum limit takes no minimum: clear it or use a range',
  },
  min_above_max: {
    es: (v) => `el mínimo ${v.min} es mayor que el máximo ${v.max}: inviértalos`,
    en: (v) => `the minimum ${v.min} is above the maximum ${v.max}: swap them`,
  },
  hysteresis_too_wide: {
    es: () => 'es más ancha que la mitad del rango: el incumplimiento nunca se cerraría',
    en: () => 'is wider than half the range: a breach could never close',
  },
  rule_twice: {
    es: (v) => `«${v.value}» ya lo tiene otra regla: dé a cada regla su propio identificador`,
    en: (v) => `"${v.value}" is already another rule's: give each rule its own id`,
  },
};

/** The value at `path` in `root` (undefined where the path leads nowhere). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const key of path)
    at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** The reason of a built-in zod check, in words (`value`: what was given at the issue's path). */
function builtinReason(issue: z.core.$ZodIssue, value: unknown, lang: IssueLang): string {
  const es = lang === 'es';
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return es ? 'falta: escríbalo' : 'is missing: enter it';
      if (issue.expected === 'number') return es ? 'debe ser un número' : 'must be a number';
      return es ? 'no tiene la forma esperada' : 'has not the expected form';
    case 'too_small':
      return es ? 'está vacío: escríbalo o elíjalo' : 'is empty: enter or choose it';
    case 'too_big':
      return es ? `es demasiado largo (máximo ${issue.maximum})` : `is too long (at most ${issue.maximum})`;
    case 'invalid_format':
      return es
        ? 'use solo a-z, 0-9, «_», «.» y «-» (sin mayúsculas, tildes ni espacios)'
        : 'use only a-z, 0-9, "_", "." and "-" (no capitals, accents or spaces)';
    case 'invalid_value':
      return es
        ? `debe ser uno de: ${issue.values.map(String).join(', ')}`
        : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return es
        ? `campos desconocidos: ${issue.keys.join(', ')} (quítelos)`
        : `unknown fields: ${issue.keys.join(', ')} (remove them)`;
    default:
      return es ? 'no es válido' : 'is not valid';
  }
}

/** "Regla «ph»" / 'Rule "ph"' for an issue under rules[i] (its number while it has no id). */
function ruleName(permit: unknown, index: number, lang: IssueLang): string {
  const rules = (permit as { rules?: unknown } | null)?.rules;
  const id = Array.isArray(rules) ? (rules[index] as { id?: unknown } | undefined)?.id : undefined;
  if (typeof id === 'string' && id.trim() !== '') return lang === 'es' ? `Regla «${id}»` : `Rule "${id}"`;
  return lang === 'es' ? `Regla n.º ${index + 1}` : `Rule no. ${index + 1}`;
}

/**
 * Each issue of a failed `Permit.safeParse(permit)` as `{ path, message }`, the message in `lang`:
 * where (the permit or the rule), the field in words, the reason and what to do.
 * @example permitIssues(Permit.safeParse(p).error!, p, 'es')
 *   // [{ path: 'rules[0].max', message: 'Regla «ph», límite máximo: falta: escriba el máximo …' }]
 */
export function permitIssues(error: z.ZodError, permit: unknown, lang: IssueLang): FormattedIssue[] {
  // One message a field: an empty id fails "not empty" and "only a-z…"; the first says enough.
  const seen = new Set<string>();
  const firsts = error.issues.filter((i) => {
    const key = formatPath(i.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return firsts.map((issue) => {
    const path = issue.path;
    const inRule = path[0] === 'rules' && typeof path[1] === 'number';
    const where = inRule ? ruleName(permit, path[1] as number, lang) : lang === 'es' ? 'Permiso' : 'Permit';
    const key = [...path].reverse().find((k) => typeof k === 'string');
    const field = key !== undefined && FIELDS[key] ? FIELDS[key][lang] : undefined;
    const params = (issue.code === 'custom' ? issue.params : undefined) as
      | (Vars & { reason?: PermitIssueReason })
      | undefined;
    const reason = params?.reason
      ? REASONS[params.reason][lang](params)
      : builtinReason(issue, valueAt(permit, path), lang);
    const head = field && !(inRule && path.length === 2) ? `${where}, ${field}` : where;
    return { path: formatPath(path), message: `${head}: ${reason}` };
  });
}
