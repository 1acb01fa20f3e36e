/** @module deps — what `createApp` is built from; everything with I/O is passed in (docs/design.md C10). */
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { ComplianceEngine } from './compliance/engine.ts';
import type { LiveHub } from './live/hub.ts';
import type { Meta } from './meta/meta.ts';
import type { Store } from './storage/store.ts';
import type { Telemetry } from './telemetry.ts';

export type AppDeps = {
  store: Store;
  meta: Meta;
  live: LiveHub;
  clock: Clock;
  log: Logger;
  /** Folder of the built dashboard (index.html and assets); may not exist yet. */
  dashboardDir: string;
  /** The compliance engine; createApp makes one (without timers) when absent. main.ts passes a started one. */
  compliance?: ComplianceEngine;
  /** Metrics; createApp makes them when absent. main.ts passes the ones the engine and webhooks count into. */
  telemetry?: Telemetry;
  /** SSE heartbeat period; 15 s unless a test needs it shorter. */
  heartbeatMs?: number;
  /** Open live streams allowed per user and in total; DEFAULT_LIVE_LIMITS (routes/live.ts) unless a test sets them. */
  liveLimits?: { perUser: number; total: number };
  /** Peer addresses whose X-Forwarded-Proto/-For are believed (VIGIA_TRUST_PROXY); none by default. */
  trustProxy?: readonly string[];
  /** Whether e-mail notifications are configured (VIGIA_SMTP_URL); the settings page says so when not. */
  emailEnabled?: boolean;
  /** VIGIA_METRICS_TOKEN: a bearer token that opens /metrics to non-loopback clients. */
  metricsToken?: string;
};
