/**
 * @module meta/outbox
 * One channel's rows of the persisted outbox (meta.db `webhook_outbox`, column `channel`): what
 * is due, done, failed and next. The webhooks (meta/compliance.ts) and the e-mails
 * (meta/notifications.ts) each take theirs; compliance/outbox-delivery.ts delivers them.
 */
import type Database from 'better-sqlite3';

export type OutboxRow = { seq: number; url: string; body: string; attempts: number };

export type OutboxChannel = 'webhook' | 'email';

export type OutboxRows = {
  due(now: number, limit: number): OutboxRow[];
  done(seq: number): void;
  /** Record a failed attempt; `nextAt` null gives up (the row stays, for inspection). */
  failed(seq: number, attempts: number, nextAt: number | null, error: string): void;
  nextAt(): number | undefined;
};

export function outboxRows(db: Database.Database, channel: OutboxChannel): OutboxRows {
  const q = {
    due: db.prepare(
      'SELECT seq, url, body, attempts FROM webhook_outbox WHERE channel = ? AND next_at IS NOT NULL AND next_at <= ? ORDER BY seq LIMIT ?',
    ),
    done: db.prepare('DELETE FROM webhook_outbox WHERE seq = ? AND channel = ?'),
    failed: db.prepare(
      'UPDATE webhook_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ? AND channel = ?',
    ),
    nextAt: db.prepare('SELECT MIN(next_at) AS t FROM webhook_outbox WHERE channel = ? AND next_at IS NOT NULL'),
  };
  return {
    due: (now, limit) => q.due.all(channel, now, limit) as OutboxRow[],
    done: (seq) => void q.done.run(seq, channel),
    failed: (seq, attempts, nextAt, error) => void q.failed.run(attempts, nextAt, error, seq, channel),
    nextAt: () => (q.nextAt.get(channel) as { t: number | null }).t ?? undefined,
  };
}
