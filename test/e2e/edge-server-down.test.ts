/**
 * Fault test: the server goes away under load and comes back (separate processes). A sensor node
 * publishes numbered readings at a steady rate to the edge; the server is stopped (SIGTERM) for
 * the outage and started again. Everything published must arrive, once, and live first: within
 * ~2 s of the server's return a reading taken after the return is stored while the backlog of
 * the outage is still draining (paced by `forward.backlog_rate`).
 *
 * `VIGIA_OUTAGE_S` sets the outage (default 20 s to keep `npm test` short; `VIGIA_OUTAGE_S=60`
 * reproduces the minute).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { numberedSensors, startPublisher } from './support/publisher.ts';
import { countByValue, devices, type EdgeStatusLite, edgeStatus, storedRows } from './support/readings.ts';

const OUTAGE_MS = Number(process.env.VIGIA_OUTAGE_S ?? 20) * 1000;
const SENSORS = 10;
const RATE = 50; // readings/s from the node
// Slow on purpose, so the backlog of the outage is still draining when live readings resume.
const BACKLOG_RATE = 100;

const sensors = () => numberedSensors('down', SENSORS);

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: server down under load, then back (separate processes)', () => {
  it(`after a ${OUTAGE_MS / 1000} s outage everything arrives, the newest readings first`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-down-'));
    stack = await startStack({
      dir,
      simulator: false,
      sensors,
      edgeConfig: { forward: { backlog_rate: BACKLOG_RATE } },
    });
    const s = stack;
    const publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `down/s${seq % SENSORS}`,
      ratePerS: RATE,
    });
    await waitFor(
      () => storedRows(s).length >= RATE,
      20_000,
      () => `no readings reached the server:\n${s.edge.log().slice(-2000)}`,
    );

    expect(await s.server.stop()).toBe(0);
    const downAt = Date.now();
    await waitFor(
      async () => (await edgeStatus(s)).forwarder.state === 'retrying',
      10_000,
      () => 'the forwarder never noticed the server was gone',
    );
    // The outage itself is the scenario's length: nothing to wait for but time.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    const duringOutage = await edgeStatus(s);
    expect(duringOutage.buffer.backlog).toBeGreaterThan(0);
    const outageSeqs = [...publisher.sentAt].filter(([, t]) => t > downAt).map(([v]) => v);

    await s.startServer();
    const upAt = Date.now();
    // Watch the store: the first reading taken after the return, and how far the backlog was.
    let liveStoredAt: number | undefined;
    let outageStoredThen = 0;
    let draining: EdgeStatusLite | undefined;
    await waitFor(
      async () => {
        const now = Date.now();
        const rows = storedRows(s);
        if (rows.some((r) => r.ts >= upAt)) {
          liveStoredAt = now;
          const have = countByValue(rows);
          outageStoredThen = outageSeqs.filter((v) => have.has(v)).length;
          return true;
        }
        return false;
      },
      15_000,
      () => `no reading taken after the server returned was stored:\n${s.edge.log().slice(-2000)}`,
      50,
    );
    await waitFor(
      async () => {
        const st = await edgeStatus(s);
        if (st.forwarder.eta_s && st.forwarder.eta_s > 0) draining = st;
        return draining !== undefined || st.buffer.backlog === 0;
      },
      10_000,
      () => 'no status seen while draining',
    );
    const serverView = (await devices(s)).find((d) => d.id === 'plant-01');

    await publisher.stop();
    const acked = [...publisher.acked];
    const missing = () => {
      const have = countByValue(storedRows(s));
      return acked.filter((v) => !have.has(v));
    };
    await waitFor(
      async () => missing().length === 0 && (await edgeStatus(s)).buffer.pending === 0,
      OUTAGE_MS * 2 + 30_000,
      () => `${missing().length} of ${acked.length} acknowledged readings missing:\n${s.edge.log().slice(-2000)}`,
      200,
    );
    const drainedAt = Date.now();
    const rows = storedRows(s);
    const counts = countByValue(rows);
    const liveLagMs = (liveStoredAt ?? Number.NaN) - upAt;
    console.log(
      `server down ${Math.round((upAt - downAt) / 1000)} s: ${outageSeqs.length} readings published during the outage; ` +
        `first reading taken after the return stored ${liveLagMs} ms after it, with ${outageStoredThen} of the outage's ` +
        `readings stored then; backlog drained ${((drainedAt - upAt) / 1000).toFixed(1)} s after the return ` +
        `(status while draining: backlog ${draining?.buffer.backlog}, ${draining?.forwarder.backlog_rate} readings/s, ` +
        `eta ${draining?.forwarder.eta_s} s; server view backlog ${serverView?.backlog})`,
    );

    expect(liveLagMs).toBeLessThan(2000);
    expect(outageStoredThen).toBeLessThan(outageSeqs.length); // live first: the backlog was still draining
    expect(draining?.forwarder.backlog_rate).toBeGreaterThan(0);
    expect(serverView?.backlog).toBeGreaterThan(0); // the server was told about the backlog
    expect(acked.length).toBeGreaterThan((OUTAGE_MS / 1000) * RATE * 0.8);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(rows.length).toBe(counts.size);
    expect(rows.every((r) => Number.isInteger(r.value) && r.value >= 1 && r.value <= publisher.published())).toBe(true);
  }, 300_000);
});
