/** @module live — events on `GET /api/v1/live` (Server-Sent Events). */
import { z } from 'zod';
import { DeviceId } from './ids.ts';
import { DeviceStatus } from './ingest.ts';
import { Reading } from './reading.ts';

/** event: reading — the latest value of one sensor. */
export const LiveReading = Reading.extend({ device: DeviceId });
export type LiveReading = z.infer<typeof LiveReading>;

/** event: device — a device was heard from, with its reported status. */
export const LiveDevice = z.object({ device: DeviceId, last_seen: z.number(), status: DeviceStatus.optional() });
export type LiveDevice = z.infer<typeof LiveDevice>;

export const LIVE_EVENTS = ['reading', 'device', 'breach'] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];
