/**
 * @module compliance/outbox-delivery
 * The one delivery loop of the persisted outbox (meta.db `webhook_outbox`), shared by the
 * webhooks (webhooks.ts) and the e-mails (notifications/email.ts); each passes its own queue
 * (the rows of its channel) and `send`.
 * Invariants:
 * - a row leaves the outbox only when `send` resolved; a restart resumes from the table;
 * - a failed attempt is retried after the shared `backoffMs` (base × 2^n, at most `maxDelayMs`,
 *   then a random 50–100 % of that), up to `maxAttempts`; after that the row stays with
 *   `next_at` NULL and `last_error`, and the give-up is logged once;
 * - every failed attempt is logged and counted in `vigia_errors_total{component}` as
 *   `<prefix>_failed`, `<prefix>_gave_up` when the attempts are spent, `<prefix>_outbox_failed`
 *   when the outbox itself could not be read or written.
 */
import { backoffMs } from '@vigia/shared';
import type { Logger } from 'pino';
import type { OutboxRow, OutboxRows } from '../meta/outbox.ts';
import type { ErrorCounter } from '../telemetry.ts';

/** One channel's rows of the outbox (meta/outbox.ts). */
export type OutboxQueue = OutboxRows;

export type RetryOptions = {
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** Wall clock for scheduling retries (not the app's event-time clock). */
  now?: () => number;
  /** Where failures are counted (the app's metrics). */
  telemetry?: ErrorCounter;
};

export type DeliveryOptions = RetryOptions & {
  /** `vigia_errors_total` component, e.g. `webhooks`. */
  component: string;
  /** Start of the error codes and log messages, e.g. `webhook` → `webhook_failed`, `webhookRetry`. */
  prefix: string;
  /** Deliver one row; resolves when delivered, rejects with an Error whose message is safe to log and store. */
  send(row: OutboxRow): Promise<void>;
  /** What the log says of a row (never a secret). */
  describe(row: OutboxRow): Record<string, unknown>;
};

export type OutboxDelivery = {
  /** Deliver what is due now (after a row was queued), when started. */
  kick(): void;
  /** Begin delivering (pending rows from before a restart included). */
  start(): void;
  /** Stop the timer; attempts in flight finish. */
  stop(): Promise<void>;
  /** Deliver whatever is due now; resolves when those attempts are done (tests, shutdown). */
  flush(): Promise<void>;
};

export function createOutboxDelivery(queue: OutboxQueue, log: Logger, opts: DeliveryOptions): OutboxDelivery {
  const base = opts.baseDelayMs ?? 1000;
  const cap = opts.maxDelayMs ?? 3_600_000;
  const maxAttempts = opts.maxAttempts ?? 15;
  const now = opts.now ?? Date.now;
  const { prefix } = opts;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<void> = Promise.resolve();
  const count = (code: string) => opts.telemetry?.count(opts.component, `${prefix}_${code}`);

  const attempt = async (row: OutboxRow) => {
    let error: string;
    try {
      await opts.send(row);
      queue.done(row.seq);
      return;
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = row.attempts + 1;
    const delay = backoffMs(attempts - 1, { baseMs: base, maxMs: cap, jitter: 0.5 });
    const nextAt = attempts >= maxAttempts ? null : now() + delay;
    queue.failed(row.seq, attempts, nextAt, error);
    count('failed');
    const about = { ...opts.describe(row), seq: row.seq, error };
    if (nextAt === null) {
      count('gave_up');
      log.error(about, `${prefix}GaveUp`);
    } else log.warn({ ...about, attempts }, `${prefix}Retry`);
  };

  const deliverDue = async () => {
    for (;;) {
      const due = queue.due(now(), 50);
      if (due.length === 0) return;
      await Promise.all(due.map(attempt));
    }
  };

  const schedule = () => {
    if (!running) return;
    clearTimeout(timer);
    const next = queue.nextAt();
    if (next === undefined) return;
    timer = setTimeout(run, Math.max(0, Math.min(next - now(), 2 ** 31 - 1)));
  };

  function run() {
    inFlight = inFlight.then(deliverDue).catch((err) => {
      count('outbox_failed');
      log.error({ err }, `${prefix}DeliveryFailed`);
    });
    inFlight.then(schedule);
  }

  return {
    kick() {
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
