/**
 * Fault test: kill -9 of the edge agent, again and again, under load (separate processes).
 * A sensor node publishes numbered readings at QoS 1 to the agent's embedded broker and
 * reconnects after each cut; the agent is killed with SIGKILL at a random moment and restarted
 * after a small random pause. At the end every reading the broker acknowledged (PUBACK) must be
 * in the server's store exactly once, and no reading may be there twice.
 *
 * `VIGIA_KILL_CUTS` sets the number of cuts (default 50; e.g. 1000 for a long run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { numberedSensors, type Publisher, startPublisher } from './support/publisher.ts';
import { settleDelivery } from './support/readings.ts';

const CUTS = Number(process.env.VIGIA_KILL_CUTS ?? 50);
const SENSORS = 10;
const sensorOf = (seq: number) => `kill.s${seq % SENSORS}`;

const sensors = () => numberedSensors('kill', SENSORS);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: kill -9 under load (separate processes)', () => {
  it(`after ${CUTS} cuts every PUBACKed reading is stored exactly once, and nothing twice`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-kill9-'));
    const t0 = Date.now();
    stack = await startStack({ dir, simulator: false, sensors });
    const s = stack;
    const publisher: Publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `kill/s${seq % SENSORS}`,
      maxInflight: 50,
    });
    let cutsUnderLoad = 0;
    let connectionsAtCut = 0;
    for (let cut = 0; cut < CUTS; cut++) {
      // Let the node reconnect and publish for a while, then cut while readings are in flight.
      await waitFor(
        () => publisher.connections() > connectionsAtCut,
        20_000,
        () => `the publisher did not reconnect after cut ${cut}:\n${s.edge.log().slice(-2000)}`,
        10,
      );
      await sleep(100 + Math.random() * 250);
      connectionsAtCut = publisher.connections();
      if (publisher.inflight() > 0) cutsUnderLoad++;
      await s.edge.kill9();
      await sleep(Math.random() * 100);
      await s.startEdge();
    }
    const cutsDoneAt = Date.now();
    await publisher.stop();
    const acked = [...publisher.acked].sort((a, b) => a - b);
    const published = publisher.published();

    // Condition, not time: wait until every acknowledged reading reached the server.
    const { rows, missing, twice, invented, misfiled, distinct } = await settleDelivery(s, acked, published, sensorOf);
    const extra = rows.length - acked.length; // stored although the PUBACK was lost with the cut
    console.log(
      `kill -9: ${CUTS} cuts (${cutsUnderLoad} with readings in flight) in ${Math.round((cutsDoneAt - t0) / 1000)} s; ` +
        `${published} published, ${acked.length} PUBACKed, ${rows.length} stored (${extra} committed but not acknowledged before a cut); ` +
        `total ${Math.round((Date.now() - t0) / 1000)} s`,
    );

    expect(acked.length).toBeGreaterThan(CUTS * 10); // the load was real
    expect(cutsUnderLoad).toBeGreaterThan(CUTS / 2); // and cuts hit readings in flight
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(invented).toEqual([]);
    expect(misfiled).toEqual([]);
    expect(rows.length).toBe(distinct);
  }, 600_000);
});
