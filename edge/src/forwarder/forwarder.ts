/**
 * @module forwarder
 * Sends buffered readings to the server (`POST /api/v1/ingest`, gzip JSON, bearer token) and
 * settles each batch by the answer (docs/design.md C7):
 * - 2xx: acknowledged, the batch is deleted from the buffer (only now).
 * - network error, 5xx, and 4xx that are not the batch's fault (401/403 token, 404 wrong URL,
 *   408, 429): released (kept), retried with capped exponential backoff and jitter; state
 *   `retrying`.
 * - other 4xx (400, 409, 413, 415, 422…): the batch can never succeed; it is quarantined and
 *   counted, and the server's message logged. Quarantining on a bad token would empty the
 *   buffer into quarantine, hence the exception; so is 409 `sensor_taken` (a setup mistake,
 *   retried until fixed). When the refusal names one reading (`path: readings[i]…`), only that
 *   reading is quarantined and the rest is sent again; a 409 `reading_conflict` lists every
 *   reading the server already holds with another value (`conflicts`): exactly those are
 *   quarantined and the rest sent again, so a conflict never wedges the queue nor drops a reading
 *   (docs/decisions/2026-12-04-reading-corrections.md). The edge never sends corrections itself.
 * Live first: two lanes run at once, each with its own request, so the live lane never waits
 * behind the backlog. The live lane sends the newest readings (the buffer's live window) as
 * soon as they are committed, at most one request per `liveIntervalMs` (config
 * `forward.live_interval`; a full batch goes at once, and after a quiet spell the first commit
 * goes at once), and retries quickly (≤ 1 s): it is also the probe that notices a link coming
 * back, and then wakes the backlog lane. The backlog lane drains
 * the oldest readings behind it, paced to `backlogRate` readings/s so a link that just came
 * back is not flooded. Each batch carries the device status (backlog, drain rate, ETA, drops).
 * The link's health goes to the buffer (`setLink`): a live success lets new readings wait in
 * memory for the server's answer instead of being written (the buffer's staging; a staged batch
 * is taken before disk rows); any failed request sends what waits in memory to disk at once.
 * While staged readings wait, live requests start every `stagedDelayMs` (250 ms) at most,
 * whatever `liveIntervalMs` says: their PUBACKs, and so their nodes' next packets, wait for the
 * answer, as they waited for the 250 ms group commit before.
 * Sending twice is harmless: the server is idempotent on (sensor, ts).
 * Sensor metadata (name, quantity, unit) rides along with a sensor's readings until a batch
 * carrying it is acknowledged, then again every `META_REFRESH_MS` (and after every start, so a
 * changed config is sent at once): not on every batch.
 * Clock: readings held without a trusted time are never taken (the buffer keeps them). Every
 * answer's `Date` header goes to `onAnswer` with the request's monotonic send and receive times
 * (the clock keeper's time source), and each batch reports `clock_offset_ms`.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  type BackoffOptions,
  backoffMs,
  type DeviceStatus,
  ErrorBody,
  type IngestBatch,
  type ReadingConflict,
  type SensorConfig,
  type SensorMeta,
  TransientError,
  VigiaError,
} from '@vigia/shared';
import { sleep } from '../backoff.ts';
import type { BufferedReading, Lane, ReadingBuffer } from '../buffer/buffer.ts';
import type { Telemetry } from '../telemetry.ts';

const gzipAsync = promisify(gzip);

/** Statuses that say the server will never accept this batch. */
const RETRYABLE_4XX = new Set([401, 403, 404, 408, 425, 429]);
/** The drain rate is measured over this trailing window. */
const RATE_WINDOW_MS = 10_000;
/** A sensor's metadata, once acknowledged, is sent again after this long. */
const META_REFRESH_MS = 10 * 60_000;

