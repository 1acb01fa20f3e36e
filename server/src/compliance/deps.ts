/**
 * @module compliance/deps
 * What the compliance engine's modules share and nothing else: the engine's dependencies and the
 * reason a change to a judged breach is recorded with. Kept apart so runs, breaches and replay
 * can name them without importing the engine that wires them (no import cycles).
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { LiveHub } from '../live/hub.ts';
import type { Meta } from '../meta/meta.ts';
import type { Store } from '../storage/store.ts';
import type { ErrorCounter } from '../telemetry.ts';
import type { Webhooks } from './webhooks.ts';

export type ComplianceDeps = {
  store: Store;
  meta: Meta;
  live: LiveHub;
  clock: Clock;
  log: Logger;
  webhooks?: Webhooks;
  /** How long past a silent sensor's hold the timer waits before closing its breach as no data. */
  noDataGraceMs?: number;
  /** Timer period for no-data checks (start()). */
  tickMs?: number;
  /** A site's IANA time zone, for calendar (daily) rules; default `DEFAULT_TIME_ZONE` (America/Bogota). */
  timeZoneOf?: (site: string) => string;
  /** Where errors are counted (`vigia_errors_total{component="compliance",code}`), besides the log. */
  telemetry?: ErrorCounter;
};

/** Why stored breaches changed (breach history, withdrawals): `late_data`, `correction`, … */
export type Why = { reason: string; detail?: Record<string, unknown> };
