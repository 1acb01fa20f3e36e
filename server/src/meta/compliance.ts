/**
 * @module meta/compliance
 * The compliance engine's tables in meta.db: permit versions, breaches, evaluator checkpoints
 * and the webhook outbox. Plain storage: the engine (compliance/engine.ts) decides what to write.
 * Never rewrites a permit version once stored (a change is a new version) and never touches a
 * breach of another permit version than the one named. Never deletes a breach: one re-evaluation
 * no longer finds is withdrawn (when, why), and every change of a breach is in breach_history.
 */
import type { BreachState, Permit } from '@vigia/shared';
import type Database from 'better-sqlite3';
import { type OutboxRow, outboxRows } from './outbox.ts';

/** One stored version of a permit; `effective_from`/`effective_to` null mean unbounded. */
export type PermitVersion = {
  id: string;
  version: number;
  site: string;
  permit: Permit;
  effective_from: number | null;
  effective_to: number | null;
  updated_at: number;
  updated_by: string;
};

/** The rule of one permit version that a breach, checkpoint or status belongs to. */
export type RunKey = { permit: string; version: number; rule: string };

export type BreachRecord = {
  id: number;
  permit: string;
  permit_version: number;
  site: string;
  rule: string;
  sensor: string;
  severity: string;
  /** First out-of-bounds time (start of the pending period), event time. */
  start: number;
  /** When the breach was confirmed (start + pending). */
  opened_ts: number;
  end: number | null;
  /** `clear`, `no_data` (the sensor fell silent), `permit_changed` (a new version took over). */
  closed_by: string | null;
  peak: number;
  peak_ts: number;
  duration_ms: number;
  out_of_bounds_ms: number;
  /** ∫ |value − limit| dt while beyond the limit, in unit × seconds. */
  exceedance: number;
  limit: number;
  unit: string | null;
  /** How complete the data behind it was, 0..1 (null: stored before availability was kept). */
  availability: number | null;
  ack_by: string | null;
  ack_at: number | null;
  ack_note: string | null;
  /** Set when re-evaluation no longer finds it (it stays, never deleted). */
  withdrawn_at: number | null;
  /** `late_data`, `correction`, `merged`, `permit_changed`, `zone_changed`, `restart`. */
  withdrawn_reason: string | null;
  /** Which data: e.g. `{ sensor, from, to, readings }` of the late readings. */
  withdrawn_detail: Record<string, unknown> | null;
  /** The breach a merged one went into. */
  merged_into: number | null;
};

export type NewBreach = Omit<
  BreachRecord,
  'id' | 'ack_by' | 'ack_at' | 'ack_note' | 'withdrawn_at' | 'withdrawn_reason' | 'withdrawn_detail' | 'merged_into'
>;

/** `withdrawn` is set apart from open/closed: a withdrawn breach is neither. */
export const breachState = (b: BreachRecord): BreachState =>
  b.withdrawn_at !== null ? 'withdrawn' : b.end === null ? 'open' : 'closed';

/** One stored change of a breach. */
export type BreachHistoryRow = {
  seq: number;
  breach: number;
  at: number;
  /** `opened`, `updated`, `closed`, `withdrawn`, `restored`. */
  change: string;
  /** `evaluated`, `day_ended`, `no_data`, `late_data`, `correction`, `merged`, `permit_changed`, `zone_changed`, `restart`. */
  reason: string;
  /** The fields that changed (`{ field: [old, new] }`) and the data that caused it. */
  detail: Record<string, unknown>;
};

export type BreachFilter = {
  from: number;
  to: number;
  state?: BreachState;
  permit?: string;
  sensor?: string;
  /** true: only breaches in force (not withdrawn) nobody has acknowledged yet. */
  unacknowledged?: boolean;
  /** Only these sites; empty means all. */
  sites: readonly string[];
};

