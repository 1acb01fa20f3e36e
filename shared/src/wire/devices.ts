/**
 * @module wire/devices — `GET /api/v1/devices` (docs/api.md, "Device health"): per device its
 * last contact, the status the edge last reported (nulls until reported), revocation, and its
 * sensors with which are silent. The server types its answer with these; the dashboard parses
 * with them.
 */
import { z } from 'zod';

const nullableNumber = z.number().nullable();

/** One sensor of a device: silent after no reading for `silent_after_ms` (max(5 min, 3 × interval)). */
export const DeviceSensorHealth = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** ts of its newest reading, null when none ever arrived. */
  last_ts: nullableNumber,
  /** Typical interval between its readings, learnt by the server; null while unknown. */
  interval_ms: nullableNumber,
  silent_after_ms: z.number(),
  silent: z.boolean(),
});
export type DeviceSensorHealth = z.infer<typeof DeviceSensorHealth>;

export const DeviceHealthView = z.object({
  id: z.string(),
  site: z.string(),
  last_seen: nullableNumber,
  backlog: nullableNumber,
  dropped: nullableNumber,
  clock_offset_ms: nullableNumber,
  /** ts of the oldest and newest reading in the last drop by the edge's buffer cap. */
  dropped_from: nullableNumber,
  dropped_to: nullableNumber,
  /** Backlog readings/s acknowledged, and seconds to drain; null while not draining. */
  backlog_rate: nullableNumber,
  eta_s: nullableNumber,
  /** Server time of the last batch that carried a status. */
  status_at: nullableNumber,
  revoked_at: nullableNumber,
  sensors: z.object({ total: z.number().int(), silent: z.number().int(), list: z.array(DeviceSensorHealth) }),
});
export type DeviceHealthView = z.infer<typeof DeviceHealthView>;

/** `GET /api/v1/devices`; `now` is the server time the silences were judged at. */
export const DevicesAnswer = z.object({ devices: z.array(DeviceHealthView), now: z.number() });
export type DevicesAnswer = z.infer<typeof DevicesAnswer>;
