// GET /api/v1/devices: the whole reported status, sensor silence, and the drop audit of ingest.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { MIGRATIONS, migrate } from '../meta/migrations.ts';

type DeviceJson = Record<string, unknown> & {
  id: string;
  sensors: { total: number; silent: number; list: { id: string; silent: boolean; interval_ms: number | null }[] };
};

let t: TestApp;
let token = '';
let cookie = '';
beforeEach(async () => {
  t = await makeTestApp();
  token = t.device('plant-01', 'mobile-plant');
  cookie = await t.signIn('ana', 'technician');
});
afterEach(() => t.close());

const ingest = async (body: object) => {
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ device: 'plant-01', readings: [], ...body }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};
const device = async (): Promise<DeviceJson> => {
  const body = (await (await t.app.request('/api/v1/devices', { headers: { cookie } })).json()) as {
    devices: DeviceJson[];
  };
  return body.devices.find((d) => d.id === 'plant-01')!;
};
const audit = async () => {
  const admin = await t.signIn(`admin-${Math.random()}`, 'admin');
  const res = await t.app.request(`/api/v1/audit?from=0&to=${T0 + 10 * 86_400_000}`, { headers: { cookie: admin } });
  const body = (await res.json()) as { entries: { actor: string; action: string; detail: Record<string, unknown> }[] };
  return body.entries.filter((e) => e.action === 'device_dropped_readings');
};

describe('GET /api/v1/devices: reported status', () => {
  it('stores every DeviceStatus field and when it was reported', async () => {
    await ingest({
      status: {
        backlog: 2340,
        dropped: 0,
        clock_offset_ms: 3200,
        backlog_rate: 13,
        eta_s: 180,
      },
    });
    expect(await device()).toMatchObject({
      backlog: 2340,
      dropped: 0,
      clock_offset_ms: 3200,
      backlog_rate: 13,
      eta_s: 180,
      dropped_from: null,
      dropped_to: null,
      status_at: T0 + 60_000,
    });
  });

  it('a status without rate and ETA means "not draining"; a batch without status keeps all', async () => {
    await ingest({
      status: { backlog: 500, dropped: 2, dropped_from: T0 - 5000, dropped_to: T0, backlog_rate: 40, eta_s: 12 },
    });
    t.clock.set(T0 + 120_000);
    await ingest({});
    expect(await device()).toMatchObject({
      last_seen: T0 + 120_000,
      status_at: T0 + 60_000,
      backlog: 500,
      backlog_rate: 40,
      eta_s: 12,
    });
    t.clock.set(T0 + 180_000);
    await ingest({ status: { backlog: 500, dropped: 2 } });
    // The drop range stays known even when a later status does not repeat it.
    expect(await device()).toMatchObject({
      status_at: T0 + 180_000,
      backlog_rate: null,
      eta_s: null,
      dropped_from: T0 - 5000,
      dropped_to: T0,
    });
  });
});

describe('readings dropped on a device are audited and logged', () => {
  it('records count and range when dropped goes up, once per rise', async () => {
    const warn = vi.spyOn(t.log, 'warn');
    await ingest({ status: { backlog: 10, dropped: 0 } });
    expect(await audit()).toEqual([]);
    t.clock.set(T0 + 120_000);
    await ingest({ status: { backlog: 50_000, dropped: 120, dropped_from: T0 - 600_000, dropped_to: T0 - 480_000 } });
    // The same status again (a retry, or no new drop) records nothing more.
    await ingest({ status: { backlog: 49_000, dropped: 120, dropped_from: T0 - 600_000, dropped_to: T0 - 480_000 } });
    const entries = await audit();
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'device:plant-01',
        action: 'device_dropped_readings',
        detail: {
          device: 'plant-01',
          site: 'mobile-plant',
          count: 120,
          dropped_total: 120,
          from: T0 - 600_000,
          to: T0 - 480_000,
        },
      }),
    ]);
    const messages = warn.mock.calls.map((call) => call[1]);
    expect(messages).toContain(
      `readings dropped on device plant-01: 120 between ${new Date(T0 - 600_000).toISOString()} and ${new Date(T0 - 480_000).toISOString()}`,
    );
  });

  it('counts a first report from zero, and a count that went down (reinstall) records nothing', async () => {
    await ingest({ status: { backlog: 0, dropped: 7 } });
    await ingest({ status: { backlog: 0, dropped: 0 } });
    await ingest({ status: { backlog: 0, dropped: 3, dropped_from: T0, dropped_to: T0 + 2000 } });
    expect((await audit()).map((e) => e.detail.count)).toEqual([7, 3]);
    expect((await audit())[0]!.detail).toMatchObject({ from: null, to: null });
  });
});

describe('sensor silence', () => {
  it('is silent after max(5 min, 3 × typical interval) without a reading, or when never heard from', async () => {
    const fast = Array.from({ length: 10 }, (_, i) => ({ sensor: 'plant.ph', ts: T0 + i * 1000, value: 7 }));
    // One reading every 10 min: 3 × interval = 30 min.
    const slow = [0, 1, 2].map((i) => ({ sensor: 'plant.turbidity', ts: T0 - 1_800_000 + i * 600_000, value: 3 }));
    await ingest({
      readings: [...fast, ...slow],
      sensors: [{ id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' }],
    });
    t.clock.set(T0 + 9000 + 299_000);
    let d = await device();
    expect(d.sensors).toMatchObject({ total: 3, silent: 1 });
    const byId = () => Object.fromEntries(d.sensors.list.map((s) => [s.id, s]));
    expect(byId()).toMatchObject({
      'plant.flow': { silent: true, last_ts: null },
      'plant.ph': { silent: false, interval_ms: 1000, silent_after_ms: 300_000 },
      'plant.turbidity': { silent: false, interval_ms: 600_000, silent_after_ms: 1_800_000 },
    });
    t.clock.set(T0 + 9000 + 301_000);
    d = await device();
    expect(byId()['plant.ph']).toMatchObject({ silent: true });
    expect(byId()['plant.turbidity']).toMatchObject({ silent: false });
    t.clock.set(T0 - 600_000 + 1_800_001);
    d = await device();
    expect(byId()['plant.turbidity']).toMatchObject({ silent: true });
  });

  it('learns the interval across batches of one reading each', async () => {
    for (let i = 0; i < 5; i++) await ingest({ readings: [{ sensor: 'plant.ph', ts: T0 + i * 30_000, value: 7 }] });
    const ph = (await device()).sensors.list.find((s) => s.id === 'plant.ph');
    expect(ph?.interval_ms).toBe(30_000);
  });
});

describe('meta migration 4', () => {
  it('adds the status and sensor pace columns to a version-3 database, keeping its rows', () => {
    const db = new Database(':memory:');
    for (let v = 0; v < 3; v++) db.exec(MIGRATIONS[v]!);
    db.pragma('user_version = 3');
    db.prepare("INSERT INTO sites VALUES ('s', 1)").run();
    db.prepare("INSERT INTO devices (id, site, token_hash, created_at, backlog) VALUES ('d', 's', 'h', 1, 9)").run();
    migrate(db);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(
      db.prepare('SELECT backlog, dropped_from, dropped_to, backlog_rate, eta_s, status_at FROM devices').get(),
    ).toEqual({
      backlog: 9,
      dropped_from: null,
      dropped_to: null,
      backlog_rate: null,
      eta_s: null,
      status_at: null,
    });
    expect(db.prepare('SELECT last_ts, interval_ms FROM sensors').all()).toEqual([]);
    db.close();
  });
});
