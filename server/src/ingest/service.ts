/**
 * @module ingest/service
 * Taking in one device's batch, whichever way it came (`POST /api/v1/ingest` today; an MQTT
 * bridge or a file import would call the same `accept`). The caller authenticates the transport
 * and parses the batch with the shared schema; everything after that is here, in one order:
 * checks, sensor claims, the store write, audits, device status, live publish, compliance.
 *
 * Invariants:
 * - Everything is checked before anything is written, and the readings are written in one store
 *   transaction, so a refused batch leaves no trace and an accepted one is committed. Re-sending
 *   a batch changes nothing.
 * - A stored reading is never replaced silently: a different value for a stored (sensor, ts) is
 *   refused whole (409 `reading_conflict`, store.ts) unless sent as a correction; each correction
 *   that replaced a value is audit-logged (`reading_corrected`) with both values.
 * - Accepted readings then go to the compliance engine (compliance/engine.ts), corrections too:
 *   one at or before a rule's watermark triggers its replay. The engine never makes `accept` fail.
 * - A status whose `dropped` count went up is logged and audited (`device_dropped_readings`),
 *   so readings the edge lost are noticed, not just counted.
 * - The live stream never moves a sensor's gauge backwards: a backlog batch publishes only
 *   readings newer than the last one published.
 */
import { type IngestBatch, InputError, type Reading } from '@vigia/shared';
import { hashSecret } from '../auth/secrets.ts';
import type { ComplianceEngine } from '../compliance/engine.ts';
import type { AppDeps } from '../deps.ts';
import type { DeviceRow } from '../meta/devices.ts';
import type { SensorClaim } from '../meta/sensors.ts';
import type { Revision, SeriesLabels } from '../storage/store.ts';
import type { Telemetry } from '../telemetry.ts';

/** Readings stamped further ahead of the server clock are refused: the edge clock is wrong. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** What the service writes to and tells; a subset of the app's dependencies. */
export type IngestDeps = Pick<AppDeps, 'store' | 'meta' | 'live' | 'clock' | 'log'> & {
  telemetry: Telemetry;
  compliance?: ComplianceEngine;
};

export type IngestService = {
  /**
   * The device a token belongs to, or an InputError (401): `token_missing` when there is none,
   * `token_invalid` when unknown, `token_revoked` when revoked.
   */
  authenticate(token: string | undefined): DeviceRow;
  /**
   * Check, store and pass on one batch of `device`; resolves once it is committed, with the
   * count of readings accepted. Rejects with an InputError (nothing written) or the store's error.
   * @example const { accepted } = await ingest.accept(ingest.authenticate(token), batch);
   */
  accept(device: DeviceRow, batch: IngestBatch): Promise<{ accepted: number }>;
};

function authenticateDevice(token: string | undefined, deps: IngestDeps): DeviceRow {
  if (!token) {
    throw new InputError('token_missing', 'send the device token as "Authorization: Bearer <token>"', undefined, 401);
  }
  const device = deps.meta.deviceByTokenHash(hashSecret(token));
  if (!device) {
    throw new InputError(
      'token_invalid',
      'unknown device token: check the token_file, or create one with "vigia-server device add"',
      undefined,
      401,
    );
  }
  if (device.revoked_at !== null) {
    throw new InputError('token_revoked', `the token of device "${device.id}" was revoked`, undefined, 401);
  }
  return device;
}

const iso = (ts: number | undefined) => (ts === undefined ? 'unknown' : new Date(ts).toISOString());

/**
 * When the edge's `dropped` count went up since the last status (from 0 when this is the
 * first), write a warning and an audit entry naming how many and which time range. A count
 * that went down (the edge was reinstalled) records nothing; the next rise counts from it.
 */
function noticeDrop(
  deps: IngestDeps,
  device: DeviceRow,
  batch: IngestBatch,
  droppedBefore: number | null,
  now: number,
) {
  const status = batch.status;
  if (!status) return;
  const count = status.dropped - (droppedBefore ?? 0);
  if (count <= 0) return;
  const detail = {
    device: device.id,
    site: device.site,
    count,
    dropped_total: status.dropped,
    from: status.dropped_from ?? null,
    to: status.dropped_to ?? null,
  };
  deps.log.warn(
    detail,
    `readings dropped on device ${device.id}: ${count} between ${iso(status.dropped_from)} and ${iso(status.dropped_to)}`,
  );
  deps.meta.audit(`device:${device.id}`, 'device_dropped_readings', detail, now);
}

function checkNotInFuture(readings: readonly Reading[], now: number): void {
  const i = readings.findIndex((r) => r.ts > now + MAX_FUTURE_MS);
  if (i >= 0) {
    throw new InputError(
      'ts_in_future',
      `readings[${i}].ts is more than a day ahead of the server clock (${new Date(now).toISOString()}): fix the device clock`,
      `readings[${i}].ts`,
      422,
    );
  }
}

/** `reason` says why a value was corrected: alone it is a mistake the device should hear of. */
function checkCorrections(readings: readonly Reading[]): void {
  const i = readings.findIndex((r) => r.reason !== undefined && r.correction !== true);
  if (i >= 0) {
    throw new InputError(
      'reason_without_correction',
      `readings[${i}].reason is only for a correction: add "correction": true, or leave the reason out`,
      `readings[${i}].reason`,
      422,
    );
  }
}

