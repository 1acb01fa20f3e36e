/** @module meta/devices — devices, their sites, token hashes and reported status. */
import { type DeviceStatus, InputError } from '@vigia/shared';
import type Database from 'better-sqlite3';

export type DeviceRow = {
  id: string;
  site: string;
  created_at: number;
  revoked_at: number | null;
  last_seen: number | null;
  backlog: number | null;
  dropped: number | null;
  clock_offset_ms: number | null;
  /** ts of the oldest and newest reading in the last drop by the edge's buffer cap. */
  dropped_from: number | null;
  dropped_to: number | null;
  /** Backlog readings/s acknowledged, and seconds to drain; null while not draining. */
  backlog_rate: number | null;
  eta_s: number | null;
  /** Server time of the last batch that carried a status. */
  status_at: number | null;
};

/** What a report changed that someone should notice. */
export type DeviceSeen = {
  /** `dropped` before this report (null when the device had never reported a status). */
  droppedBefore: number | null;
};

export type DeviceRepo = {
  /** Create a device (and its site when new); 409 `device_exists` when the id is taken. */
  addDevice(id: string, site: string, tokenHash: string, now: number): void;
  deviceByTokenHash(tokenHash: string): DeviceRow | undefined;
  /**
   * Note that the device was heard from at `lastSeen`, with its status when the batch carried
   * one, and answer the `dropped` count it replaced (read and written in one transaction).
   */
  recordDeviceSeen(id: string, lastSeen: number, status: DeviceStatus | undefined): DeviceSeen;
  /**
   * From now on the device's token is refused (401 `token_revoked`); 404 `device_unknown`
   * when there is no such device. Revoking twice keeps the first time (`changed` false).
   */
  revokeDevice(id: string, now: number): { revokedAt: number; changed: boolean };
  /**
   * Give the device a new token (hash): the old one is refused from now on and a revoked device
   * is active again, keeping its id and so its sensors. 404 `device_unknown` when there is none.
   */
  replaceToken(id: string, tokenHash: string): void;
  /** Devices of `sites`, or every device when `sites` is empty. */
  listDevices(sites: readonly string[]): DeviceRow[];
};

const COLUMNS = `id, site, created_at, revoked_at, last_seen, backlog, dropped, clock_offset_ms,
  dropped_from, dropped_to, backlog_rate, eta_s, status_at`;

export function deviceRepo(db: Database.Database): DeviceRepo {
  const insertSite = db.prepare('INSERT OR IGNORE INTO sites (id, created_at) VALUES (?, ?)');
  const insertDevice = db.prepare('INSERT INTO devices (id, site, token_hash, created_at) VALUES (?, ?, ?, ?)');
  const byId = db.prepare('SELECT id, revoked_at FROM devices WHERE id = ?');
  const byHash = db.prepare(`SELECT ${COLUMNS} FROM devices WHERE token_hash = ?`);
  // A status reported with the batch replaces the last one; without one, keep what we had.
  // Within a status, an absent clock offset or drop range keeps the last known one (the edge
  // sends them once it knows them); an absent rate or ETA means "not draining": null.
  const seen = db.prepare(
    `UPDATE devices SET last_seen = MAX(COALESCE(last_seen, 0), @lastSeen),
       backlog = COALESCE(@backlog, backlog), dropped = COALESCE(@dropped, dropped),
       clock_offset_ms = COALESCE(@clockOffsetMs, clock_offset_ms),
       dropped_from = COALESCE(@droppedFrom, dropped_from), dropped_to = COALESCE(@droppedTo, dropped_to),
       backlog_rate = CASE WHEN @hasStatus THEN @backlogRate ELSE backlog_rate END,
       eta_s = CASE WHEN @hasStatus THEN @etaS ELSE eta_s END,
       status_at = CASE WHEN @hasStatus THEN @lastSeen ELSE status_at END
     WHERE id = @id`,
  );
  const droppedOf = db.prepare('SELECT dropped FROM devices WHERE id = ?');
  const all = db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY site, id`);
  const revoke = db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const setToken = db.prepare('UPDATE devices SET token_hash = ?, revoked_at = NULL WHERE id = ?');
  const addDevice = db.transaction((id: string, site: string, tokenHash: string, now: number) => {
    if (byId.get(id)) {
      throw new InputError('device_exists', `device "${id}" already exists: choose another id`, 'id', 409);
    }
    insertSite.run(site, now);
    insertDevice.run(id, site, tokenHash, now);
  });
  return {
    addDevice: (id, site, tokenHash, now) => addDevice(id, site, tokenHash, now),
    deviceByTokenHash: (hash) => byHash.get(hash) as DeviceRow | undefined,
    recordDeviceSeen: db.transaction((id: string, lastSeen: number, status: DeviceStatus | undefined) => {
      const before = droppedOf.get(id) as { dropped: number | null } | undefined;
      seen.run({
        id,
        lastSeen,
        hasStatus: status ? 1 : 0,
        backlog: status?.backlog ?? null,
        dropped: status?.dropped ?? null,
        clockOffsetMs: status?.clock_offset_ms ?? null,
        droppedFrom: status?.dropped_from ?? null,
        droppedTo: status?.dropped_to ?? null,
        backlogRate: status?.backlog_rate ?? null,
        etaS: status?.eta_s ?? null,
      });
      return { droppedBefore: before?.dropped ?? null };
    }),
    revokeDevice: db.transaction((id: string, now: number) => {
      const row = byId.get(id) as { revoked_at: number | null } | undefined;
      if (!row) {
        throw new InputError('device_unknown', `no device "${id}" (see GET /api/v1/devices)`, 'id', 404);
      }
      if (row.revoked_at !== null) return { revokedAt: row.revoked_at, changed: false };
      revoke.run(now, id);
      return { revokedAt: now, changed: true };
    }),
    replaceToken(id, tokenHash) {
      if (setToken.run(tokenHash, id).changes === 0) {
        throw new InputError('device_unknown', `no device "${id}" (see GET /api/v1/devices)`, 'id', 404);
      }
    },
    listDevices(sites) {
      const rows = all.all() as DeviceRow[];
      return sites.length === 0 ? rows : rows.filter((d) => sites.includes(d.site));
    },
  };
}
