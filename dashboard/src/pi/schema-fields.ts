/**
 * @module pi/schema-fields — the technician form's fields, read from the shared zod schemas (the
 * same ones the config file is checked with), so a driver's new key shows up in the form by
 * itself and its limits are the file's limits: enum → select, number → number input with its
 * min/max, boolean → checkbox, string (and a duration, written as text: "1s") → text input.
 * Optional keys and keys with a default may stay empty (the file then gets the default).
 * Also: a form's text values back into a config object, and zod issues in words (es/en).
 */
import { formatIssues, SensorConfig, SOURCES } from '@vigia/shared';

export type Field = {
  key: string;
  kind: 'select' | 'number' | 'text' | 'checkbox';
  options?: readonly string[];
  min?: number;
  max?: number;
  integer?: boolean;
  /** Must be filled: neither optional nor defaulted. */
  required: boolean;
  /** The default the agent uses when left empty, as text. */
  placeholder?: string;
  hint?: string;
};

type ZodError = Parameters<typeof formatIssues>[0];
type ZodIssue = ZodError['issues'][number];

/** What the walker reads of a zod 4 schema (its public `def` and the bounds getters). */
type Introspect = {
  def: { type: string; innerType?: Introspect; in?: Introspect; defaultValue?: unknown; values?: unknown[] };
  description?: string;
  options?: readonly string[];
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  shape?: Record<string, Introspect>;
};

/** One field from one key's schema: optional/default unwrapped, then by its type. */
export function fieldOf(key: string, schema: unknown): Field {
  let s = schema as unknown as Introspect;
  let required = true;
  let placeholder: string | undefined;
  const hint = s.description;
  for (;;) {
    const type = s.def.type;
    if (type === 'optional' && s.def.innerType) required = false;
    else if (type === 'default' && s.def.innerType) {
      required = false;
      const d = s.def.defaultValue;
      placeholder = typeof d === 'number' && s.def.innerType.def.type === 'pipe' ? `${d}ms` : String(d);
    } else break;
    s = s.def.innerType as Introspect;
  }
  const base = { key, required, placeholder, hint: hint ?? s.description };
  switch (s.def.type) {
    case 'enum':
      return { ...base, kind: 'select', options: s.options ?? [] };
    case 'number':
      return {
        ...base,
        kind: 'number',
        min: Number.isFinite(s.minValue) ? (s.minValue as number) : undefined,
        // z.number().int() carries the safe-integer bound: no limit worth showing
        max:
          Number.isFinite(s.maxValue) && (s.maxValue as number) < Number.MAX_SAFE_INTEGER
            ? (s.maxValue as number)
            : undefined,
        integer: s.isInt === true,
      };
    case 'boolean':
      return { ...base, kind: 'checkbox' };
    default:
      // string, and a duration (a string piped into milliseconds): typed as text
      return { ...base, kind: 'text' };
  }
}

/** The sensor's own fields (not `source`, not `calibrate`), from the shared SensorConfig schema. */
export function sensorFields(polled: boolean): Field[] {
  const shape = (SensorConfig as unknown as { shape: Record<string, unknown> }).shape;
  return ['id', 'name', 'quantity', 'unit', ...(polled ? ['interval'] : [])].map((key) => fieldOf(key, shape[key]));
}

/** The `source:` fields of a driver, in the schema's order; `driver` itself is the form's choice. */
export function sourceFields(driver: keyof typeof SOURCES): Field[] {
  const shape = (SOURCES[driver].schema as unknown as { shape: Record<string, unknown> }).shape;
  return Object.entries(shape)
    .filter(([key]) => key !== 'driver')
    .map(([key, s]) => fieldOf(key, s));
}

/** Text values back into an object: empty optional fields are left out (the file's default applies). */
export function valuesToObject(fields: readonly Field[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const text = values[f.key] ?? '';
    if (f.kind === 'checkbox') {
      if (text !== '') out[f.key] = text === 'true';
      continue;
    }
    if (text.trim() === '') continue; // a required one is then named by the schema check
    out[f.key] = f.kind === 'number' ? Number(text) : text;
  }
  return out;
}

/** An object's values as the form's text (for editing a sensor in place). */
export function objectToValues(fields: readonly Field[], object: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = object[f.key];
    out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** Spanish for zod's issue codes; the English is the config file check's own message (formatIssues). */
function spanish(issue: ZodIssue): string {
  const i = issue as ZodIssue & { minimum?: unknown; maximum?: unknown; values?: unknown[]; keys?: string[] };
  switch (issue.code) {
    case 'too_small':
      return i.minimum === 1 && issue.origin === 'string' ? 'no puede quedar vacío' : `mínimo ${String(i.minimum)}`;
    case 'too_big':
      return `máximo ${String(i.maximum)}`;
    case 'invalid_type':
      return issue.input === undefined ? 'falta este dato' : 'tipo de dato equivocado';
    case 'invalid_value':
      return `elija uno de: ${(i.values ?? []).map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `clave desconocida: ${(i.keys ?? []).join(', ')}`;
    case 'invalid_format':
      return 'formato no válido';
    default:
      return 'valor no válido';
  }
}

export type FormIssue = { path: string; es: string; en: string };

/** One line per issue, the path as in the config file (`sensors[3].source.register`). */
export function formIssues(error: ZodError, prefix: string): FormIssue[] {
  const en = formatIssues(error);
  return error.issues.map((issue, n) => ({
    path: en[n].path ? `${prefix}.${en[n].path}` : prefix,
    es: spanish(issue),
    en: en[n].message,
  }));
}
