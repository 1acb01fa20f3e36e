/**
 * Fault test (issue 18): kill -9 of the edge agent while readings are in flight to a server that
 * has not answered yet (separate processes). While the link is up the agent keeps new readings
 * in memory until the server acknowledges them (`forward.stage_window`), so a PUBACK may rest
 * on the server's answer instead of a disk commit. Each cycle: a node publishes numbered
 * readings at QoS 1; once the agent forwards them, the server is frozen (SIGSTOP) so the next
 * requests get no answer, then the agent is killed with SIGKILL after a random pause (shorter
 * and longer than the stage window), the server is thawed (SIGCONT) and the agent restarted.
 * At the end every reading the broker acknowledged must be in the server's store exactly once,
 * and no reading may be there twice.
 *
 * `VIGIA_INFLIGHT_CUTS` sets the number of cycles (default 8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { numberedSensors, type Publisher, startPublisher } from './support/publisher.ts';
import { settleDelivery, storedRows } from './support/readings.ts';

const CUTS = Number(process.env.VIGIA_INFLIGHT_CUTS ?? 8);
const SENSORS = 10;
const STAGE_MS = 3000; // the default `forward.stage_window`
const sensorOf = (seq: number) => `inflight.s${seq % SENSORS}`;

const sensors = () => numberedSensors('inflight', SENSORS);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  stack?.server.child?.kill('SIGCONT');
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: kill -9 while readings wait for the server (separate processes)', () => {
  it(`after ${CUTS} cuts with the server silent, every PUBACKed reading is stored exactly once`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-inflight-'));
    stack = await startStack({
      dir,
      simulator: false,
      sensors,
      edgeConfig: { forward: { stage_window: `${STAGE_MS}ms`, live_interval: '200ms' } },
    });
    const s = stack;
    const publisher: Publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `inflight/s${seq % SENSORS}`,
      maxInflight: 50,
      ratePerS: 200,
    });
    let cutsUnderLoad = 0;
    let ackedWhileFrozen = 0;
    let mostAckedInShortFreeze = 0;
    for (let cut = 0; cut < CUTS; cut++) {
      // The agent forwards again (its live lane succeeded: new readings are staged in memory).
      const stored = storedRows(s).length;
      await waitFor(
        () => storedRows(s).length > stored + 50,
        30_000,
        () => `the agent did not forward after cut ${cut}:\n${s.edge.log().slice(-2000)}`,
        50,
      );
      s.server.child.kill('SIGSTOP');
      const ackedAtFreeze = publisher.acked.size;
      // Shorter than the stage window: PUBACKs wait on the server; longer: on the disk commit.
      const short = cut % 2 === 0;
      await sleep(short ? 600 + Math.random() * 800 : STAGE_MS + 500 + Math.random() * 1000);
      const ackedNow = publisher.acked.size - ackedAtFreeze;
      if (short) mostAckedInShortFreeze = Math.max(mostAckedInShortFreeze, ackedNow);
      else ackedWhileFrozen += ackedNow;
      if (publisher.inflight() > 0) cutsUnderLoad++;
      await s.edge.kill9();
      s.server.child.kill('SIGCONT');
      await sleep(Math.random() * 100);
      await s.startEdge();
    }
    await publisher.stop();
    const acked = [...publisher.acked].sort((a, b) => a - b);
    const published = publisher.published();

    const { rows, missing, twice, invented, misfiled, distinct } = await settleDelivery(s, acked, published, sensorOf);
    console.log(
      `kill -9 in flight: ${CUTS} cuts (${cutsUnderLoad} with PUBACKs outstanding); ${published} published, ` +
        `${acked.length} PUBACKed (${ackedWhileFrozen} while the server was frozen longer than the stage window: committed to disk; ` +
        `at most ${mostAckedInShortFreeze} in a shorter freeze), ` +
        `${rows.length} stored (${rows.length - acked.length} delivered but never acknowledged to the node)`,
    );

    expect(cutsUnderLoad).toBeGreaterThan(CUTS / 2); // cuts hit readings waiting for an answer
    // Shorter freezes than the stage window (≤ 1.4 s, and a reading is staged ≤ ~0.5 s before it
    // goes out): PUBACKs waited on the server (staged in memory), at most the answers already on
    // their way (≤ the node's 50 in flight; 61 seen once at a load average of 19, answers and
    // PUBACKs of the moment before the freeze still being handled). Committing every 250 ms would
    // have acknowledged ≥ 120 (200/s for ≥ 0.6 s; measured with stage_window off: 209 and 250).
    expect(mostAckedInShortFreeze).toBeLessThanOrEqual(100);
    // Longer freezes than the stage window: the disk took over and those readings were PUBACKed.
    expect(ackedWhileFrozen).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(invented).toEqual([]);
    expect(misfiled).toEqual([]);
    expect(rows.length).toBe(distinct);
  }, 600_000);
});