export type ComplianceRepo = {
  /** Run `fn` in one meta.db transaction. */
  complianceTx<T>(fn: () => T): T;
  permitVersions(): PermitVersion[];
  /** Store a new version; the previous one (if any) ends at `effective_from`. */
  addPermitVersion(v: PermitVersion): void;
  breachById(id: number): BreachRecord | undefined;
  breachByKey(key: RunKey, start: number): BreachRecord | undefined;
  /** Breaches of a rule version not ended at or before `since` (all when `since` is null). */
  breachesOfRun(key: RunKey, since: number | null): BreachRecord[];
  insertBreach(b: NewBreach, now: number): number;
  /** Store `b` over the row; a withdrawn row comes back in force (same id). */
  updateBreach(id: number, b: NewBreach, now: number): void;
  withdrawBreach(id: number, at: number, reason: string, detail: Record<string, unknown>, mergedInto?: number): void;
  addBreachHistory(row: Omit<BreachHistoryRow, 'seq'>): void;
  breachHistory(id: number): BreachHistoryRow[];
  /** The seq of the breach's newest history row (0 when it has none): one indexed lookup. */
  lastBreachHistorySeq(id: number): number;
  /** The history rows of kind `change` of all breaches `ids`, by breach then oldest first (one query). */
  breachHistoryOf(ids: readonly number[], change: string): BreachHistoryRow[];
  listBreaches(f: BreachFilter): BreachRecord[];
  /** How many breaches in force nobody has acknowledged, at `sites` (empty: all). */
  countUnacknowledged(sites: readonly string[]): number;
  /** Set the acknowledgement unless there is one; false when there already was. */
  ackBreach(id: number, by: string, at: number, note: string): boolean;
  saveCheckpoint(key: RunKey, watermark: number, snapshot: string): void;
  /** The newest checkpoint with watermark < `before` (the newest of all when omitted). */
  checkpointBefore(key: RunKey, before?: number): { watermark: number; snapshot: string } | undefined;
  /** Forget checkpoints with watermark > `after` (re-evaluation makes them stale). */
  dropCheckpointsAfter(key: RunKey, after: number | null): void;
  /** Keep every checkpoint from `keepFrom` on and one per UTC day before it. */
  pruneCheckpoints(key: RunKey, keepFrom: number): void;
  enqueueWebhook(url: string, body: string, now: number): void;
  dueWebhooks(now: number, limit: number): OutboxRow[];
  webhookDone(seq: number): void;
  /** Record a failed attempt; `nextAt` null gives up (the row stays, for inspection). */
  webhookFailed(seq: number, attempts: number, nextAt: number | null, error: string): void;
  nextWebhookAt(): number | undefined;
};

type BreachRow = Omit<BreachRecord, 'end' | 'limit' | 'withdrawn_detail'> & {
  end_ts: number | null;
  limit_value: number;
  withdrawn_detail: string | null;
};

const fromRow = ({ end_ts, limit_value, withdrawn_detail, ...rest }: BreachRow): BreachRecord => ({
  ...rest,
  end: end_ts,
  limit: limit_value,
  withdrawn_detail: withdrawn_detail === null ? null : (JSON.parse(withdrawn_detail) as Record<string, unknown>),
});
const toParams = ({ end, limit, ...rest }: NewBreach) => ({ ...rest, end_ts: end, limit_value: limit });

const BREACH_FIELDS = `permit, permit_version, site, rule, sensor, severity, start, opened_ts, end_ts, closed_by,
  peak, peak_ts, duration_ms, out_of_bounds_ms, exceedance, limit_value, unit, availability`;

