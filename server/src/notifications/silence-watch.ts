/**
 * @module notifications/silence-watch
 * Finds devices gone silent for the "device gone silent" e-mail. A device is silent when every
 * sensor it owns is (meta/sensor-health.ts `isSilent`, the rule GET /api/v1/devices shows); the
 * silence is named by the device's newest reading, so polling again, or after a restart, finds
 * the same silence and the outbox key drops it: one e-mail per silence, not one per poll.
 * A device never heard from is not "gone" silent, a revoked one is expected to be, and a silence
 * that began more than `maxAgeMs` ago is old news (first start after an upgrade, a long outage
 * of the server itself): neither is mailed.
 */
import type { Meta } from '../meta/meta.ts';
import { isSilent, silentAfterMs } from '../meta/sensor-health.ts';

/** A device every sensor of which has gone quiet: its newest reading, and the longest silence threshold. */
export type DeviceSilence = { device: string; site: string; lastTs: number; silentAfterMs: number };

export const SILENCE_MAX_AGE_MS = 24 * 3_600_000;

/** The silences to announce at `now` (server clock). */
export function silentDevices(
  meta: Pick<Meta, 'listDevices' | 'listSensors'>,
  now: number,
  maxAgeMs = SILENCE_MAX_AGE_MS,
): DeviceSilence[] {
  const sensorsOf = new Map<string, { last_ts: number | null; interval_ms: number | null }[]>();
  for (const s of meta.listSensors([])) sensorsOf.set(s.device, [...(sensorsOf.get(s.device) ?? []), s]);
  const found: DeviceSilence[] = [];
  for (const d of meta.listDevices([])) {
    const sensors = sensorsOf.get(d.id) ?? [];
    if (d.revoked_at !== null || sensors.length === 0) continue;
    if (!sensors.every((s) => isSilent(s.last_ts, s.interval_ms, now))) continue;
    const heard = sensors.filter((s) => s.last_ts !== null) as { last_ts: number; interval_ms: number | null }[];
    if (heard.length === 0) continue;
    const lastTs = Math.max(...heard.map((s) => s.last_ts));
    const after = Math.max(...heard.map((s) => silentAfterMs(s.interval_ms)));
    const silentSince = Math.max(...heard.map((s) => s.last_ts + silentAfterMs(s.interval_ms)));
    if (now - silentSince > maxAgeMs) continue;
    found.push({ device: d.id, site: d.site, lastTs, silentAfterMs: after });
  }
  return found;
}
