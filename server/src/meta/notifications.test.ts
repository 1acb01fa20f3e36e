// meta.db's e-mail rows: the migration keeps a pending webhook a webhook, and an (event, user)
// key is queued once ever, even after its e-mail was delivered and left the outbox.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { complianceRepo } from './compliance.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { notificationRepo } from './notifications.ts';

describe('e-mail outbox rows', () => {
  it('keeps a webhook queued before the migration in the webhook channel only', () => {
    const step = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE notification_settings'));
    const db = new Database(':memory:');
    for (let v = 0; v < step; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${step}`);
    db.prepare("INSERT INTO webhook_outbox (url, body, next_at, created_at) VALUES ('https://h/x', '{}', 5, 5)").run();
    migrate(db);
    expect(complianceRepo(db).dueWebhooks(10, 10)).toEqual([{ seq: 1, url: 'https://h/x', body: '{}', attempts: 0 }]);
    expect(notificationRepo(db).dueEmails(10, 10)).toEqual([]);
    expect(notificationRepo(db).nextEmailAt()).toBeUndefined();
  });

  it('queues an (event, user) key once, before and after its delivery', () => {
    const db = new Database(':memory:');
    migrate(db);
    const repo = notificationRepo(db);
    const body = JSON.stringify({ user: 'ana' });
    expect(repo.enqueueEmail('breach:1:opened/ana', 'ana@example.org', body, 1)).toBe(true);
    expect(repo.enqueueEmail('breach:1:opened/ana', 'ana@example.org', body, 2)).toBe(false);
    expect(repo.enqueueEmail('breach:1:opened/bob', 'bob@example.org', JSON.stringify({ user: 'bob' }), 2)).toBe(true);
    const [first] = repo.dueEmails(10, 10);
    expect(repo.emailBacklogOf('ana')).toEqual({ pending: 1, gave_up: 0, last_error: null });
    repo.emailDone(first!.seq);
    expect(repo.enqueueEmail('breach:1:opened/ana', 'ana@example.org', body, 3)).toBe(false);
    expect(repo.dueEmails(10, 10).map((r) => r.url)).toEqual(['bob@example.org']);
    expect(complianceRepo(db).dueWebhooks(10, 10)).toEqual([]);
  });
});
