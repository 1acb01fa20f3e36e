/**
 * @module forwarder
 * Sends buffered readings to the server (`POST /api/v1/ingest`, gzip JSON, bearer token) and
 * settles each batch by the answer (STYLE.md C7):
 * - 2xx: acknowledged, the batch is deleted from the buffer (only now).
 * - network error, 5xx, and 4xx that are not the batch's fault (401/403 token, 404 wrong URL,
 *   408, 429): kept, retried with capped exponential backoff and jitter; state `retrying`.
 * - other 4xx (400, 409, 413, 415, 422…): the batch can never succeed; it is quarantined and
 *   counted, and the server's message logged. Quarantining on a bad token would empty the
 *   buffer into quarantine, hence the exception.
 * Sending twice is harmless: the server is idempotent on (sensor, ts). Between batches the loop
 * waits on the buffer's commit signal, not on a timer, so live readings leave within ~1 s.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  ErrorBody,
  type IngestBatch,
  type SensorConfig,
  type SensorMeta,
  TransientError,
  VigiaError,
} from '@vigia/shared';
import { type BackoffOptions, backoffDelayMs, sleep } from '../backoff.ts';
import type { BufferedReading, ReadingBuffer } from '../buffer/buffer.ts';
import type { Telemetry } from '../telemetry.ts';

const gzipAsync = promisify(gzip);

/** Statuses that say the server will never accept this batch. */
const RETRYABLE_4XX = new Set([401, 403, 404, 408, 425, 429]);

export type ForwarderOptions = {
  buffer: ReadingBuffer;
  /** Base URL of the server, e.g. http://localhost:8080 */
  serverUrl: string;
  token: string;
  device: string;
  sensors: readonly SensorConfig[];
  telemetry: Telemetry;
  batchSize?: number;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => number;
};

export type ForwarderState = {
  state: 'starting' | 'ok' | 'retrying' | 'stopped';
  detail: string;
  last_error: string | null;
  last_sent_at: number | null;
  sent_total: number;
};

type Outcome =
  | { kind: 'ok' }
  | { kind: 'retry'; message: string }
  | { kind: 'reject'; message: string; status: number };

/** Builds the ingest body for a batch: readings without row ids, metadata of the sensors in it. */
export function buildIngestBatch(
  device: string,
  batch: readonly BufferedReading[],
  meta: ReadonlyMap<string, SensorMeta>,
  status: { backlog: number; dropped: number },
): IngestBatch {
  const ids = new Set(batch.map((r) => r.sensor));
  return {
    device,
    readings: batch.map(({ sensor, ts, value, q }) => ({ sensor, ts, value, q })),
    sensors: [...ids].flatMap((id) => meta.get(id) ?? []),
    status,
  };
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = ErrorBody.parse(JSON.parse(text));
    return `${body.error.code}: ${body.error.message}${body.error.path ? ` (at ${body.error.path})` : ''}`;
  } catch {
    return text.slice(0, 300) || res.statusText;
  }
}

export function createForwarder(options: ForwarderOptions) {
  const { buffer, telemetry } = options;
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? Date.now;
  const batchSize = options.batchSize ?? 1000;
  const backoff = options.backoff ?? { minMs: 500, maxMs: 30_000 };
  const url = new URL('/api/v1/ingest', options.serverUrl).toString();
  const meta = new Map<string, SensorMeta>(
    options.sensors.map((s) => [
      s.id,
      { id: s.id, quantity: s.quantity, unit: s.unit, ...(s.name ? { name: s.name } : {}) } as SensorMeta,
    ]),
  );
  const state: ForwarderState = {
    state: 'starting',
    detail: 'iniciando',
    last_error: null,
    last_sent_at: null,
    sent_total: 0,
  };
  const controller = new AbortController();
  let loop: Promise<void> | undefined;

  async function send(batch: readonly BufferedReading[], signal: AbortSignal): Promise<Outcome> {
    const stats = buffer.stats();
    const body = await gzipAsync(
      JSON.stringify(buildIngestBatch(options.device, batch, meta, { backlog: stats.pending, dropped: stats.dropped })),
    );
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs ?? 30_000)]),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return {
        kind: 'retry',
        message: `no se pudo contactar el servidor ${options.serverUrl} (${cause ?? (err as Error).message})`,
      };
    }
    if (res.ok) {
      await res.body?.cancel();
      return { kind: 'ok' };
    }
    const message = `HTTP ${res.status} ${await errorMessage(res)}`;
    if (res.status >= 500 || RETRYABLE_4XX.has(res.status)) {
      const hint = res.status === 401 || res.status === 403 ? ' — revise el token en server.token_file' : '';
      return { kind: 'retry', message: `el servidor respondió ${message}${hint}` };
    }
    return { kind: 'reject', message, status: res.status };
  }

  async function run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const batch = buffer.take(batchSize);
      if (batch.length === 0) {
        await buffer.waitForReadings(signal);
        continue;
      }
      const outcome = await send(batch, signal);
      if (signal.aborted) break;
      if (outcome.kind === 'ok') {
        buffer.ack(batch);
        attempt = 0;
        state.state = 'ok';
        state.detail = 'enviando al servidor';
        state.last_sent_at = clock();
        state.sent_total += batch.length;
        telemetry.metrics.sent.inc(batch.length);
      } else if (outcome.kind === 'reject') {
        const moved = buffer.quarantine(batch, outcome.message);
        telemetry.metrics.quarantined.inc(moved);
        state.last_error = outcome.message;
        telemetry.report(
          new VigiaError(
            'batch_rejected',
            `server rejected a batch of ${batch.length} readings, quarantined: ${outcome.message}`,
          ),
          'forwarder',
          'send',
        );
      } else {
        state.state = 'retrying';
        state.detail = outcome.message;
        state.last_error = outcome.message;
        telemetry.report(new TransientError('send_failed', outcome.message, { stage: 'send' }), 'forwarder');
        await sleep(backoffDelayMs(attempt++, backoff), signal);
      }
    }
  }

  return {
    start(): void {
      if (loop) return;
      state.state = 'ok';
      state.detail = 'esperando lecturas';
      loop = run(controller.signal).catch((err) => {
        // Only a buffer failure gets here (closed or broken file): the forwarder cannot go on.
        state.state = 'stopped';
        state.detail = `detenido por un error interno: ${(err as Error).message}`;
        telemetry.report(err, 'forwarder', 'send');
      });
    },
    /** Stops after the in-flight request is aborted; an unacknowledged batch simply stays buffered. */
    async stop(): Promise<void> {
      controller.abort();
      await loop;
      state.state = 'stopped';
      state.detail = 'detenido';
    },
    status: (): ForwarderState => ({ ...state }),
  };
}
export type Forwarder = ReturnType<typeof createForwarder>;
