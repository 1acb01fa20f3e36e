import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IngestBatch, type Reading, type SensorConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/services/util.ts';
import { createBuffer, type ReadingBuffer } from '../buffer/buffer.ts';
import { createTelemetry } from '../telemetry.ts';
import { createForwarder } from './forwarder.ts';

const T0 = 1_800_000_000_000;
const readings = (n: number, from = 0): Reading[] =>
  Array.from({ length: n }, (_, i) => ({
    sensor: i % 2 ? 'plant.ph' : 'tunnel.ch4',
    ts: T0 + from + i,
    value: i,
    q: 'good',
  }));
const sensors = [
  { id: 'plant.ph', name: 'pH de salida', quantity: 'ph', unit: 'pH' },
  { id: 'tunnel.ch4', quantity: 'methane', unit: '%vol' },
  { id: 'not.in.batch', quantity: 'ph', unit: 'pH' },
] as SensorConfig[];

type Seen = { headers: IncomingMessage['headers']; body: unknown };
type Reply = (seen: Seen) => { status: number; body: unknown };

/** A real HTTP server standing in for the server's ingest route. */
async function standIn(reply: Reply): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      const s = { headers: req.headers, body: JSON.parse(text) };
      seen.push(s);
      const r = req.url === '/api/v1/ingest' ? reply(s) : { status: 404, body: {} };
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let dir: string;
let buffer: ReadingBuffer;
let server: Server | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-fwd-'));
  buffer = createBuffer({ path: join(dir, 'b.db'), maxBytes: 1e9, commitIntervalMs: 5 });
  buffer.open();
});
afterEach(async () => {
  buffer.close();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces `buffer` with one that finds `n` readings in its file at start, as after an outage and a restart. */
async function reopenWithBacklog(n: number): Promise<void> {
  buffer.close();
  const path = join(dir, 'backlog.db');
  const old = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 0 });
  old.open();
  await old.append(readings(n));
  old.close();
  buffer = createBuffer({ path, maxBytes: 1e9, commitIntervalMs: 5 });
  buffer.open();
}

function forwarderTo(url: string, batchSize = 1000) {
  const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  const fwd = createForwarder({
    buffer,
    serverUrl: url,
    token: 'tok-123',
    device: 'plant-01',
    sensors,
    telemetry,
    batchSize,
    backoff: { baseMs: 20, maxMs: 50 },
  });
  return { fwd, telemetry };
}

