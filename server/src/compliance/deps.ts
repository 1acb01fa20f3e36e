/**
 * @module compliance/deps
 * The types the engine's parts share (engine.ts, breaches.ts, runs.ts, replay.ts): what the
 * engine is built from, the error codes it counts, and why a breach changed. Kept apart so those
 * modules import types from here and never from each other in a circle.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { LiveHub } from '../live/hub.ts';
import type { Meta } from '../meta/meta.ts';
import type { Store } from '../storage/store.ts';
import type { ErrorCounter } from '../telemetry.ts';
import type { BreachView } from './views.ts';
import type { Webhooks } from './webhooks.ts';

/**
 * Why breaches change: `evaluated` (in-order readings), `day_ended` (a period judged by the
 * clock), `no_data` (the timer), or a replay's cause: `late_data`, `correction`,
 * `permit_changed`, `zone_changed`, `restart`. `detail` says which data (sensor, from, to, count).
 */
export type Why = { reason: string; detail?: Record<string, unknown> };

export type ComplianceDeps = {
  store: Store;
  meta: Meta;
  live: LiveHub;
  clock: Clock;
  log: Logger;
  webhooks?: Webhooks;
  /** E-mails to the users who asked for them (notifications/email.ts); told of every breach opened. */
  notifications?: { breachOpened(breach: BreachView): void };
  /** How long past a silent sensor's hold the timer waits before closing its breach as no data. */
  noDataGraceMs?: number;
  /** Timer period for no-data checks (start()). */
  tickMs?: number;
  /** A site's IANA time zone, for calendar (daily) rules; default `DEFAULT_TIME_ZONE` (America/Bogota). */
  timeZoneOf?: (site: string) => string;
  /** Where errors are counted (`vigia_errors_total{component="compliance",code}`), besides the log. */
  telemetry?: ErrorCounter;
};

/** `vigia_errors_total{component="compliance"}` codes. */
export type ComplianceErrorCode =
  | 'replay_failed'
  | 'evaluation_failed'
  | 'no_data_check_failed'
  | 'period_judging_failed'
  | 'checkpoint_unusable';
