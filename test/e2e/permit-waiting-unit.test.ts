/**
 * End to end, the real server process (issue 10 §2): a technician sets a permit up with a
 * daily_total rule before the device has sent the sensor's unit. The permit is accepted (it was a
 * 500), the rule shows `waiting_unit` in GET /api/v1/rules/status, and once a batch carries the
 * unit it starts and judges the readings stored meanwhile. No answer is a 5xx.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { ApiClient, postIngest } from '../support/client.ts';
import { type ServerOnly, startServerOnly } from '../support/server.ts';
import { DEMO_USER } from '../support/stack.ts';

const DAY = 86_400_000;
let dir: string;
let server: ServerOnly | undefined;
afterAll(async () => {
  await server?.proc.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Status = { rules: { rule: string; state: string; last_reading: number | null }[] };

describe('a permit set up before the sensor unit is known (separate process)', () => {
  it('is accepted, waits visibly, and starts on the unit over the stored history', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-waiting-unit-'));
    server = await startServerOnly(dir);
    const s = server;
    // Three days back to one day back, every 10 min, 10 m3/h: 240 m3 a day, over the 100 m3 limit.
    const from = Math.floor((Date.now() - 3 * DAY) / 600_000) * 600_000;
    const readings = Array.from({ length: 288 }, (_, i) => ({
      sensor: 'plant.flow',
      ts: from + i * 600_000,
      value: 10,
    }));
    const first = await postIngest(s.url, s.token, { device: s.device, readings: readings.slice(0, 144) });
    expect(first.status, first.text).toBe(200);

    const api = new ApiClient(s.url);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    const rule = {
      id: 'caudal',
      sensor: 'plant.flow',
      kind: 'max',
      max: 100,
      averaging: 'daily_total',
      severity: 'breach',
    };
    await api.put('/api/v1/permits', {
      permits: [{ id: 'vert', title: 'Vertimientos', site: 'mobile-plant', rules: [rule] }],
    });
    expect((await api.get<Status>('/api/v1/rules/status')).rules).toMatchObject([
      { rule: 'caudal', state: 'waiting_unit' },
    ]);

    const rest = await postIngest(s.url, s.token, {
      device: s.device,
      readings: readings.slice(144),
      sensors: [{ id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' }],
    });
    expect(rest.status, rest.text).toBe(200);
    await waitFor(
      async () => (await api.get<Status>('/api/v1/rules/status')).rules[0].state !== 'waiting_unit',
      10_000,
      () => 'the rule did not start once the unit was known',
    );
    const { breaches } = await api.get<{ breaches: { rule: string; unit: string }[] }>(
      `/api/v1/breaches?from=${from - DAY}&to=${Date.now()}`,
    );
    expect(breaches.length).toBeGreaterThan(0);
    expect(breaches[0]).toMatchObject({ rule: 'caudal', unit: 'm3/h' });
  });
});