describe('forwarder (stand-in ingest endpoint)', () => {
  it('2xx: posts a gzip IngestBatch with the bearer token, then deletes the batch', async () => {
    const s = await standIn(() => ({ status: 200, body: { accepted: 3 } }));
    server = s.server;
    await buffer.append(readings(3));
    const { fwd, telemetry } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().pending === 0);
    expect(fwd.status()).toMatchObject({ state: 'ok', sent_total: 3 });
    await fwd.stop();
    expect(fwd.status().state).toBe('stopped');
    expect(s.seen).toHaveLength(1);
    const { headers, body } = s.seen[0];
    expect(headers.authorization).toBe('Bearer tok-123');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['content-encoding']).toBe('gzip');
    const batch = IngestBatch.parse(body);
    expect(batch.device).toBe('plant-01');
    expect(batch.readings).toEqual(readings(3));
    expect(batch.sensors?.map((m) => m.id).sort()).toEqual(['plant.ph', 'tunnel.ch4']);
    expect(batch.sensors?.find((m) => m.id === 'plant.ph')).toEqual(sensors[0]);
    expect(batch.status).toEqual({ backlog: 3, dropped: 0, backlog_rate: 0, eta_s: 0 });
    expect(await telemetry.registry.getSingleMetricAsString('vigia_sent_total')).toMatch(/vigia_sent_total 3/);
  });

  it("sends the local safety alarms in breach with the status, marked by the safety rules' ids", async () => {
    const s = await standIn(() => ({ status: 200, body: { accepted: 1 } }));
    server = s.server;
    await buffer.append(readings(1));
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const alarm = { rule: 'ch4-max', sensor: 'tunnel.ch4', since: 1_764_000_000_000 };
    const fwd = createForwarder({
      buffer,
      serverUrl: s.url,
      token: 'tok-123',
      device: 'plant-01',
      sensors,
      telemetry,
      backoff: { baseMs: 20, maxMs: 50 },
      safetyAlarms: () => [alarm],
    });
    fwd.start();
    await until(() => buffer.stats().pending === 0);
    await fwd.stop();
    expect(IngestBatch.parse(s.seen[0].body).status?.safety_alarms).toEqual([alarm]);
  });

  it('sends in batches of at most batchSize, oldest first, and wakes promptly for new readings', async () => {
    const s = await standIn((seen) => ({
      status: 200,
      body: { accepted: (seen.body as IngestBatch).readings.length },
    }));
    server = s.server;
    await buffer.append(readings(25));
    const { fwd } = forwarderTo(s.url, 10);
    fwd.start();
    await until(() => buffer.stats().pending === 0);
    expect(s.seen.map((x) => (x.body as IngestBatch).readings.length)).toEqual([10, 10, 5]);
    const t = Date.now();
    await buffer.append(readings(1, 100));
    await until(() => s.seen.length === 4, 1000);
    expect(Date.now() - t).toBeLessThan(500);
    await fwd.stop();
  });

  it('5xx: keeps the batch and retries with backoff until the server accepts it', async () => {
    let calls = 0;
    const s = await standIn(() =>
      ++calls <= 2
        ? { status: 503, body: { error: { code: 'busy', message: 'try later' } } }
        : { status: 200, body: {} },
    );
    server = s.server;
    await buffer.append(readings(4));
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => calls >= 2);
    expect(buffer.stats().pending).toBe(4);
    expect(fwd.status().last_error).toMatch(/503 busy: try later/);
    await until(() => buffer.stats().pending === 0);
    expect(s.seen.map((x) => (x.body as IngestBatch).readings)).toEqual([readings(4), readings(4), readings(4)]);
    expect(fwd.status().state).toBe('ok');
    await fwd.stop();
  });

  it('network down: keeps the data and reports retrying', async () => {
    const s = await standIn(() => ({ status: 200, body: {} }));
    const url = s.url;
    await new Promise((r) => s.server.close(r)); // nothing listens there now
    await buffer.append(readings(2));
    const { fwd, telemetry } = forwarderTo(url);
    fwd.start();
    await until(() => fwd.status().state === 'retrying');
    expect(fwd.status().detail).toMatch(/no se pudo contactar el servidor/);
    expect(buffer.stats().pending).toBe(2);
    expect(await telemetry.registry.getSingleMetricAsString('vigia_errors_total')).toMatch(
      /code="send_failed",stage="send"/,
    );
    await fwd.stop();
  });

  it('4xx about the whole batch: quarantines it, counts it, records the server message, and goes on', async () => {
    let calls = 0;
    const s = await standIn(() =>
      ++calls === 1
        ? { status: 413, body: { error: { code: 'body_too_large', message: 'the batch is over 5 MB' } } }
        : { status: 200, body: {} },
    );
    server = s.server;
    await buffer.append(readings(3));
    const { fwd, telemetry } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().quarantined === 3);
    expect(buffer.stats().pending).toBe(0);
    expect(fwd.status().last_error).toBe('HTTP 413 body_too_large: the batch is over 5 MB');
    expect(await telemetry.registry.getSingleMetricAsString('vigia_quarantined_total')).toMatch(/ 3$/m);
    await buffer.append(readings(1, 50));
    await until(() => buffer.stats().pending === 0 && calls === 2);
    expect(buffer.stats().quarantined).toBe(3);
    await fwd.stop();
  });

  it('a refusal naming one reading quarantines only that reading; the rest is sent again', async () => {
    let calls = 0;
    const s = await standIn(() =>
      ++calls === 1
        ? {
            status: 422,
            body: { error: { code: 'ts_in_future', message: 'ts is more than a day ahead', path: 'readings[1].ts' } },
          }
        : { status: 200, body: {} },
    );
    server = s.server;
    await buffer.append(readings(3));
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().pending === 0 && calls >= 2);
    await fwd.stop();
    expect(buffer.stats().quarantined).toBe(1);
    const values = (seen: Seen) => (seen.body as { readings: { value: number }[] }).readings.map((r) => r.value);
    const first = values(s.seen[0]);
    const second = values(s.seen[1]);
    expect(second).toEqual([first[0], first[2]]);
  });

  it('409 reading_conflict: exactly the listed readings are quarantined, the rest sent again, the queue goes on', async () => {
    let calls = 0;
    const s = await standIn((seen) => {
      const sent = (seen.body as { readings: Reading[] }).readings;
      if (++calls > 1) return { status: 200, body: { accepted: sent.length } };
      // The server already holds readings 1 and 3 with other values (as after a clock stepped back).
      const conflicts = [1, 3].map((index) => ({
        index,
        sensor: sent[index].sensor,
        ts: sent[index].ts,
        stored: { value: -1, q: 'good' },
        sent: { value: sent[index].value, q: 'good' },
      }));
      // A listed conflict that does not match the batch is ignored, never quarantines another reading.
      conflicts.push({
        index: 0,
        sensor: 'other',
        ts: 1,
        stored: { value: 0, q: 'good' },
        sent: { value: 0, q: 'good' },
      });
      return {
        status: 409,
        body: {
          error: { code: 'reading_conflict', message: 'readings[1] … and 1 more', path: 'readings[1]', conflicts },
        },
      };
    });
    server = s.server;
    await buffer.append(readings(5));
    const { fwd, telemetry } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().pending === 0 && calls >= 2);
    await buffer.append(readings(2, 100));
    await until(() => buffer.stats().pending === 0 && calls >= 3);
    await fwd.stop();
    expect(buffer.stats().quarantined).toBe(2);
    expect(await telemetry.registry.getSingleMetricAsString('vigia_quarantined_total')).toMatch(/ 2$/m);
    expect(fwd.status().last_error).toMatch(/409 reading_conflict/);
    const values = (seen: Seen) => (seen.body as { readings: { value: number }[] }).readings.map((r) => r.value);
    const first = values(s.seen[0]);
    expect(values(s.seen[1])).toEqual([first[0], first[2], first[4]]);
  });

  it('409 sensor_taken is a setup mistake, not a bad batch: kept and retried, with what to do', async () => {
    const s = await standIn(() => ({
      status: 409,
      body: {
        error: {
          code: 'sensor_taken',
          message: 'sensor plant.ph belongs to device plant-02',
          path: 'readings[0].sensor',
        },
      },
    }));
    server = s.server;
    await buffer.append(readings(2));
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => s.seen.length >= 2);
    await fwd.stop();
    expect(buffer.stats()).toMatchObject({ pending: 2, quarantined: 0 });
    expect(fwd.status().last_error).toMatch(/rotate-token/);
  });

  it('401: a rejected token is not the batch’s fault — keeps it and retries', async () => {
    const s = await standIn(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'bad token' } } }));
    server = s.server;
    await buffer.append(readings(2));
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => s.seen.length >= 2);
    await fwd.stop();
    expect(buffer.stats()).toMatchObject({ pending: 2, quarantined: 0 });
    expect(fwd.status().last_error).toMatch(/revise el token/);
  });

  it('live first: new readings go out at once while a slow backlog drains behind them at backlogRate', async () => {
    // A backlog: readings found in the file at start (as after an outage and a restart).
    await reopenWithBacklog(3000);
    expect(buffer.stats()).toMatchObject({ pending: 3000, live: 0, backlog: 3000 });
    // Backlog batches take 300 ms to answer (a slow link); live ones are answered at once.
    const s = await standIn(() => ({ status: 200, body: {} }));
    server = s.server;
    const slow = (input: string | URL | Request, init?: RequestInit) =>
      new Promise<void>((resolve) => setTimeout(resolve, 300)).then(() => fetch(input, init));
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const batches: number[] = [];
    const fwd = createForwarder({
      buffer,
      serverUrl: s.url,
      token: 't',
      device: 'plant-01',
      sensors,
      telemetry,
      backlogRate: 1000,
      fetch: async (input, init) => {
        const text = gunzipSync(init?.body as Buffer).toString();
        const n = (JSON.parse(text) as IngestBatch).readings.length;
        batches.push(n);
        return n > 1 ? slow(input, init) : fetch(input, init);
      },
    });
    const t0 = Date.now();
    fwd.start();
    await until(() => batches.length >= 1);
    // The backlog lane takes at most one second of its rate per batch.
    expect(batches[0]).toBe(1000);
    const live = Date.now();
    await buffer.append(readings(1, 10_000));
    await until(() => s.seen.some((x) => (x.body as IngestBatch).readings.some((r) => r.ts === T0 + 10_000)), 2000);
    expect(Date.now() - live).toBeLessThan(600);
    expect(buffer.stats().backlog).toBeGreaterThan(0); // still draining behind it
    await until(() => buffer.stats().pending === 0, 10_000);
    // 3000 readings at 1000/s: paced, not sent in one burst.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    const last = s.seen.at(-1)?.body as IngestBatch;
    expect(last.status?.backlog_rate).toBeGreaterThan(300);
    expect(fwd.status()).toMatchObject({ state: 'ok', backlog_rate_limit: 1000, eta_s: 0 });
    await fwd.stop();
  });

  it('the live lane getting through wakes the backlog lane out of its long backoff', async () => {
    await reopenWithBacklog(50);
    let up = false;
    const s = await standIn(() => (up ? { status: 200, body: {} } : { status: 503, body: {} }));
    server = s.server;
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const fwd = createForwarder({
      buffer,
      serverUrl: s.url,
      token: 't',
      device: 'plant-01',
      sensors,
      telemetry,
      backoff: { baseMs: 20_000, maxMs: 30_000 },
      liveBackoff: { baseMs: 50, maxMs: 100 },
    });
    fwd.start();
    await until(() => fwd.status().state === 'retrying');
    up = true;
    await buffer.append(readings(1, 10_000));
    await until(() => buffer.stats().pending === 0, 3000);
    await fwd.stop();
  });

  it('reports drops by the cap with each batch: the exact total and the last range', async () => {
    buffer.close();
    buffer = createBuffer({ path: join(dir, 'cap.db'), maxBytes: 120_000, commitIntervalMs: 0 });
    buffer.open();
    for (let i = 0; i < 10; i++) await buffer.append(readings(1000, i * 1000));
    const stats = buffer.stats();
    expect(stats.dropped).toBeGreaterThan(0);
    const s = await standIn(() => ({ status: 200, body: {} }));
    server = s.server;
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().pending === 0);
    await fwd.stop();
    const status = (s.seen[0].body as IngestBatch).status;
    expect(status).toMatchObject({
      dropped: stats.dropped,
      dropped_from: stats.last_drop?.from_ts,
      dropped_to: stats.last_drop?.to_ts,
    });
    const sent = s.seen.reduce((n, x) => n + (x.body as IngestBatch).readings.length, 0);
    expect(sent + stats.dropped).toBe(10_000);
  });
});

