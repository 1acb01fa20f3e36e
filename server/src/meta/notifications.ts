/**
 * @module meta/notifications
 * Per-user e-mail notification settings and the e-mail rows of the outbox (the webhook outbox
 * table, channel 'email'). Plain storage: notifications/ decides who gets what.
 * Invariant: an (event, recipient) key is queued at most once, ever (outbox_keys, in the same
 * transaction as the row), so a re-announced event or a restart never queues a second e-mail.
 */
import type Database from 'better-sqlite3';
import { type OutboxRow, outboxRows } from './outbox.ts';

export type NotifyLang = 'es' | 'en';
/** The events a user can ask to be mailed about (column names of notification_settings). */
export const NOTIFY_EVENTS = ['breach_opened', 'alarm_opened', 'device_silent'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export type NotificationSettings = Record<NotifyEvent, boolean> & {
  email: string | null;
  lang: NotifyLang;
  /** Null until the user saved them once (the defaults are shown). */
  updated_at: number | null;
};

/** A signed-in-able user who asked for an event and gave an address. */
export type Subscriber = { user: string; sites: string[]; all_sites: boolean; email: string; lang: NotifyLang };

/** What a user can see of their own queued e-mails. */
export type EmailBacklog = { pending: number; gave_up: number; last_error: string | null };

export type NotificationRepo = {
  notificationSettings(user: string): NotificationSettings;
  saveNotificationSettings(user: string, s: Omit<NotificationSettings, 'updated_at'>, now: number): void;
  /** Enabled users who want `event` and have an address. */
  subscribers(event: NotifyEvent): Subscriber[];
  /** Queue an e-mail unless `key` was ever queued; true when queued. */
  enqueueEmail(key: string, to: string, body: string, now: number): boolean;
  dueEmails(now: number, limit: number): OutboxRow[];
  emailDone(seq: number): void;
  /** Record a failed attempt; `nextAt` null gives up (the row stays, for inspection). */
  emailFailed(seq: number, attempts: number, nextAt: number | null, error: string): void;
  nextEmailAt(): number | undefined;
  /** The user's e-mails still in the outbox (body field `user`). */
  emailBacklogOf(user: string): EmailBacklog;
};

type SettingsRow = Record<NotifyEvent, number> & { email: string | null; lang: NotifyLang; updated_at: number };

export function notificationRepo(db: Database.Database): NotificationRepo {
  const q = {
    get: db.prepare('SELECT * FROM notification_settings WHERE user = ?'),
    put: db.prepare(
      `INSERT INTO notification_settings (user, email, lang, breach_opened, alarm_opened, device_silent, updated_at)
       VALUES (@user, @email, @lang, @breach_opened, @alarm_opened, @device_silent, @now)
       ON CONFLICT (user) DO UPDATE SET email = excluded.email, lang = excluded.lang,
         breach_opened = excluded.breach_opened, alarm_opened = excluded.alarm_opened,
         device_silent = excluded.device_silent, updated_at = excluded.updated_at`,
    ),
    // One statement per event: the column name never comes from a caller.
    subscribers: Object.fromEntries(
      NOTIFY_EVENTS.map((e) => [
        e,
        db.prepare(
          `SELECT u.name AS user, u.sites, u.all_sites, n.email, n.lang FROM notification_settings n
           JOIN users u ON u.name = n.user
           WHERE n.${e} = 1 AND n.email IS NOT NULL AND u.disabled_at IS NULL ORDER BY u.name`,
        ),
      ]),
    ) as Record<NotifyEvent, Database.Statement>,
    key: db.prepare('INSERT OR IGNORE INTO outbox_keys (key, created_at) VALUES (?, ?)'),
    enqueue: db.prepare(
      "INSERT INTO webhook_outbox (channel, url, body, next_at, created_at) VALUES ('email', ?, ?, ?, ?)",
    ),
    backlog: db.prepare(
      `SELECT count(*) FILTER (WHERE next_at IS NOT NULL) AS pending, count(*) FILTER (WHERE next_at IS NULL) AS gave_up,
         (SELECT last_error FROM webhook_outbox WHERE channel = 'email' AND json_extract(body, '$.user') = @user
          AND last_error IS NOT NULL ORDER BY seq DESC LIMIT 1) AS last_error
       FROM webhook_outbox WHERE channel = 'email' AND json_extract(body, '$.user') = @user`,
    ),
  };
  const outbox = outboxRows(db, 'email');
  const enqueue = db.transaction((key: string, to: string, body: string, now: number) => {
    if (q.key.run(key, now).changes === 0) return false;
    q.enqueue.run(to, body, now, now);
    return true;
  });

  return {
    notificationSettings(user) {
      const row = q.get.get(user) as SettingsRow | undefined;
      if (!row)
        return {
          email: null,
          lang: 'es',
          breach_opened: false,
          alarm_opened: false,
          device_silent: false,
          updated_at: null,
        };
      return {
        email: row.email,
        lang: row.lang,
        breach_opened: row.breach_opened === 1,
        alarm_opened: row.alarm_opened === 1,
        device_silent: row.device_silent === 1,
        updated_at: row.updated_at,
      };
    },
    saveNotificationSettings(user, s, now) {
      q.put.run({
        user,
        email: s.email,
        lang: s.lang,
        breach_opened: s.breach_opened ? 1 : 0,
        alarm_opened: s.alarm_opened ? 1 : 0,
        device_silent: s.device_silent ? 1 : 0,
        now,
      });
    },
    subscribers(event) {
      const rows = q.subscribers[event].all() as (Omit<Subscriber, 'sites' | 'all_sites'> & {
        sites: string;
        all_sites: number;
      })[];
      return rows.map((r) => ({ ...r, sites: JSON.parse(r.sites) as string[], all_sites: r.all_sites === 1 }));
    },
    enqueueEmail: (key, to, body, now) => enqueue(key, to, body, now),
    dueEmails: outbox.due,
    emailDone: outbox.done,
    emailFailed: outbox.failed,
    nextEmailAt: outbox.nextAt,
    emailBacklogOf: (user) => q.backlog.get({ user }) as EmailBacklog,
  };
}
