/**
 * @module meta/sensors
 * The sensors the server knows. A sensor id is unique on the server and owned by the device
 * that first reported it: another device writing it is refused (409 `sensor_taken`), so the
 * readings store can key by sensor id alone, as DESIGN.md's (sensor, ts) identity says.
 */
import { InputError, type SensorMeta } from '@vigia/shared';
import type Database from 'better-sqlite3';

export type SensorRow = {
  id: string;
  device: string;
  site: string;
  name: string | null;
  quantity: string | null;
  unit: string | null;
  first_seen: number;
};

/** A sensor id a batch mentions, where in the batch (for the error path), and its metadata if sent. */
export type SensorClaim = { id: string; path: string; meta?: SensorMeta };

export type SensorRepo = {
  /** Check that `device` may write every claimed id, then register new ids and update metadata; all or nothing. */
  claimSensors(device: string, claims: readonly SensorClaim[], now: number): void;
  /** Sensors of `sites`, or every sensor when `sites` is empty. */
  listSensors(sites: readonly string[]): SensorRow[];
  sensorById(id: string): SensorRow | undefined;
};

const SELECT = `SELECT s.id, s.device, d.site, s.name, s.quantity, s.unit, s.first_seen
  FROM sensors s JOIN devices d ON d.id = s.device`;

export function sensorRepo(db: Database.Database): SensorRepo {
  const owner = db.prepare('SELECT device FROM sensors WHERE id = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO sensors (id, device, first_seen) VALUES (?, ?, ?)');
  // The device's latest description wins (a technician may rename a sensor).
  const describe = db.prepare('UPDATE sensors SET name = @name, quantity = @quantity, unit = @unit WHERE id = @id');
  const all = db.prepare(`${SELECT} ORDER BY d.site, s.device, s.id`);
  const one = db.prepare(`${SELECT} WHERE s.id = ?`);

  const claim = db.transaction((device: string, claims: readonly SensorClaim[], now: number) => {
    for (const c of claims) {
      const row = owner.get(c.id) as { device: string } | undefined;
      if (row && row.device !== device) {
        throw new InputError(
          'sensor_taken',
          `sensor "${c.id}" belongs to device "${row.device}": give this device's sensor another id`,
          c.path,
          409,
        );
      }
    }
    for (const c of claims) {
      insert.run(c.id, device, now);
      if (c.meta) {
        describe.run({ id: c.id, name: c.meta.name ?? null, quantity: c.meta.quantity, unit: c.meta.unit });
      }
    }
  });

  return {
    claimSensors: (device, claims, now) => claim(device, claims, now),
    listSensors(sites) {
      const rows = all.all() as SensorRow[];
      return sites.length === 0 ? rows : rows.filter((s) => sites.includes(s.site));
    },
    sensorById: (id) => one.get(id) as SensorRow | undefined,
  };
}
