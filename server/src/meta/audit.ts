/**
 * @module meta/audit
 * The audit log: who (`cli`, a user name, `anonymous`) did what state-changing thing, when.
 * Append-only: nothing here updates or deletes a row.
 */
import type Database from 'better-sqlite3';

export type AuditEntry = { seq: number; ts: number; actor: string; action: string; detail: Record<string, unknown> };

export type AuditRepo = {
  /** Append to the audit log. */
  audit(actor: string, action: string, detail: Record<string, unknown>, ts: number): void;
  /** Entries with `from <= ts < to`, oldest first, at most `limit`. */
  listAudit(from: number, to: number, limit: number): AuditEntry[];
};

export function auditRepo(db: Database.Database): AuditRepo {
  const insert = db.prepare('INSERT INTO audit_log (ts, actor, action, detail) VALUES (?, ?, ?, ?)');
  const range = db.prepare(
    'SELECT seq, ts, actor, action, detail FROM audit_log WHERE ts >= ? AND ts < ? ORDER BY ts, seq LIMIT ?',
  );
  return {
    audit(actor, action, detail, ts) {
      insert.run(ts, actor, action, JSON.stringify(detail));
    },
    listAudit(from, to, limit) {
      const rows = range.all(from, to, limit) as (Omit<AuditEntry, 'detail'> & { detail: string })[];
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    },
  };
}
