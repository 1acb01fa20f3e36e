/**
 * @module telemetry
 * The server's metrics (one prom-client registry per app, so tests never share counters)
 * and `report`, the one place an error is logged and counted (STYLE.md C8). Errors are counted
 * by the part that met them (`component`: http, compliance, webhooks) and a stable `code`; parts
 * that log their own errors with more context (the compliance engine, the webhook outbox) count
 * them with `count`.
 */
import { InputError, VigiaError } from '@vigia/shared';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';

export type Telemetry = {
  registry: Registry;
  ingestReadings: Counter;
  ingestBatches: Counter;
  errors: Counter<'component' | 'code'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Log `err` once at the right level and count it under its code. */
  report(err: unknown, component: string): void;
  /** Count one error already logged by its component (`vigia_errors_total{component,code}`). */
  count(component: string, code: string): void;
};

/** What a component needs to count its errors; `createTelemetry` gives one. */
export type ErrorCounter = Pick<Telemetry, 'count'>;

export function createTelemetry(log: Logger): Telemetry {
  const registry = new Registry();
  const errors = new Counter({
    name: 'vigia_errors_total',
    help: 'Errors by stable code',
    labelNames: ['component', 'code'],
    registers: [registry],
  });
  return {
    registry,
    ingestReadings: new Counter({
      name: 'vigia_ingest_readings_total',
      help: 'Readings accepted by POST /api/v1/ingest',
      registers: [registry],
    }),
    ingestBatches: new Counter({
      name: 'vigia_ingest_batches_total',
      help: 'Batches accepted by POST /api/v1/ingest',
      registers: [registry],
    }),
    errors,
    httpDuration: new Histogram({
      name: 'vigia_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (to the first byte for streams)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    report(err, component) {
      const code = err instanceof VigiaError ? err.code : 'internal';
      errors.inc({ component, code });
      // A client's mistake is routine (debug); anything else needs a person (error).
      if (err instanceof InputError) log.debug({ component, code, path: err.path }, err.message);
      else if (err instanceof VigiaError) log.warn({ component, code, err }, err.message);
      else log.error({ component, code, err }, 'request failed');
    },
    count(component, code) {
      errors.inc({ component, code });
    },
  };
}
