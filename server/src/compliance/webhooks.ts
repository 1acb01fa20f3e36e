/**
 * @module compliance/webhooks
 * Breach opened/closed notifications as JSON POSTs to the URLs of VIGIA_WEBHOOKS, delivered
 * through the persisted outbox (outbox-delivery.ts: retries with the shared backoff, nothing lost
 * on restart, failures logged and counted under `vigia_errors_total{component="webhooks"}` as
 * `webhook_failed`, `webhook_gave_up`, `webhook_outbox_failed`).
 * Invariants:
 * - a notification is written to the outbox (meta.db) before any attempt; it leaves the outbox
 *   only when the receiver answered 2xx;
 * - delivery is at least once: receivers deduplicate on `id` (`<breach>:<event>`);
 * - each request is signed (`X-Vigia-Signature`, webhook-signing.ts) when `secretFor` is given;
 *   a redirect is never followed (it counts as a failed attempt); logs show a URL's host only.
 */
import type { Logger } from 'pino';
import type { Meta } from '../meta/meta.ts';
import { createOutboxDelivery, type OutboxDelivery, type RetryOptions } from './outbox-delivery.ts';
import type { BreachView } from './views.ts';
import { redactUrl, SIGNATURE_HEADER, signBody } from './webhook-signing.ts';

export type WebhookEvent = 'breach_opened' | 'breach_closed';
export type WebhookBody = { id: string; event: WebhookEvent; breach: BreachView };

export type WebhookOptions = RetryOptions & {
  urls: readonly string[];
  timeoutMs?: number;
  /** The signing secret of a URL (webhook-signing.ts); unsigned without it (tests only). */
  secretFor?: (url: string) => string;
};

export type Webhooks = Omit<OutboxDelivery, 'kick'> & {
  notify(event: WebhookEvent, breach: BreachView): void;
};

export function createWebhooks(meta: Meta, log: Logger, opts: WebhookOptions): Webhooks {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = opts.now ?? Date.now;

  async function send(row: { url: string; body: string }) {
    let res: Response;
    try {
      res = await fetch(row.url, {
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
    } catch (err) {
      // Some fetch errors quote the URL ("Failed to parse URL from …"): never log or store it.
      throw new Error((err as Error).message.replaceAll(row.url, redactUrl(row.url)));
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    throw new Error(
      res.status >= 300 && res.status < 400
        ? `HTTP ${res.status}: redirects are not followed; put the final address in VIGIA_WEBHOOKS`
        : `HTTP ${res.status}`,
    );
  }

  const delivery = createOutboxDelivery(
    { due: meta.dueWebhooks, done: meta.webhookDone, failed: meta.webhookFailed, nextAt: meta.nextWebhookAt },
    log,
    { ...opts, component: 'webhooks', prefix: 'webhook', send, describe: (row) => ({ url: redactUrl(row.url) }) },
  );

  return {
    notify(event, breach) {
      if (opts.urls.length === 0) return;
      const body = JSON.stringify({ id: `${breach.id}:${event}`, event, breach } satisfies WebhookBody);
      for (const url of opts.urls) meta.enqueueWebhook(url, body, now());
      delivery.kick();
    },
    start: delivery.start,
    stop: delivery.stop,
    flush: delivery.flush,
  };
}
