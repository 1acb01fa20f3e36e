/**
 * End to end, separate processes (issue 10 §3): readings are evidence. The server already holds
 * two readings of a sensor with other values than the agent has buffered for the same times (as
 * after a clock that stepped back). The agent's forwarder gets 409 `reading_conflict`, sets
 * exactly those two aside in its quarantine (shown in `/status`) and delivers the rest; the stored
 * values stay. Then a correction is sent through the HTTP API: it replaces the value, the old one
 * is a revision (`GET /api/v1/readings/revisions`) and the audit log names the device and both values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuffer } from '../../edge/src/buffer/buffer.ts';
import { waitFor } from '../services/util.ts';
import { ApiClient, postIngest } from '../support/client.ts';
import { DEMO_USER, type Stack, startStack } from '../support/stack.ts';
import { storedRows } from './support/readings.ts';

const SENSOR = 'ev.ph';
const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
const COUNT = 10;

let dir: string;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Status = { buffer: { pending: number; quarantined: number }; forwarder: { last_error: string | null } };

describe('readings are evidence (separate processes)', () => {
  it('the agent quarantines exactly the conflicting readings, the rest arrive; a correction leaves a revision and an audit entry', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-conflict-'));
    stack = await startStack({
      dir,
      simulator: false,
      sensors: () => [{ id: SENSOR, quantity: 'ph', unit: 'pH', source: { driver: 'mqtt', topic: 'ev/ph' } }],
    });
    const s = stack;
    await s.edge.stop();
    // The server holds T+2 s and T+5 s with values the agent does not have.
    const device = 'plant-01';
    const held = [
      { sensor: SENSOR, ts: T + 2000, value: 100 },
      { sensor: SENSOR, ts: T + 5000, value: 101 },
    ];
    expect((await postIngest(s.serverUrl, s.token, { device, readings: held })).status).toBe(200);
    // The agent's buffer holds T … T+9 s, values 0 … 9 (as after an outage).
    const buffer = createBuffer({ path: join(dir, 'edge-data', 'buffer.db'), maxBytes: 1e8, commitIntervalMs: 0 });
    buffer.open();
    await buffer.append(
      Array.from({ length: COUNT }, (_, i) => ({ sensor: SENSOR, ts: T + i * 1000, value: i, q: 'good' as const })),
    );
    buffer.close();

    await s.startEdge();
    const status = async () => (await (await fetch(`${s.apiUrl}/status`)).json()) as Status;
    await waitFor(
      async () => (await status()).buffer.pending === 0,
      20_000,
      () => `backlog not drained:\n${s.edge.log().slice(-2000)}`,
    );
    const after = await status();
    expect(after.buffer.quarantined).toBe(2);
    expect(after.forwarder.last_error).toMatch(/409 reading_conflict/);
    const rows = storedRows(s, `WHERE sensor = '${SENSOR}' ORDER BY ts`);
    expect(rows.map((r) => r.value)).toEqual([0, 1, 100, 3, 4, 101, 6, 7, 8, 9]);

    // Someone sends a different value without saying it is a correction: refused, nothing changes.
    const plain = await postIngest(s.serverUrl, s.token, {
      device,
      readings: [{ sensor: SENSOR, ts: T + 2000, value: 2 }],
    });
    expect(plain.status).toBe(409);
    expect(JSON.parse(plain.text).error.conflicts).toEqual([
      { index: 0, sensor: SENSOR, ts: T + 2000, stored: { value: 100, q: 'good' }, sent: { value: 2, q: 'good' } },
    ]);
    // The technician checked the sensor: the agent's value was right. Sent as a correction.
    const fix = {
      sensor: SENSOR,
      ts: T + 2000,
      value: 2,
      correction: true,
      reason: 'valor de prueba cargado por error',
    };
    const fixed = await postIngest(s.serverUrl, s.token, { device, readings: [fix] });
    expect(fixed.status, fixed.text).toBe(200);
    expect(storedRows(s, `WHERE sensor = '${SENSOR}' AND ts = ${T + 2000}`).map((r) => r.value)).toEqual([2]);

    const api = new ApiClient(s.serverUrl);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    const { revisions } = await api.get<{ revisions: unknown[] }>(
      `/api/v1/readings/revisions?sensor=${SENSOR}&from=${T}&to=${T + COUNT * 1000}`,
    );
    expect(revisions).toEqual([
      expect.objectContaining({ ts: T + 2000, value: 100, new_value: 2, by: device, reason: fix.reason }),
    ]);
    const { entries } = await api.get<{ entries: { actor: string; action: string; detail: unknown }[] }>(
      `/api/v1/audit?from=0&to=${Date.now() + 60_000}`,
    );
    expect(entries.filter((e) => e.action === 'reading_corrected')).toEqual([
      expect.objectContaining({
        actor: `device:${device}`,
        detail: expect.objectContaining({
          sensor: SENSOR,
          ts: T + 2000,
          old: { value: 100, q: 'good' },
          new: { value: 2, q: 'good' },
        }),
      }),
    ]);
  });
});