/** One audit entry per replaced value: the device, the reading, both values and why. */
function auditRevisions(deps: IngestDeps, device: DeviceRow, revisions: readonly Revision[], now: number): void {
  if (revisions.length === 0) return;
  deps.meta.complianceTx(() => {
    for (const v of revisions) {
      deps.meta.audit(
        `device:${device.id}`,
        'reading_corrected',
        {
          device: device.id,
          site: device.site,
          sensor: v.sensor,
          ts: v.ts,
          old: { value: v.value, q: v.q },
          new: { value: v.new_value, q: v.new_q },
          reason: v.reason,
        },
        now,
      );
    }
  });
  deps.log.warn(
    { device: device.id, corrected: revisions.length },
    `readings corrected by device ${device.id}: ${revisions.length} (old values kept as revisions)`,
  );
}

/**
 * Feed the engine; corrected readings separately, so a breach they withdraw or change says it was
 * a correction, by which device and why (the breach history), not just "late data".
 */
function acceptInto(
  compliance: ComplianceEngine | undefined,
  device: DeviceRow,
  readings: readonly Reading[],
  revisions: readonly Revision[],
): void {
  if (!compliance) return;
  if (revisions.length === 0) {
    compliance.accept(readings);
    return;
  }
  const revised = new Set(revisions.map((v) => `${v.ts} ${v.sensor}`));
  const corrected = readings.filter((r) => revised.has(`${r.ts} ${r.sensor}`));
  const reasons = [...new Set(revisions.map((v) => v.reason).filter((x) => x !== null))];
  // Corrections first: the replay they start is the one that re-judges, under their reason.
  compliance.accept(corrected, {
    reason: 'correction',
    detail: { device: device.id, corrected: revisions.length, reasons },
  });
  compliance.accept(readings.filter((r) => !revised.has(`${r.ts} ${r.sensor}`)));
}

/** Each sensor id the batch mentions, once, with where it first appears and its metadata. */
function sensorClaims(batch: IngestBatch): SensorClaim[] {
  const claims = new Map<string, SensorClaim>();
  batch.readings.forEach((r, i) => {
    if (!claims.has(r.sensor)) claims.set(r.sensor, { id: r.sensor, path: `readings[${i}].sensor` });
  });
  batch.sensors?.forEach((meta, j) => {
    const known = claims.get(meta.id);
    if (known) known.meta = meta;
    else claims.set(meta.id, { id: meta.id, path: `sensors[${j}].id`, meta });
  });
  return [...claims.values()];
}

export function createIngestService(deps: IngestDeps): IngestService {
  const { telemetry, compliance } = deps;
  // Newest ts published per sensor, so a backlog batch never moves a live gauge backwards.
  const published = new Map<string, number>();

  const publishLive = (device: DeviceRow, batch: IngestBatch, now: number) => {
    const newest = new Map<string, Reading>();
    for (const r of batch.readings) {
      const seen = newest.get(r.sensor);
      if (!seen || r.ts >= seen.ts) newest.set(r.sensor, r);
    }
    for (const r of newest.values()) {
      if ((published.get(r.sensor) ?? Number.NEGATIVE_INFINITY) > r.ts) continue;
      published.set(r.sensor, r.ts);
      const { sensor, ts, value, q } = r;
      deps.live.publish({ event: 'reading', site: device.site, data: { sensor, ts, value, q, device: device.id } });
    }
    deps.live.publish({
      event: 'device',
      site: device.site,
      data: { device: device.id, last_seen: now, ...(batch.status && { status: batch.status }) },
    });
  };

  return {
    authenticate: (token) => authenticateDevice(token, deps),
    async accept(device, batch) {
      if (batch.device !== device.id) {
        throw new InputError(
          'device_mismatch',
          `the batch says device "${batch.device}" but the token is device "${device.id}"`,
          'device',
          403,
        );
      }
      const now = deps.clock.now();
      checkNotInFuture(batch.readings, now);
      checkCorrections(batch.readings);

      const claims = sensorClaims(batch);
      // The claim answers each sensor's quantity and unit: no second read per sensor.
      const labels = new Map<string, SeriesLabels>();
      for (const [id, s] of deps.meta.claimSensors(device.id, claims, now)) {
        labels.set(id, {
          site: device.site,
          device: device.id,
          quantity: s.quantity ?? undefined,
          unit: s.unit ?? undefined,
        });
      }
      const { revisions } = await deps.store.write(batch.readings, labels, { by: device.id, at: now });
      auditRevisions(deps, device, revisions, now);
      // A rule set up before the device's first batch may be waiting for its sensor's unit.
      if (batch.sensors?.length) compliance?.unitsKnown(batch.sensors.map((m) => m.id));
      deps.meta.noteSensorReadings(batch.readings);
      const seen = deps.meta.recordDeviceSeen(device.id, now, batch.status);
      noticeDrop(deps, device, batch, seen.droppedBefore, now);

      telemetry.ingestBatches.inc();
      telemetry.ingestReadings.inc(batch.readings.length);
      deps.log.debug({ device: device.id, readings: batch.readings.length }, 'batchAccepted');
      publishLive(device, batch, now);
      // After the commit: in-order readings are evaluated here (O(batch)); late ones queue a
      // background replay, so the ack never waits for a backfill. Never throws.
      acceptInto(compliance, device, batch.readings, revisions);
      return { accepted: batch.readings.length };
    },
  };
}