export type ForwarderOptions = {
  buffer: ReadingBuffer;
  /** Base URL of the server, e.g. http://localhost:8080 */
  serverUrl: string;
  token: string;
  device: string;
  sensors: readonly SensorConfig[];
  telemetry: Telemetry;
  /** Live lane batch size (default 1000). */
  batchSize?: number;
  /** Backlog lane batch size (default 5000, never more than one second of `backlogRate`). */
  backlogBatchSize?: number;
  /** Backlog lane pace in readings/s (config `forward.backlog_rate`; default 5000). */
  backlogRate?: number;
  /**
   * Least time between the starts of two live requests (config `forward.live_interval`):
   * readings committed meanwhile go together. A full batch does not wait. Default 0: a request
   * after every commit.
   */
  liveIntervalMs?: number;
  /** Backlog lane backoff (default 500 ms → 30 s). */
  backoff?: BackoffOptions;
  /**
   * Least time between the starts of two live requests while staged readings (waiting in memory
   * for the server, not on disk) are waiting, whatever `liveIntervalMs` says (default 250 ms: the
   * buffer's commit window). Their QoS 1 PUBACKs wait for the answer, and a node's next packets
   * wait for its PUBACKs (gated connection), so they come about as soon as after a disk commit.
   */
  stagedDelayMs?: number;
  /** Live lane backoff (default 250 ms → 1 s): a small request, and the probe for the link. */
  liveBackoff?: BackoffOptions;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => number;
  /** Monotonic ms for round-trip timing (default `performance.now`). */
  mono?: () => number;
  /** Every server answer: its `Date` header, request sent and answer received (monotonic ms). */
  onAnswer?: (date: string | null, sentMono: number, recvMono: number) => void;
  /** Trusted time − wall clock (ms) for the batch status; null while not trusted. */
  clockOffsetMs?: () => number | null;
  /** The local safety rules in breach now, sent with every status (edge/src/safety). */
  safetyAlarms?: () => NonNullable<DeviceStatus['safety_alarms']>;
};

export type ForwarderState = {
  state: 'starting' | 'ok' | 'retrying' | 'stopped';
  detail: string;
  last_error: string | null;
  last_sent_at: number | null;
  sent_total: number;
  /** Backlog readings acknowledged per second over the last 10 s. */
  backlog_rate: number;
  /** The configured pace of the backlog lane, readings/s. */
  backlog_rate_limit: number;
  /** Seconds until the backlog is drained at the measured rate; null while it is not draining. */
  eta_s: number | null;
};

type Outcome =
  | { kind: 'ok'; meta: readonly SensorMeta[] }
  | { kind: 'retry'; message: string }
  | { kind: 'reject'; message: string; status: number; indexes?: number[] };

/**
 * Builds the ingest body for a batch: readings without row ids, metadata of the sensors in it
 * for which `needsMeta` says so (default: all of them).
 */
export function buildIngestBatch(
  device: string,
  batch: readonly BufferedReading[],
  meta: ReadonlyMap<string, SensorMeta>,
  status: DeviceStatus,
  needsMeta: (sensor: string) => boolean = () => true,
): IngestBatch {
  const ids = new Set<string>();
  const readings = batch.map(({ sensor, ts, value, q }) => {
    ids.add(sensor);
    return { sensor, ts, value, q };
  });
  const sensors: SensorMeta[] = [];
  for (const id of ids) {
    const m = meta.get(id);
    if (m && needsMeta(id)) sensors.push(m);
  }
  return { device, readings, ...(sensors.length ? { sensors } : {}), status };
}

type ServerError = { message: string; code?: string; path?: string; conflicts?: ReadingConflict[] };

async function serverError(res: Response): Promise<ServerError> {
  const text = await res.text().catch(() => '');
  try {
    const { error } = ErrorBody.parse(JSON.parse(text));
    const message = `${error.code}: ${error.message}${error.path ? ` (at ${error.path})` : ''}`;
    return { message, code: error.code, path: error.path, conflicts: error.conflicts };
  } catch {
    return { message: text.slice(0, 300) || res.statusText };
  }
}