describe('forwarder: fewer requests', () => {
  it('live interval: readings committed within it go in one request; after a quiet spell, and a full batch, at once', async () => {
    const s = await standIn((seen) => ({
      status: 200,
      body: { accepted: (seen.body as IngestBatch).readings.length },
    }));
    server = s.server;
    const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
    const fwd = createForwarder({
      buffer,
      serverUrl: s.url,
      token: 'tok-123',
      device: 'plant-01',
      sensors,
      telemetry,
      batchSize: 10,
      liveIntervalMs: 400,
    });
    fwd.start();
    const t = Date.now();
    await buffer.append(readings(1));
    await until(() => s.seen.length === 1);
    expect(Date.now() - t).toBeLessThan(300);
    for (let i = 1; i <= 4; i++) await buffer.append(readings(1, i)); // four commits (5 ms window)
    await until(() => buffer.stats().pending === 0);
    expect(s.seen.map((x) => (x.body as IngestBatch).readings.length)).toEqual([1, 4]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(380);
    const t2 = Date.now();
    await buffer.append(readings(10, 100));
    await until(() => buffer.stats().pending === 0);
    expect(Date.now() - t2).toBeLessThan(300);
    expect(s.seen).toHaveLength(3);
    await fwd.stop();
  });

  it("sends a sensor's metadata until a batch carrying it is acknowledged, then not with every batch", async () => {
    const s = await standIn((seen) =>
      s.seen.length === 1
        ? { status: 503, body: {} }
        : { status: 200, body: { accepted: (seen.body as IngestBatch).readings.length } },
    );
    server = s.server;
    await buffer.append(readings(2));
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await until(() => buffer.stats().pending === 0);
    await buffer.append(readings(2, 10));
    await until(() => buffer.stats().pending === 0);
    await fwd.stop();
    const metaIds = s.seen.map((x) => ((x.body as IngestBatch).sensors ?? []).map((m) => m.id).sort());
    expect(metaIds).toEqual([['plant.ph', 'tunnel.ch4'], ['plant.ph', 'tunnel.ch4'], []]);
  });
});

describe('forwarder with a staging buffer (issue 18)', () => {
  it('while the server answers, readings are acknowledged from memory; when it fails, what waits goes to disk', async () => {
    buffer.close();
    buffer = createBuffer({ path: join(dir, 'staged.db'), maxBytes: 1e9, commitIntervalMs: 5, stageMs: 10_000 });
    buffer.open();
    let up = true;
    const s = await standIn(() => (up ? { status: 200, body: {} } : { status: 503, body: {} }));
    server = s.server;
    const { fwd } = forwarderTo(s.url);
    fwd.start();
    await buffer.append(readings(2)); // the first reading goes to disk: the link is not known yet
    await until(() => buffer.stats().pending === 0);
    const appended = buffer.append(readings(3, 10));
    expect(buffer.staged()).toBe(3); // the live lane got through: staged, not written
    await expect(appended).resolves.toEqual({ inserted: 3, duplicates: 0 });
    expect(buffer.take(10)).toEqual([]); // acknowledged without ever being a disk row
    up = false;
    const failing = buffer.append(readings(2, 20));
    expect(buffer.staged()).toBe(2);
    await expect(failing).resolves.toEqual({ inserted: 2, duplicates: 0 }); // committed after the 503
    expect(buffer.staged()).toBe(0);
    expect(buffer.take(10).map((r) => r.ts)).toEqual([T0 + 20, T0 + 21]);
    await fwd.stop();
    const sent = s.seen.flatMap((x) => (x.body as IngestBatch).readings.map((r) => r.ts));
    expect(sent.filter((ts) => ts >= T0 + 10 && ts < T0 + 20)).toEqual([T0 + 10, T0 + 11, T0 + 12]);
  });
});
