/**
 * @module telemetry
 * The agent's one place for logs, counters and error reporting (docs/design.md C5, C8).
 * `report(err, component)` logs once (repeats of the same component+code are rate-limited)
 * and increments `vigia_errors_total{code,stage}`. Nothing else in the agent logs an error.
 * One instance per agent: no module-level state, so two agents can run in one process.
 */
import { TransientError, VigiaError } from '@vigia/shared';
import { type Logger, pino } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';

export type Stage = 'receive' | 'process' | 'send';

export type TelemetryOptions = {
  logger?: Logger;
  /** Repeats of the same component+code within this window are counted but not logged. */
  repeatWindowMs?: number;
  clock?: () => number;
};

export type Telemetry = ReturnType<typeof createTelemetry>;

/** The code of any thrown value: our classes carry one; anything else is `internal`. */
export function errorCode(err: unknown): string {
  if (err instanceof VigiaError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]+$/.test(code) ? code.toLowerCase() : 'internal';
}

export function createTelemetry(options: TelemetryOptions = {}) {
  const log = options.logger ?? pino({ base: { app: 'vigia-edge' } });
  const clock = options.clock ?? Date.now;
  const repeatWindowMs = options.repeatWindowMs ?? 60_000;
  const registry = new Registry();
  const metrics = {
    received: new Counter({
      name: 'vigia_received_total',
      help: 'readings received from sensors',
      registers: [registry],
    }),
    sent: new Counter({ name: 'vigia_sent_total', help: 'readings acknowledged by the server', registers: [registry] }),
    errors: new Counter({
      name: 'vigia_errors_total',
      help: 'errors by code and pipeline stage',
      labelNames: ['code', 'stage'] as const,
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'vigia_dropped_total',
      help: 'readings dropped by the buffer cap',
      registers: [registry],
    }),
    quarantined: new Counter({
      name: 'vigia_quarantined_total',
      help: 'readings the server rejected, moved to quarantine',
      registers: [registry],
    }),
  };
  const lastLogged = new Map<string, { at: number; suppressed: number }>();

  /**
   * Log once and count. `stage` defaults to the error's own stage, else `process`.
   * Returns the code, so callers can put it into a status detail.
   */
  function report(err: unknown, component: string, stage?: Stage): string {
    const code = errorCode(err);
    const theStage = stage ?? (err instanceof TransientError ? err.stage : undefined) ?? 'process';
    metrics.errors.inc({ code, stage: theStage });
    const key = `${component}\u0000${code}`;
    const now = clock();
    const seen = lastLogged.get(key);
    if (seen && now - seen.at < repeatWindowMs) {
      seen.suppressed++;
      return code;
    }
    lastLogged.set(key, { at: now, suppressed: 0 });
    const level = err instanceof TransientError || err instanceof VigiaError ? 'warn' : 'error';
    const message = err instanceof Error ? err.message : String(err);
    log[level](
      {
        component,
        code,
        stage: theStage,
        suppressed_repeats: seen?.suppressed ?? 0,
        err: level === 'error' ? err : undefined,
      },
      `errorReported: ${message}`,
    );
    return code;
  }

  /** A gauge whose value is read when /metrics is scraped. */
  function gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }

  return { log, registry, metrics, report, gauge };
}