/**
 * The readings a refusal is about: those a `reading_conflict` lists (each checked against the
 * batch: same index, sensor and ts), else the one its path names (`readings[12].ts` → 12).
 */
function refusedIndexes(error: ServerError, batch: readonly BufferedReading[]): number[] | undefined {
  const listed = (error.conflicts ?? [])
    .filter((c) => batch[c.index]?.sensor === c.sensor && batch[c.index]?.ts === c.ts)
    .map((c) => c.index);
  if (listed.length > 0) return [...new Set(listed)];
  const m = /^readings\[(\d+)\]/.exec(error.path ?? '');
  const i = m ? Number(m[1]) : Number.NaN;
  return Number.isInteger(i) && i < batch.length ? [i] : undefined;
}

export function createForwarder(options: ForwarderOptions) {
  const { buffer, telemetry } = options;
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? Date.now;
  const mono = options.mono ?? (() => performance.now());
  const batchSize = options.batchSize ?? 1000;
  const backlogRate = options.backlogRate ?? 5000;
  const liveIntervalMs = options.liveIntervalMs ?? 0;
  const stagedDelayMs = options.stagedDelayMs ?? 250;
  const backlogBatchSize = Math.max(1, Math.min(options.backlogBatchSize ?? 5000, Math.ceil(backlogRate)));
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const liveBackoff = options.liveBackoff ?? { baseMs: 250, maxMs: 1000 };
  const url = new URL('/api/v1/ingest', options.serverUrl).toString();
  const meta = new Map<string, SensorMeta>(
    options.sensors.map((s) => [
      s.id,
      { id: s.id, quantity: s.quantity, unit: s.unit, ...(s.name ? { name: s.name } : {}) } as SensorMeta,
    ]),
  );
  // When each sensor's metadata was last acknowledged by the server (clock ms).
  const metaAckedAt = new Map<string, number>();
  const needsMeta = (id: string) => clock() - (metaAckedAt.get(id) ?? Number.NEGATIVE_INFINITY) >= META_REFRESH_MS;
  const state = {
    state: 'starting' as ForwarderState['state'],
    detail: 'iniciando',
    last_error: null as string | null,
    last_sent_at: null as number | null,
    sent_total: 0,
  };
  // Monotonic start of the last live request that got through (coalescing, see liveIntervalMs).
  let liveSentAt = Number.NEGATIVE_INFINITY;
  // The buffer's count of committed readings when the live lane last took a batch.
  let liveTakenAt = 0;
  // Per lane: the message of its last failed attempt, null once it succeeds again.
  const failing: Record<Lane, string | null> = { live: null, backlog: null };
  // Backlog acknowledgements in the rate window: when the batch left, how many.
  const drained: { at: number; n: number }[] = [];
  const controller = new AbortController();
  let loops: Promise<void> | undefined;
  let kickBacklog: (() => void) | undefined;

  function drainRate(): number {
    const now = clock();
    while (drained.length && drained[0].at < now - RATE_WINDOW_MS) drained.shift();
    if (!drained.length) return 0;
    const n = drained.reduce((a, d) => a + d.n, 0);
    return n / Math.max(1, (now - drained[0].at) / 1000);
  }

  function progress(stats = buffer.stats()): { backlog_rate: number; eta_s: number | null; backlog: number } {
    const rate = drainRate();
    const { backlog } = stats;
    const eta = backlog === 0 ? 0 : rate > 0 ? Math.ceil(backlog / rate) : null;
    return { backlog_rate: Math.round(rate), eta_s: eta, backlog };
  }

  function deviceStatus(): DeviceStatus {
    const stats = buffer.stats();
    const p = progress(stats);
    const offset = options.clockOffsetMs?.() ?? null;
    return {
      backlog: stats.pending,
      dropped: stats.dropped,
      ...(offset !== null ? { clock_offset_ms: offset } : {}),
      ...(stats.last_drop ? { dropped_from: stats.last_drop.from_ts, dropped_to: stats.last_drop.to_ts } : {}),
      backlog_rate: p.backlog_rate,
      ...(p.eta_s !== null ? { eta_s: p.eta_s } : {}),
      ...(options.safetyAlarms ? { safety_alarms: options.safetyAlarms() } : {}),
    };
  }

  /** State and detail after a request; the detail's backlog figures are filled in by `status()`. */
  function refreshState(): void {
    const message = failing.live ?? failing.backlog;
    state.state = message ? 'retrying' : 'ok';
    state.detail = message ?? 'enviando al servidor';
  }

  function detail(p: ReturnType<typeof progress>): string {
    if (state.state !== 'ok' || state.detail !== 'enviando al servidor' || p.backlog === 0) return state.detail;
    return `enviando atraso: ${p.backlog} lecturas${p.eta_s !== null ? `, unos ${p.eta_s} s` : ''}`;
  }

  async function send(batch: readonly BufferedReading[], signal: AbortSignal): Promise<Outcome> {
    const ingest = buildIngestBatch(options.device, batch, meta, deviceStatus(), needsMeta);
    const body = await gzipAsync(JSON.stringify(ingest));
    let res: Response;
    const sentAt = mono();
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
    options.onAnswer?.(res.headers.get('date'), sentAt, mono());
    if (res.ok) {
      await res.body?.cancel();
      return { kind: 'ok', meta: ingest.sensors ?? [] };
    }
    const error = await serverError(res);
    const message = `HTTP ${res.status} ${error.message}`;
    // A sensor id owned by another device is a setup mistake, not a bad batch: keep retrying
    // until the technician fixes it (e.g. vigia-server device rotate-token for a replaced Pi).
    const setupMistake = error.code === 'sensor_taken';
    if (res.status >= 500 || RETRYABLE_4XX.has(res.status) || setupMistake) {
      const hint =
        res.status === 401 || res.status === 403
          ? ' — revise el token en server.token_file'
          : setupMistake
            ? ' — el id del sensor pertenece a otro equipo en el servidor: cambie el id o use vigia-server device rotate-token'
            : '';
      return { kind: 'retry', message: `el servidor respondió ${message}${hint}` };
    }
    return { kind: 'reject', message, status: res.status, indexes: refusedIndexes(error, batch) };
  }

  /**
   * Live lane: waits until `liveIntervalMs` has passed since the last live request started, or
   * a full batch is waiting, or `stagedDelayMs` has passed and staged readings wait, so the readings
   * committed or staged meanwhile go in one request.
   */
  async function coalesce(signal: AbortSignal): Promise<void> {
    for (;;) {
      // Staged readings: at most one request per `stagedDelayMs`, counted from the last request's
      // start, so a lone reading goes at once and a busy node's next one after one round trip.
      const stagedWait = buffer.stagedSince() === null ? Number.POSITIVE_INFINITY : liveSentAt + stagedDelayMs - mono();
      const wait = Math.min(liveSentAt + liveIntervalMs - mono(), stagedWait);
      if (wait <= 0 || signal.aborted || buffer.committedTotal() - liveTakenAt >= batchSize) return;
      const next = new AbortController();
      const both = AbortSignal.any([signal, next.signal]);
      await Promise.race([sleep(wait, both), buffer.waitForCommit(both)]);
      next.abort();
    }
  }

  /** Waits until the lane may have something to send. */
  async function idle(lane: Lane, signal: AbortSignal): Promise<void> {
    if (lane === 'live') return buffer.waitForCommit(signal);
    // Backlog appears when live readings age past the window or the live lane gives a batch
    // back, never by a commit: look again when the next commit ages, and at least every second.
    await sleep(Math.min(buffer.msUntilAging() ?? 1000, 1000) + 1, signal);
  }

  /** The backlog lane's retry pause, cut short when the live lane gets through. */
  async function backlogPause(ms: number, signal: AbortSignal): Promise<boolean> {
    const kick = new AbortController();
    kickBacklog = () => kick.abort();
    await sleep(ms, AbortSignal.any([signal, kick.signal]));
    kickBacklog = undefined;
    return kick.signal.aborted;
  }

  async function run(lane: Lane, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      if (lane === 'live' && liveIntervalMs > 0) await coalesce(signal);
      const liveStart = mono();
      if (lane === 'live') liveTakenAt = buffer.committedTotal();
      const batch = buffer.take(lane === 'live' ? batchSize : backlogBatchSize, lane);
      if (batch.length === 0) {
        await idle(lane, signal);
        continue;
      }
      const startedAt = clock();
      const outcome = await send(batch, signal);
      if (signal.aborted) {
        buffer.release(batch);
        break;
      }
      if (outcome.kind === 'ok') {
        buffer.ack(batch);
        attempt = 0;
        failing[lane] = null;
        state.last_sent_at = clock();
        state.sent_total += batch.length;
        telemetry.metrics.sent.inc(batch.length);
        for (const m of outcome.meta) metaAckedAt.set(m.id, clock());
        if (lane === 'live') {
          liveSentAt = liveStart;
          buffer.setLink(true); // the link is up: new readings may wait in memory for the answer
          kickBacklog?.();
        } else drained.push({ at: startedAt, n: batch.length });
        refreshState();
        if (lane === 'backlog') await sleep(startedAt + (batch.length * 1000) / backlogRate - clock(), signal);
      } else if (outcome.kind === 'reject' && outcome.indexes && outcome.indexes.length < batch.length) {
        // The server names the bad readings (e.g. readings[12].ts far in the future, or readings
        // it already holds with another value): set aside only those and send the rest again,
        // instead of losing the whole batch.
        const bad = new Set(outcome.indexes.map((i) => batch[i]));
        const moved = buffer.quarantine([...bad], outcome.message);
        buffer.release(batch.filter((r) => !bad.has(r)));
        telemetry.metrics.quarantined.inc(moved);
        state.last_error = outcome.message;
        const [one] = bad;
        telemetry.report(
          new VigiaError(
            'reading_rejected',
            bad.size === 1
              ? `server rejected one reading (${one.sensor} at ${one.ts}), quarantined: ${outcome.message}`
              : `server rejected ${bad.size} readings, quarantined: ${outcome.message}`,
          ),
          'forwarder',
          'send',
        );
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
        buffer.release(batch);
        buffer.setLink(false); // what waited in memory for an answer goes to disk now
        failing[lane] = outcome.message;
        state.last_error = outcome.message;
        refreshState();
        telemetry.report(new TransientError('send_failed', outcome.message, { stage: 'send' }), 'forwarder');
        if (lane === 'live') await sleep(backoffMs(attempt++, liveBackoff), signal);
        else if (await backlogPause(backoffMs(attempt++, backoff), signal)) attempt = 0;
      }
    }
  }

  return {
    start(): void {
      if (loops) return;
      state.state = 'ok';
      state.detail = 'esperando lecturas';
      const signal = controller.signal;
      loops = Promise.all([run('live', signal), run('backlog', signal)]).then(
        () => undefined,
        (err) => {
          // Only a buffer failure gets here (closed or broken file): the forwarder cannot go on.
          controller.abort();
          state.state = 'stopped';
          state.detail = `detenido por un error interno: ${(err as Error).message}`;
          telemetry.report(err, 'forwarder', 'send');
        },
      );
    },
    /** Stops after the in-flight requests are aborted; an unacknowledged batch simply stays buffered. */
    async stop(): Promise<void> {
      controller.abort();
      await loops;
      state.state = 'stopped';
      state.detail = 'detenido';
    },
    status: (): ForwarderState => {
      const p = progress();
      return {
        ...state,
        detail: detail(p),
        backlog_rate: p.backlog_rate,
        backlog_rate_limit: backlogRate,
        eta_s: p.eta_s,
      };
    },
  };
}
export type Forwarder = ReturnType<typeof createForwarder>;
