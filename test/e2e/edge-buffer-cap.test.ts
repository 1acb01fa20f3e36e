/**
 * Fault test: the buffer cap with the server down (separate processes). A tiny `buffer.max_mb`
 * forces the agent to drop its oldest readings; the exact count must show in `/status` and in
 * `/metrics`, reach the server (`GET /api/v1/devices` → `dropped`), and equal published − stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { numberedSensors, startPublisher } from './support/publisher.ts';
import { devices, edgeMetrics, edgeStatus, storedRows } from './support/readings.ts';

const SENSORS = 5;
const COUNT = 4000;

const sensors = () => numberedSensors('cap', SENSORS);

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: buffer cap with the server down (separate processes)', () => {
  it('drops the oldest, and reports the exact count to /status, /metrics and the server', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-cap-'));
    stack = await startStack({
      dir,
      simulator: false,
      sensors,
      // About 100 kB: room for ~1,500 readings.
      edgeConfig: { buffer: { path: './edge-data/buffer.db', max_mb: 0.1 } },
    });
    const s = stack;
    expect(await s.server.stop()).toBe(0);

    const publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `cap/s${seq % SENSORS}`,
      maxInflight: 100,
      count: COUNT,
    });
    await publisher.done();
    expect(publisher.acked.size).toBe(COUNT);

    const status = await edgeStatus(s);
    const dropped = status.buffer.dropped;
    expect(dropped).toBeGreaterThan(COUNT / 2);
    expect(status.buffer.pending + dropped).toBe(COUNT);
    expect(status.buffer.last_drop).toMatchObject({ count: expect.any(Number), from_ts: expect.any(Number) });
    expect(await edgeMetrics(s)).toMatch(new RegExp(`^vigia_dropped_total ${dropped}$`, 'm'));
    expect(s.edge.log()).toMatch(/"level":40.*readingsDropped/);

    await s.startServer();
    await waitFor(
      async () => (await edgeStatus(s)).buffer.pending === 0,
      30_000,
      () => `the buffer did not drain:\n${s.edge.log().slice(-2000)}`,
    );
    const rows = storedRows(s);
    const device = (await devices(s)).find((d) => d.id === 'plant-01');
    console.log(
      `buffer cap 0.1 MB: ${COUNT} published and PUBACKed with the server down, ${dropped} dropped, ${rows.length} stored; server says dropped ${device?.dropped}`,
    );
    expect(rows.length).toBe(COUNT - dropped);
    expect(device?.dropped).toBe(dropped);
    expect((await edgeStatus(s)).buffer.dropped).toBe(dropped); // nothing more dropped on the way
    // The oldest went first, except the batches out to the server when the cap struck: at most
    // one per lane (live, backlog), each one run of readings (the cap never drops a reading that
    // may be in flight: that keeps the count exact).
    const values = rows.map((r) => r.value).sort((a, b) => a - b);
    const stored = new Set(values);
    const lastDropped = Math.max(...Array.from({ length: COUNT }, (_, i) => i + 1).filter((v) => !stored.has(v)));
    const spared = values.filter((v) => v < lastDropped);
    const runs = spared.filter((v, i) => i === 0 || spared[i - 1] !== v - 1).length;
    expect(runs, `spared readings: ${spared.join(',')}`).toBeLessThanOrEqual(2);
    const newest = values.filter((v) => v > lastDropped);
    expect(newest).toEqual(Array.from({ length: COUNT - lastDropped }, (_, i) => lastDropped + 1 + i));
    expect(newest.length).toBeGreaterThan(0); // the newest reading was kept
  }, 120_000);
});
