/**
 * @module ingest — the batch an edge posts to `POST /api/v1/ingest`.
 * `sensors` (optional) carries the metadata of the sensors in the batch so a new sensor is
 * registered with its name, quantity and unit; `status` carries the edge's own health.
 */
import { z } from 'zod';
import { DeviceId, SensorId } from './ids.ts';
import { Reading } from './reading.ts';
import { SensorMeta } from './sensor.ts';

/** Upper bound on readings per batch; the edge sends smaller batches. */
export const MAX_BATCH_READINGS = 50_000;

export const DeviceStatus = z
  .object({
    backlog: z.number().int().min(0).describe('readings waiting in the edge buffer'),
    dropped: z.number().int().min(0).describe('readings dropped by the buffer cap since install'),
    clock_offset_ms: z.number().optional(),
    dropped_from: z.number().int().optional().describe('ts of the oldest reading in the last drop by the buffer cap'),
    dropped_to: z.number().int().optional().describe('ts of the newest reading in the last drop by the buffer cap'),
    backlog_rate: z
      .number()
      .min(0)
      .optional()
      .describe('backlog readings the server acknowledged per second, over the last 10 s'),
    eta_s: z
      .number()
      .min(0)
      .optional()
      .describe('seconds until the backlog is drained at that rate; absent while it is not draining'),
    safety_alarms: z
      .array(
        z
          .object({
            rule: z.string().min(1).max(100),
            sensor: SensorId,
            since: z
              .number()
              .int()
              .nullable()
              .describe('when the alarm opened (epoch ms once the edge clock is trusted)'),
          })
          .strict(),
      )
      .max(100)
      .optional()
      .describe("the edge's local safety rules in breach now (edge/src/safety); absent from older edges"),
  })
  .strict();
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const IngestBatch = z
  .object({
    device: DeviceId,
    readings: z.array(Reading).max(MAX_BATCH_READINGS),
    sensors: z.array(SensorMeta).optional(),
    status: DeviceStatus.optional(),
  })
  .strict();
export type IngestBatch = z.infer<typeof IngestBatch>;
export type IngestBatchInput = z.input<typeof IngestBatch>;

export const IngestAck = z.object({ accepted: z.number().int().min(0) });
export type IngestAck = z.infer<typeof IngestAck>;
