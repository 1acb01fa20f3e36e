/**
 * @module meta/sensors
 * The sensors the server knows. A sensor id is unique on the server and owned by the device
 * that first reported it: another device writing it is refused (409 `sensor_taken`), so the
 * readings store can key by sensor id alone, as the (sensor, ts) identity of docs/design.md "Invariants" says.
 */
import { InputError, type Reading, type SensorMeta } from '@vigia/shared';
import type Database from 'better-sqlite3';
import { nextInterval } from './sensor-health.ts';

export type SensorRow = {
  id: string;
  device: string;
  site: string;
  name: string | null;
  quantity: string | null;
  unit: string | null;
  first_seen: number;
  /** Newest reading ts seen at ingest (null before any reading). */
  last_ts: number | null;
  /** Typical interval between its readings, learnt at ingest (meta/sensor-health.ts). */
  interval_ms: number | null;
};

/** What a sensor measures, as stored (null until its device sends metadata). */
export type SensorDescription = Pick<SensorRow, 'quantity' | 'unit'>;

/** A sensor id a batch mentions, where in the batch (for the error path), and its metadata if sent. */
export type SensorClaim = { id: string; path: string; meta?: SensorMeta };

export type SensorRepo = {
  /**
   * Check that `device` may write every claimed id, then register new ids and update metadata; all
   * or nothing. Answers each claimed sensor's quantity and unit as now stored (the store's labels).
   */
  claimSensors(device: string, claims: readonly SensorClaim[], now: number): Map<string, SensorDescription>;
  /** Sensors of `sites`, or every sensor when `sites` is empty. */
  listSensors(sites: readonly string[]): SensorRow[];
  sensorById(id: string): SensorRow | undefined;
  /** Learn each sensor's newest reading and typical interval from an accepted batch. */
  noteSensorReadings(readings: readonly Reading[]): void;
  /**
   * Give sensor `id` to `device` (an administrator undoing a squatted id,
   * docs/decisions/2026-12-04-sensor-id-squatting.md); answers the row before the move.
   * 404 `sensor_unknown` / `device_unknown`.
   */
  reassignSensor(id: string, device: string): SensorRow;
};

const SELECT = `SELECT s.id, s.device, d.site, s.name, s.quantity, s.unit, s.first_seen, s.last_ts, s.interval_ms
  FROM sensors s JOIN devices d ON d.id = s.device`;

export function sensorRepo(db: Database.Database): SensorRepo {
  const owner = db.prepare('SELECT device, quantity, unit FROM sensors WHERE id = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO sensors (id, device, first_seen) VALUES (?, ?, ?)');
  // The device's latest description wins (a technician may rename a sensor).
  const describe = db.prepare('UPDATE sensors SET name = @name, quantity = @quantity, unit = @unit WHERE id = @id');
  const all = db.prepare(`${SELECT} ORDER BY d.site, s.device, s.id`);
  const one = db.prepare(`${SELECT} WHERE s.id = ?`);
  const pace = db.prepare('SELECT last_ts, interval_ms FROM sensors WHERE id = ?');
  const deviceExists = db.prepare('SELECT 1 FROM devices WHERE id = ?');
  const setOwner = db.prepare('UPDATE sensors SET device = ? WHERE id = ?');
  const setPace = db.prepare('UPDATE sensors SET last_ts = @last_ts, interval_ms = @interval_ms WHERE id = @id');
  const note = db.transaction((readings: readonly Reading[]) => {
    const bySensor = new Map<string, number[]>();
    for (const r of readings) {
      const tss = bySensor.get(r.sensor);
      if (tss) tss.push(r.ts);
      else bySensor.set(r.sensor, [r.ts]);
    }
    for (const [id, tss] of bySensor) {
      const prev = pace.get(id) as { last_ts: number | null; interval_ms: number | null } | undefined;
      if (!prev) continue;
      setPace.run({ id, ...nextInterval(prev, tss) });
    }
  });

  const claim = db.transaction((device: string, claims: readonly SensorClaim[], now: number) => {
    const described = new Map<string, SensorDescription>();
    for (const c of claims) {
      const row = owner.get(c.id) as ({ device: string } & SensorDescription) | undefined;
      described.set(c.id, { quantity: row?.quantity ?? null, unit: row?.unit ?? null });
      if (row && row.device !== device) {
        throw new InputError(
          'sensor_taken',
          `sensor "${c.id}" belongs to device "${row.device}": give this device's sensor another id, or, if it is this device's, ask an administrator to run  vigia-server sensor reassign ${c.id} --device ${device}`,
          c.path,
          409,
        );
      }
    }
    for (const c of claims) {
      insert.run(c.id, device, now);
      if (c.meta) {
        describe.run({ id: c.id, name: c.meta.name ?? null, quantity: c.meta.quantity, unit: c.meta.unit });
        described.set(c.id, { quantity: c.meta.quantity, unit: c.meta.unit });
      }
    }
    return described;
  });

  return {
    claimSensors: (device, claims, now) => claim(device, claims, now),
    listSensors(sites) {
      const rows = all.all() as SensorRow[];
      return sites.length === 0 ? rows : rows.filter((s) => sites.includes(s.site));
    },
    sensorById: (id) => one.get(id) as SensorRow | undefined,
    noteSensorReadings: (readings) => note(readings),
    reassignSensor(id, device) {
      const before = one.get(id) as SensorRow | undefined;
      if (!before) throw new InputError('sensor_unknown', `no sensor "${id}" on this server`, 'sensor', 404);
      if (!deviceExists.get(device)) throw new InputError('device_unknown', `no device "${device}"`, 'device', 404);
      setOwner.run(device, id);
      return before;
    },
  };
}
