/**
 * @module fill — "{name}" placeholders filled from `vars`; an unknown one stays visible. And
 * `wordBook`, a part's own two-language word table (charts/chart-words.ts, tile-words.ts) read
 * the way i18n.ts's `t()` reads the main one.
 */
import type { Lang } from './format.ts';

export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** The keys of `W` whose words are plain strings (not a nested table). */
export type StringKey<W> = { [K in keyof W]: W[K] extends string ? K : never }[keyof W];

/** `w`, the words of `lang`, and `t(key, vars)`, one of them filled. */
export function wordBook<W extends object>(es: W, en: W, lang: Lang) {
  const w = lang === 'es' ? es : en;
  return {
    w,
    t: (key: StringKey<W>, vars: Record<string, string | number> = {}) => fill(w[key] as string, vars),
  };
}
