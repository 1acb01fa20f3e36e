/**
 * @module compliance/permits
 * Checking a `PUT /api/v1/permits` body against the server's state (sensors it knows, the
 * caller's sites, the version the caller last read) and summarising what a change changed for
 * the audit log. Never stores anything.
 */
import { checkSensors, InputError, type Permit, type PermitDiff, Permit as PermitSchema } from '@vigia/shared';
import { z } from 'zod';
import type { PermitVersion } from '../meta/compliance.ts';
import type { SensorRow } from '../meta/sensors.ts';

export const PutPermitsBody = z.object({ permits: z.array(PermitSchema) }).strict();

/** Throws the first problem as an InputError naming `permits[i]…` and the rule. */
export function checkPermits(
  permits: readonly Permit[],
  sensors: readonly SensorRow[],
  current: readonly PermitVersion[],
  userSites: readonly string[],
): void {
  const bySensor = new Map(sensors.map((s) => [s.id, s]));
  const seen = new Set<string>();
  permits.forEach((p, i) => {
    const at = `permits[${i}]`;
    if (seen.has(p.id))
      throw new InputError('permit_duplicate', `${at}.id: permit "${p.id}" appears twice`, `${at}.id`, 422);
    seen.add(p.id);
    if (userSites.length > 0 && !userSites.includes(p.site))
      throw new InputError(
        'forbidden',
        `${at}.site: you may not change permits of site "${p.site}"`,
        `${at}.site`,
        403,
      );
    // The stored permit's site decides who may change it: otherwise an officer of site A could
    // take over site B's permit by sending its id with site A.
    const stored = current.find((c) => c.id === p.id);
    if (stored && userSites.length > 0 && !userSites.includes(stored.site))
      throw new InputError(
        'forbidden',
        `${at}.id: you may not change permits of site "${stored.site}"`,
        `${at}.id`,
        403,
      );
    if (stored && stored.site !== p.site)
      throw new InputError(
        'permit_site_fixed',
        `${at}.site: permit "${p.id}" belongs to site "${stored.site}"; a permit cannot move to another site (create a new permit id instead)`,
        `${at}.site`,
        422,
      );
    const [unknown] = checkSensors(p, bySensor.keys());
    if (unknown)
      throw new InputError('sensor_unknown', `permit "${p.id}": ${unknown.message}`, `${at}.${unknown.path}`, 422);
    p.rules.forEach((r, j) => {
      const site = bySensor.get(r.sensor)!.site;
      if (site !== p.site)
        throw new InputError(
          'sensor_other_site',
          `permit "${p.id}": rule "${r.id}": sensor "${r.sensor}" is at site "${site}", the permit is for "${p.site}"`,
          `${at}.rules[${j}].sensor`,
          422,
        );
    });
    if (typeof p.version === 'number' && stored && p.version !== stored.version)
      throw new InputError(
        'permit_version_conflict',
        `permit "${p.id}" is at version ${stored.version}, not ${p.version}: reload it and apply your change again`,
        `${at}.version`,
        409,
      );
  });
}

const canon = (x: unknown): string =>
  JSON.stringify(x, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

function changedFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canon(a[k]) !== canon(b[k])).sort();
}

/** What changed from `old` to `next` (the `version` label aside); null when nothing did. */
export function permitDiff(old: Permit | undefined, next: Permit): PermitDiff | null {
  const { version: _a, rules: nextRules, ...nextHead } = next;
  if (!old)
    return { created: true, fields: [], rules_added: nextRules.map((r) => r.id), rules_removed: [], rules_changed: [] };
  const { version: _b, rules: oldRules, ...oldHead } = old;
  const oldById = new Map(oldRules.map((r) => [r.id, r]));
  const nextIds = new Set(nextRules.map((r) => r.id));
  const diff: PermitDiff = {
    created: false,
    fields: changedFields(oldHead, nextHead),
    rules_added: nextRules.filter((r) => !oldById.has(r.id)).map((r) => r.id),
    rules_removed: oldRules.filter((r) => !nextIds.has(r.id)).map((r) => r.id),
    rules_changed: [],
  };
  for (const r of nextRules) {
    const o = oldById.get(r.id);
    const fields = o ? changedFields(o, r) : [];
    if (fields.length > 0) diff.rules_changed.push({ rule: r.id, fields });
  }
  const orderChanged = canon(oldRules.map((r) => r.id)) !== canon(nextRules.map((r) => r.id));
  const same =
    diff.fields.length + diff.rules_added.length + diff.rules_removed.length + diff.rules_changed.length === 0;
  return same && !orderChanged ? null : diff;
}
