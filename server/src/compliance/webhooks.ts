/**
 * @module compliance/webhooks
 * Breach opened/closed notifications as JSON POSTs to the URLs of VIGIA_WEBHOOKS.
 * Invariants:
 * - a notification is written to the outbox (meta.db) before any attempt, so a restart never
 *   loses one; it leaves the outbox only when the receiver answered 2xx;
 * - failed attempts are retried after shared `backoffMs` (base × 2^n, at most `maxDelayMs`,
 *   then a random 50–100 % of that), up to `maxAttempts`; after that the row stays
 *   in the outbox with `next_at` NULL and the failure is logged once;
 * - delivery is at least once: receivers deduplicate on `id` (`<breach>:<event>`);
 * - every failed attempt is logged and counted in `vigia_errors_total{component="webhooks"}`
 *   (`webhook_failed`; `webhook_gave_up` when the attempts are spent; `webhook_outbox_failed`
 *   when the outbox itself could not be read or written).
 * - each request is signed (`X-Vigia-Signature`, webhook-signing.ts) when `secretFor` is given;
 *   a redirect is never followed (it counts as a failed attempt); logs show a URL's host only.
 */
import { type BreachView, backoffMs, type WebhookBody, type WebhookEvent } from '@vigia/shared';
import type { Logger } from 'pino';
import type { Meta } from '../meta/meta.ts';
import type { ErrorCounter } from '../telemetry.ts';
import { redactUrl, SIGNATURE_HEADER, signBody } from './webhook-signing.ts';

export type WebhookOptions = {
  urls: readonly string[];
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** The signing secret of a URL (webhook-signing.ts); unsigned without it (tests only). */
  secretFor?: (url: string) => string;
  /** Wall clock for scheduling retries (not the app's event-time clock). */
  now?: () => number;
  /** Where failures are counted (the app's metrics). */
  telemetry?: ErrorCounter;
};

export type Webhooks = {
  notify(event: WebhookEvent, breach: BreachView): void;
  /** Begin delivering (pending rows from before a restart included). */
  start(): void;
  /** Stop the timer; attempts in flight finish. */
  stop(): Promise<void>;
  /** Deliver whatever is due now; resolves when those attempts are done (tests, shutdown). */
  flush(): Promise<void>;
};

export function createWebhooks(meta: Meta, log: Logger, opts: WebhookOptions): Webhooks {
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 3_600_000;
  const maxAttempts = opts.maxAttempts ?? 15;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<void> = Promise.resolve();
  const count = (code: string) => opts.telemetry?.count('webhooks', code);

  const attempt = async (row: { seq: number; url: string; body: string; attempts: number }) => {
    let error: string;
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'vigia-server',
          ...(opts.secretFor && { [SIGNATURE_HEADER]: signBody(opts.secretFor(row.url), row.body) }),
        },
        body: row.body,
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect could carry the signed body to another host: configure the final URL instead.
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        meta.webhookDone(row.seq);
        return;
      }
      error =
        res.status >= 300 && res.status < 400
          ? `HTTP ${res.status}: redirects are not followed; put the final address in VIGIA_WEBHOOKS`
          : `HTTP ${res.status}`;
    } catch (err) {
      // Some fetch errors quote the URL ("Failed to parse URL from …"): never log or store it.
      error = (err as Error).message.replaceAll(row.url, redactUrl(row.url));
    }
    const attempts = row.attempts + 1;
    const delay = backoffMs(attempts - 1, { baseMs: base, maxMs: cap, jitter: 0.5 });
    const nextAt = attempts >= maxAttempts ? null : now() + delay;
    meta.webhookFailed(row.seq, attempts, nextAt, error);
    count('webhook_failed');
    const url = redactUrl(row.url);
    if (nextAt === null) {
      count('webhook_gave_up');
      log.error({ url, seq: row.seq, error }, 'webhookGaveUp');
    } else log.warn({ url, seq: row.seq, attempts, error }, 'webhookRetry');
  };

  const deliverDue = async () => {
    for (;;) {
      const due = meta.dueWebhooks(now(), 50);
      if (due.length === 0) return;
      await Promise.all(due.map(attempt));
    }
  };

  const schedule = () => {
    if (!running) return;
    clearTimeout(timer);
    const next = meta.nextWebhookAt();
    if (next === undefined) return;
    timer = setTimeout(run, Math.max(0, Math.min(next - now(), 2 ** 31 - 1)));
  };

  function run() {
    inFlight = inFlight.then(deliverDue).catch((err) => {
      count('webhook_outbox_failed');
      log.error({ err }, 'webhookDeliveryFailed');
    });
    inFlight.then(schedule);
  }

  return {
    notify(event, breach) {
      if (opts.urls.length === 0) return;
      const body = JSON.stringify({ id: `${breach.id}:${event}`, event, breach } satisfies WebhookBody);
      for (const url of opts.urls) meta.enqueueWebhook(url, body, now());
      if (running) run();
    },
    start() {
      running = true;
      run();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
    async flush() {
      run();
      await inFlight;
    },
  };
}
