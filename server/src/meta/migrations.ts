/**
 * @module meta/migrations
 * The schema of meta.db, one step per version. `PRAGMA user_version` records how many steps
 * ran. Never edit a step once released: add the next one.
 */
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sites (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL REFERENCES sites(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_seen INTEGER,
    backlog INTEGER,
    dropped INTEGER,
    clock_offset_ms REAL
  );
  -- A sensor id is unique on the server (the readings store keys by sensor id alone);
  -- the device that first reports it owns it.
  CREATE TABLE sensors (
    id TEXT PRIMARY KEY,
    device TEXT NOT NULL REFERENCES devices(id),
    name TEXT,
    quantity TEXT,
    unit TEXT,
    first_seen INTEGER NOT NULL
  );
  CREATE INDEX sensors_device ON sensors(device);
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    sites TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  `,
  // 2: GET /api/v1/audit reads by time.
  `
  CREATE INDEX audit_log_ts ON audit_log(ts);
  `,
  // 3: the compliance engine (compliance/engine.ts): permit versions, breaches, evaluator
  // checkpoints and the webhook outbox. effective_from/to NULL mean -inf/+inf.
  `
  CREATE TABLE permits (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    site TEXT NOT NULL,
    body TEXT NOT NULL,
    effective_from INTEGER,
    effective_to INTEGER,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (id, version)
  );
  CREATE TABLE breaches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit TEXT NOT NULL,
    permit_version INTEGER NOT NULL,
    site TEXT NOT NULL,
    rule TEXT NOT NULL,
    sensor TEXT NOT NULL,
    severity TEXT NOT NULL,
    start INTEGER NOT NULL,
    opened_ts INTEGER NOT NULL,
    end_ts INTEGER,
    closed_by TEXT,
    peak REAL NOT NULL,
    peak_ts INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    out_of_bounds_ms INTEGER NOT NULL,
    exceedance REAL NOT NULL,
    limit_value REAL NOT NULL,
    unit TEXT,
    ack_by TEXT,
    ack_at INTEGER,
    ack_note TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX breaches_key ON breaches(permit, permit_version, rule, start);
  CREATE INDEX breaches_start ON breaches(start);
  CREATE TABLE rule_checkpoints (
    permit TEXT NOT NULL,
    permit_version INTEGER NOT NULL,
    rule TEXT NOT NULL,
    watermark INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (permit, permit_version, rule, watermark)
  ) WITHOUT ROWID;
  CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER,
    created_at INTEGER NOT NULL,
    last_error TEXT
  );
  CREATE INDEX webhook_outbox_next ON webhook_outbox(next_at);
  `,
  // 4: device health (routes/devices.ts). The rest of the edge's DeviceStatus and when it was
  // reported; per sensor the newest reading ts seen at ingest and its typical interval, for
  // "silent" sensors (meta/sensor-health.ts).
  `
  ALTER TABLE devices ADD COLUMN dropped_from INTEGER;
  ALTER TABLE devices ADD COLUMN dropped_to INTEGER;
  ALTER TABLE devices ADD COLUMN backlog_rate REAL;
  ALTER TABLE devices ADD COLUMN eta_s REAL;
  ALTER TABLE devices ADD COLUMN status_at INTEGER;
  ALTER TABLE sensors ADD COLUMN last_ts INTEGER;
  ALTER TABLE sensors ADD COLUMN interval_ms REAL;
  `,
  // 5: breaches are never deleted (compliance/breaches.ts). A breach re-evaluation no longer finds
  // is withdrawn (when, why, which data; merged ones name the breach they went into); the unique
  // key covers only breaches in force, so a withdrawn one never blocks a new breach at its start.
  // `availability`: how complete the data behind a breach was (0..1; NULL before this step).
  // breach_history: every stored change of a breach, when, what and why.
  `
  ALTER TABLE breaches ADD COLUMN availability REAL;
  ALTER TABLE breaches ADD COLUMN withdrawn_at INTEGER;
  ALTER TABLE breaches ADD COLUMN withdrawn_reason TEXT;
  ALTER TABLE breaches ADD COLUMN withdrawn_detail TEXT;
  ALTER TABLE breaches ADD COLUMN merged_into INTEGER;
  DROP INDEX breaches_key;
  CREATE UNIQUE INDEX breaches_key ON breaches(permit, permit_version, rule, start) WHERE withdrawn_at IS NULL;
  CREATE TABLE breach_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    breach INTEGER NOT NULL,
    at INTEGER NOT NULL,
    change TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX breach_history_breach ON breach_history(breach, seq);
  `,
  // 6: sites get a name and an IANA time zone (meta/sites.ts): reports, the engine's days and
  // the dashboard use it. Existing and new sites start in Colombia's zone.
  `
  ALTER TABLE sites ADD COLUMN name TEXT;
  ALTER TABLE sites ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Bogota';
  ALTER TABLE sites ADD COLUMN updated_at INTEGER;
  ALTER TABLE sites ADD COLUMN updated_by TEXT;
  `,
  // 7: users.all_sites: a user created without sites sees none unless created with --all-sites
  // (routes/visibility.ts). Users from before keep what an empty list meant then: every site.
  `
  ALTER TABLE users ADD COLUMN all_sites INTEGER NOT NULL DEFAULT 0;
  UPDATE users SET all_sites = 1 WHERE sites = '[]';
  `,
  // 8: users can be disabled (auth/user-changes.ts): a disabled user keeps its name in the audit
  // log and its permits but cannot sign in, and its sessions are gone.
  `
  ALTER TABLE users ADD COLUMN disabled_at INTEGER;
  `,
  // 9: e-mail notifications (notifications/). Per user which events they want, where and in which
  // language. E-mails queue in the webhook outbox under their own `channel`; outbox_keys remembers
  // every (event, recipient) ever queued, so a re-announced event or a restart never mails twice.
  `
  CREATE TABLE notification_settings (
    user TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
    email TEXT,
    lang TEXT NOT NULL DEFAULT 'es',
    breach_opened INTEGER NOT NULL DEFAULT 0,
    alarm_opened INTEGER NOT NULL DEFAULT 0,
    device_silent INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  ALTER TABLE webhook_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook';
  DROP INDEX webhook_outbox_next;
  CREATE INDEX webhook_outbox_next ON webhook_outbox(channel, next_at);
  CREATE TABLE outbox_keys (key TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID;
  `,
];

/** Run the steps `db` has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `meta.db is at schema version ${current}, newer than this server knows (${MIGRATIONS.length}): upgrade vigia-server`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
