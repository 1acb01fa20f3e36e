/**
 * Fault test: a QoS 1 burst into the embedded broker (separate processes). A common setup was
 * measured losing 13–34 % of a 100,000-message burst while the publisher got every PUBACK;
 * here every acknowledged message must be in the edge's buffer. The server is down, so the
 * buffer is where every reading must be. VIGIA_BURST (default 20,000 in npm test; 100,000
 * reproduces the burst) sets the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';
import { numberedSensors, startPublisher } from './support/publisher.ts';

const SENSORS = 10;
const COUNT = Number(process.env.VIGIA_BURST ?? 20_000);

const sensors = () => numberedSensors('burst', SENSORS);

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: QoS 1 burst into the embedded broker (separate processes)', () => {
  it(`every PUBACKed message of a ${COUNT}-message burst is in the buffer, once`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-burst-'));
    stack = await startStack({ dir, simulator: false, sensors });
    const s = stack;
    expect(await s.server.stop()).toBe(0); // nothing leaves the buffer: it must hold them all

    const started = Date.now();
    const publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `burst/s${seq % SENSORS}`,
      maxInflight: 2000,
      count: COUNT,
    });
    await publisher.done();
    const seconds = (Date.now() - started) / 1000;
    expect(publisher.acked.size).toBe(COUNT);

    // Stop the agent cleanly, then read its buffer file directly.
    expect(await s.edge.stop()).toBe(0);
    const db = new Database(join(dir, 'edge-data', 'buffer.db'), { readonly: true });
    try {
      const values = (db.prepare('SELECT value FROM readings').pluck().all() as number[]).sort((a, b) => a - b);
      expect(values.length, `${COUNT} published in ${seconds.toFixed(1)} s`).toBe(COUNT);
      expect(new Set(values).size).toBe(COUNT); // each sequence number once
      expect(values[0]).toBe(Math.min(...publisher.acked));
      expect(values.at(-1)).toBe(Math.max(...publisher.acked));
    } finally {
      db.close();
    }
  }, 180_000);
});
