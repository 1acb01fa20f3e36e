/**
 * @module notifications/email
 * E-mail notifications (VIGIA_SMTP_URL): a breach or an alarm opened, a device gone silent, to
 * every user who asked for that event (meta/notifications.ts), has an address and may see the
 * site. Each message is rendered in the user's language when queued and goes through the
 * persisted outbox (compliance/outbox-delivery.ts, channel 'email'): retries with the shared
 * backoff, nothing lost on restart, failures logged and counted as
 * `vigia_errors_total{component="email",code="email_failed"|"email_gave_up"|"email_outbox_failed"}`.
 * Invariants:
 * - one outbox row per (event, user), queued at most once ever (`enqueueEmail`'s key), so a
 *   re-announced breach or a restart never mails twice; the Message-ID is derived from the same
 *   key, so even the at-least-once resend after a crash mid-send is one message to a mail client;
 * - the SMTP URL's password is never logged or stored: errors are cleaned of it before either.
 */

import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { createOutboxDelivery, type OutboxDelivery, type RetryOptions } from '../compliance/outbox-delivery.ts';
import type { BreachView } from '../compliance/views.ts';
import type { Meta } from '../meta/meta.ts';
import type { NotifyEvent } from '../meta/notifications.ts';
import { canSeeSite } from '../routes/visibility.ts';
import { breachMail, type Mail, silenceMail } from './messages.ts';
import { type DeviceSilence, silentDevices } from './silence-watch.ts';

export type EmailOptions = RetryOptions & {
  /** `smtp://user:pass@host:587` or `smtps://…` (VIGIA_SMTP_URL). */
  smtpUrl: string;
  /** Sender address (VIGIA_SMTP_FROM). */
  from: string;
  /** Where the dashboard is reached, for links (VIGIA_PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Connection, greeting and socket timeout of one attempt. */
  timeoutMs?: number;
  /** How often start()'s timer looks for devices gone silent. */
  silenceCheckMs?: number;
};

export type EmailNotifier = Omit<OutboxDelivery, 'kick'> & {
  /** A breach was announced opened: mail it as a breach or an alarm (severity alarm/critical). */
  breachOpened(breach: BreachView): void;
  deviceSilent(silence: DeviceSilence): void;
  /** Mail the devices silent at `now` (start() does it every `silenceCheckMs`). */
  checkSilence(now: number): void;
};

/** Stored in the outbox row's body; `user` says whose it is (GET /api/v1/me/notifications). */
type QueuedMail = Mail & { user: string; to: string; message_id: string };

/** 1 s doubling to the 1 h cap, then hourly: about 30 h of attempts before giving up. */
export const EMAIL_MAX_ATTEMPTS = 40;

/** Severities that call for action now (gas, oxygen, forbidden substances): the "alarm" e-mail. */
const ALARM_SEVERITIES = new Set(['alarm', 'critical']);

export function createEmailNotifier(meta: Meta, log: Logger, opts: EmailOptions): EmailNotifier {
  const now = opts.now ?? Date.now;
  const timeout = opts.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const secrets = secretsOf(opts.smtpUrl);
  const clean = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, '***'), text);
  const mailDomain = new URL(opts.publicUrl).hostname || 'vigia';

  async function send(row: { body: string }) {
    const m = JSON.parse(row.body) as QueuedMail;
    try {
      await transport.sendMail({
        from: opts.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.message_id,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      throw new Error(clean((err as Error).message));
    }
  }

  const delivery = createOutboxDelivery(
    { due: meta.dueEmails, done: meta.emailDone, failed: meta.emailFailed, nextAt: meta.nextEmailAt },
    log,
    {
      ...opts,
      // A site's only link may be down for a day: keep trying for about 30 h (webhooks: ~4 h).
      maxAttempts: opts.maxAttempts ?? EMAIL_MAX_ATTEMPTS,
      component: 'email',
      prefix: 'email',
      send,
      describe: (row) => ({ user: (JSON.parse(row.body) as QueuedMail).user }),
    },
  );

  /** Queue `render`'s mail for every subscriber of `event` who may see `site`. */
  // Never throws: it runs inside the engine's announce, after the breach was committed.
  function queue(event: NotifyEvent, eventId: string, site: string, render: (lang: 'es' | 'en') => Mail) {
    let queued = 0;
    try {
      for (const s of meta.subscribers(event)) {
        if (!canSeeSite(s, site)) continue;
        const key = `${eventId}/${s.user}`;
        const mail: QueuedMail = {
          ...render(s.lang),
          user: s.user,
          to: s.email,
          message_id: `<${encodeURIComponent(key)}@${mailDomain}>`,
        };
        if (meta.enqueueEmail(key, s.email, JSON.stringify(mail), now())) queued++;
      }
    } catch (err) {
      opts.telemetry?.count('email', 'email_outbox_failed');
      log.error({ err, event: eventId }, 'emailQueueFailed');
    }
    if (queued > 0) delivery.kick();
  }

  let silenceTimer: NodeJS.Timeout | undefined;
  function checkSilence(at: number) {
    try {
      for (const s of silentDevices(meta, at)) notifier.deviceSilent(s);
    } catch (err) {
      opts.telemetry?.count('email', 'email_silence_check_failed');
      log.error({ err }, 'emailSilenceCheckFailed');
    }
  }

  const siteFacts = (id: string) => ({
    siteId: id,
    siteName: meta.siteById(id)?.name ?? null,
    timeZone: meta.timeZoneOf(id),
  });

  const notifier: EmailNotifier = {
    breachOpened(b) {
      const alarm = ALARM_SEVERITIES.has(b.severity);
      const facts = {
        ...siteFacts(b.site),
        alarm,
        permit: b.permit,
        rule: b.rule,
        sensor: b.sensor,
        start: b.start,
        peak: b.peak,
        limit: b.limit,
        unit: b.unit,
        link: `${opts.publicUrl}/#/breaches?breach=${b.id}`,
      };
      queue(alarm ? 'alarm_opened' : 'breach_opened', `breach:${b.id}:opened`, b.site, (lang) =>
        breachMail(lang, facts),
      );
    },
    deviceSilent(s) {
      const facts = {
        ...siteFacts(s.site),
        device: s.device,
        lastTs: s.lastTs,
        silentAfterMs: s.silentAfterMs,
        link: `${opts.publicUrl}/#/devices`,
      };
      // One silence is identified by the last reading before it: a later one is a new silence.
      queue('device_silent', `device:${s.device}:silent:${s.lastTs}`, s.site, (lang) => silenceMail(lang, facts));
    },
    checkSilence,
    start() {
      delivery.start();
      silenceTimer = setInterval(() => checkSilence(now()), opts.silenceCheckMs ?? 60_000);
      silenceTimer.unref();
    },
    async stop() {
      clearInterval(silenceTimer);
      await delivery.stop();
      transport.close();
    },
    flush: delivery.flush,
  };
  return notifier;
}

/** The URL's password, as given and percent-decoded: what must never reach a log. */
function secretsOf(smtpUrl: string): string[] {
  const u = new URL(smtpUrl);
  return [u.password, decodeURIComponent(u.password)].filter((s) => s.length > 0);
}
