// Sensor-id squatting (docs/decisions/2026-12-04-sensor-id-squatting.md): a device of site A that
// claims site B's sensor id first blocks B's device only until an administrator reassigns the id;
// B's readings wait in its edge buffer (409 is retried) and nothing of B's is lost.
import { ErrorBody } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServerCli } from '../../test-support/server-process.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp;
let squatter: string;
let owner: string;
beforeEach(async () => {
  t = await makeTestApp();
  squatter = t.device('plant-a', 'site-a');
  owner = t.device('tunnel-b', 'site-b');
});
afterEach(() => t.close());

const ingest = (token: string, device: string, value: number, ts = T0) =>
  t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ device, readings: [{ sensor: 'tunnel-b.ch4', ts, value }] }),
  });

describe('sensor-id squatting', () => {
  it('is undone by reassigning the id: the rightful device then writes, the squatter is refused', async () => {
    expect((await ingest(squatter, 'plant-a', 99)).status).toBe(200);
    const blocked = await ingest(owner, 'tunnel-b', 0.2, T0 + 1000);
    expect(blocked.status).toBe(409);
    const body = ErrorBody.parse(await blocked.json());
    expect(body.error.code).toBe('sensor_taken');
    expect(body.error.message).toMatch(/vigia-server sensor reassign tunnel-b\.ch4 --device tunnel-b/);

    // The real command, on the same meta.db (safe while the server runs).
    const out = runServerCli(t.dir, ['sensor', 'reassign', 'tunnel-b.ch4', '--device', 'tunnel-b']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/moved from device "plant-a" \(site "site-a"\) to device "tunnel-b"/);
    expect(out.stdout).toMatch(/device revoke plant-a/);

    expect((await ingest(owner, 'tunnel-b', 0.2, T0 + 1000)).status).toBe(200);
    expect((await ingest(squatter, 'plant-a', 98, T0 + 2000)).status).toBe(409);
    expect(t.meta.sensorById('tunnel-b.ch4')).toMatchObject({ device: 'tunnel-b', site: 'site-b' });
    const audit = t.meta.listAudit(0, Number.MAX_SAFE_INTEGER, 100).find((e) => e.action === 'sensor_reassigned');
    expect(audit).toMatchObject({ actor: 'cli', detail: { sensor: 'tunnel-b.ch4', from: 'plant-a', to: 'tunnel-b' } });
    // Site B's users now see their sensor; site A's no longer do.
    const b = await t.signIn('ana', 'operator', ['site-b']);
    const a = await t.signIn('luis', 'operator', ['site-a']);
    const list = async (cookie: string) =>
      (
        (await (await t.app.request('/api/v1/sensors', { headers: { cookie } })).json()) as {
          sensors: { id: string }[];
        }
      ).sensors;
    expect((await list(b)).map((s) => s.id)).toEqual(['tunnel-b.ch4']);
    expect(await list(a)).toEqual([]);
  });

  it('refuses an unknown sensor or device with exit 2 and changes nothing', async () => {
    expect((await ingest(squatter, 'plant-a', 99)).status).toBe(200);
    const noSensor = runServerCli(t.dir, ['sensor', 'reassign', 'nope.x', '--device', 'tunnel-b']);
    expect(noSensor.status).toBe(2);
    expect(noSensor.stderr).toMatch(/no sensor "nope.x"/);
    const noDevice = runServerCli(t.dir, ['sensor', 'reassign', 'tunnel-b.ch4', '--device', 'ghost']);
    expect(noDevice.status).toBe(2);
    expect(noDevice.stderr).toMatch(/no device "ghost"/);
    expect(runServerCli(t.dir, ['sensor', 'reassign', 'tunnel-b.ch4']).status).toBe(2);
    expect(t.meta.sensorById('tunnel-b.ch4')?.device).toBe('plant-a');
  });
});
