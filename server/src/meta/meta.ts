/**
 * @module meta/meta
 * meta.db: sites (name, time zone), devices, sensors, users, sessions, the audit log and the compliance tables
 * (permits, breaches, checkpoints, webhook and e-mail outbox), notification settings; readings live in the store. Synchronous
 * (better-sqlite3) so a check and the write it guards cannot interleave.
 * Stores token and session-id hashes and password hashes only, never the secrets.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type AuditRepo, auditRepo } from './audit.ts';
import { type ComplianceRepo, complianceRepo } from './compliance.ts';
import { type DeviceRepo, deviceRepo } from './devices.ts';
import { migrate } from './migrations.ts';
import { type NotificationRepo, notificationRepo } from './notifications.ts';
import { type SensorRepo, sensorRepo } from './sensors.ts';
import { type SiteRepo, siteRepo } from './sites.ts';
import { type UserRepo, userRepo } from './users.ts';

export type Meta = DeviceRepo &
  SensorRepo &
  SiteRepo &
  UserRepo &
  AuditRepo &
  ComplianceRepo &
  NotificationRepo & {
    close(): void;
  };

/** Open (creating and migrating when needed) the metadata database at `file`. */
export function openMeta(file: string): Meta {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  let closed = false;
  return {
    ...deviceRepo(db),
    ...sensorRepo(db),
    ...siteRepo(db),
    ...userRepo(db),
    ...auditRepo(db),
    ...complianceRepo(db),
    ...notificationRepo(db),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