export function complianceRepo(db: Database.Database): ComplianceRepo {
  const q = {
    versions: db.prepare('SELECT * FROM permits ORDER BY id, version'),
    endPrevious: db.prepare('UPDATE permits SET effective_to = ? WHERE id = ? AND effective_to IS NULL'),
    addVersion: db.prepare(
      `INSERT INTO permits (id, version, site, body, effective_from, effective_to, updated_at, updated_by)
       VALUES (@id, @version, @site, @body, @effective_from, @effective_to, @updated_at, @updated_by)`,
    ),
    byId: db.prepare('SELECT * FROM breaches WHERE id = ?'),
    // The one in force first; else the newest withdrawn one at that start.
    byKey: db.prepare(
      `SELECT * FROM breaches WHERE permit = ? AND permit_version = ? AND rule = ? AND start = ?
       ORDER BY withdrawn_at IS NOT NULL, id DESC LIMIT 1`,
    ),
    ofRun: db.prepare(
      `SELECT * FROM breaches WHERE permit = ? AND permit_version = ? AND rule = ?
       AND (end_ts IS NULL OR end_ts > ?) ORDER BY start`,
    ),
    insert: db.prepare(
      `INSERT INTO breaches (${BREACH_FIELDS}, updated_at) VALUES (@permit, @permit_version, @site, @rule, @sensor,
       @severity, @start, @opened_ts, @end_ts, @closed_by, @peak, @peak_ts, @duration_ms, @out_of_bounds_ms,
       @exceedance, @limit_value, @unit, @availability, @updated_at)`,
    ),
    update: db.prepare(
      `UPDATE breaches SET start = @start, opened_ts = @opened_ts, end_ts = @end_ts, closed_by = @closed_by,
       peak = @peak, peak_ts = @peak_ts, duration_ms = @duration_ms, out_of_bounds_ms = @out_of_bounds_ms,
       exceedance = @exceedance, limit_value = @limit_value, severity = @severity, unit = @unit,
       availability = @availability, withdrawn_at = NULL, withdrawn_reason = NULL, withdrawn_detail = NULL,
       merged_into = NULL, updated_at = @updated_at WHERE id = @id`,
    ),
    withdraw: db.prepare(
      `UPDATE breaches SET withdrawn_at = ?, withdrawn_reason = ?, withdrawn_detail = ?, merged_into = ?,
       updated_at = ? WHERE id = ?`,
    ),
    addHistory: db.prepare(
      'INSERT INTO breach_history (breach, at, change, reason, detail) VALUES (@breach, @at, @change, @reason, @detail)',
    ),
    history: db.prepare('SELECT * FROM breach_history WHERE breach = ? ORDER BY seq'),
    lastHistorySeq: db.prepare('SELECT MAX(seq) AS seq FROM breach_history WHERE breach = ?'),
    historyOf: db.prepare(
      'SELECT * FROM breach_history WHERE change = ? AND breach IN (SELECT value FROM json_each(?)) ORDER BY breach, seq',
    ),
    unackedBySite: db.prepare(
      'SELECT site, COUNT(*) AS n FROM breaches WHERE ack_by IS NULL AND withdrawn_at IS NULL GROUP BY site',
    ),
    ack: db.prepare('UPDATE breaches SET ack_by = ?, ack_at = ?, ack_note = ? WHERE id = ? AND ack_by IS NULL'),
    saveCp: db.prepare(
      `INSERT OR REPLACE INTO rule_checkpoints (permit, permit_version, rule, watermark, snapshot)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    cpBefore: db.prepare(
      `SELECT watermark, snapshot FROM rule_checkpoints WHERE permit = ? AND permit_version = ? AND rule = ?
       AND watermark < ? ORDER BY watermark DESC LIMIT 1`,
    ),
    dropCp: db.prepare(
      'DELETE FROM rule_checkpoints WHERE permit = ? AND permit_version = ? AND rule = ? AND watermark > ?',
    ),
    pruneCp: db.prepare(
      `DELETE FROM rule_checkpoints WHERE permit = @permit AND permit_version = @version AND rule = @rule
       AND watermark < @keepFrom AND watermark NOT IN (
         SELECT MIN(watermark) FROM rule_checkpoints WHERE permit = @permit AND permit_version = @version
         AND rule = @rule AND watermark < @keepFrom GROUP BY watermark / 86400000)`,
    ),
    // The outbox also holds e-mails (channel 'email', meta/notifications.ts): these see webhooks only.
    enqueue: db.prepare('INSERT INTO webhook_outbox (url, body, next_at, created_at) VALUES (?, ?, ?, ?)'),
  };
  const outbox = outboxRows(db, 'webhook');

  return {
    complianceTx: (fn) => db.transaction(fn)(),
    permitVersions() {
      const rows = q.versions.all() as (Omit<PermitVersion, 'permit'> & { body: string })[];
      return rows.map(({ body, ...r }) => ({ ...r, permit: JSON.parse(body) as Permit }));
    },
    addPermitVersion(v) {
      db.transaction(() => {
        q.endPrevious.run(v.effective_from, v.id);
        const { permit, ...rest } = v;
        q.addVersion.run({ ...rest, body: JSON.stringify(permit) });
      })();
    },
    breachById(id) {
      const row = q.byId.get(id) as BreachRow | undefined;
      return row && fromRow(row);
    },
    breachByKey(key, start) {
      const row = q.byKey.get(key.permit, key.version, key.rule, start) as BreachRow | undefined;
      return row && fromRow(row);
    },
    breachesOfRun(key, since) {
      const rows = q.ofRun.all(key.permit, key.version, key.rule, since ?? Number.MIN_SAFE_INTEGER) as BreachRow[];
      return rows.map(fromRow);
    },
    insertBreach(b, now) {
      return Number(q.insert.run({ ...toParams(b), updated_at: now }).lastInsertRowid);
    },
    updateBreach(id, b, now) {
      q.update.run({ ...toParams(b), updated_at: now, id });
    },
    withdrawBreach(id, at, reason, detail, mergedInto) {
      q.withdraw.run(at, reason, JSON.stringify(detail), mergedInto ?? null, at, id);
    },
    addBreachHistory(row) {
      q.addHistory.run({ ...row, detail: JSON.stringify(row.detail) });
    },
    breachHistory(id) {
      return historyRows(q.history.all(id));
    },
    lastBreachHistorySeq(id) {
      return (q.lastHistorySeq.get(id) as { seq: number | null }).seq ?? 0;
    },
    breachHistoryOf(ids, change) {
      return ids.length === 0 ? [] : historyRows(q.historyOf.all(change, JSON.stringify(ids)));
    },
    listBreaches(f) {
      const where = ['start < @to', '(end_ts IS NULL OR end_ts > @from)'];
      if (f.state === 'open') where.push('end_ts IS NULL AND withdrawn_at IS NULL');
      if (f.state === 'closed') where.push('end_ts IS NOT NULL AND withdrawn_at IS NULL');
      if (f.state === 'withdrawn') where.push('withdrawn_at IS NOT NULL');
      if (f.permit !== undefined) where.push('permit = @permit');
      if (f.sensor !== undefined) where.push('sensor = @sensor');
      if (f.unacknowledged) where.push('ack_by IS NULL AND withdrawn_at IS NULL');
      const rows = db
        .prepare(`SELECT * FROM breaches WHERE ${where.join(' AND ')} ORDER BY start, id`)
        .all({ from: f.from, to: f.to, permit: f.permit, sensor: f.sensor }) as BreachRow[];
      return rows.map(fromRow).filter((b) => f.sites.length === 0 || f.sites.includes(b.site));
    },
    countUnacknowledged(sites) {
      const rows = q.unackedBySite.all() as { site: string; n: number }[];
      return rows.filter((r) => sites.length === 0 || sites.includes(r.site)).reduce((sum, r) => sum + r.n, 0);
    },
    ackBreach(id, by, at, note) {
      return q.ack.run(by, at, note, id).changes === 1;
    },
    saveCheckpoint(key, watermark, snapshot) {
      q.saveCp.run(key.permit, key.version, key.rule, watermark, snapshot);
    },
    checkpointBefore(key, before = Number.MAX_SAFE_INTEGER) {
      return q.cpBefore.get(key.permit, key.version, key.rule, before) as
        | { watermark: number; snapshot: string }
        | undefined;
    },
    dropCheckpointsAfter(key, after) {
      q.dropCp.run(key.permit, key.version, key.rule, after ?? Number.MIN_SAFE_INTEGER);
    },
    pruneCheckpoints(key, keepFrom) {
      q.pruneCp.run({ ...key, keepFrom });
    },
    enqueueWebhook(url, body, now) {
      q.enqueue.run(url, body, now, now);
    },
    dueWebhooks: outbox.due,
    webhookDone: outbox.done,
    webhookFailed: outbox.failed,
    nextWebhookAt: outbox.nextAt,
  };
}

function historyRows(rows: unknown[]): BreachHistoryRow[] {
  return (rows as (Omit<BreachHistoryRow, 'detail'> & { detail: string })[]).map((r) => ({
    ...r,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
