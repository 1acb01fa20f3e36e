// GET /api/v1/sensors and /api/v1/devices: shapes of docs/api.md, filtered by the user's sites.
import { DevicesAnswer, SensorsAnswer } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  const a = t.device('plant-01', 'mobile-plant');
  t.device('tunnel-01', 'tunnel-1');
  const res = await t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${a}` },
    body: JSON.stringify({
      device: 'plant-01',
      readings: [
        { sensor: 'plant.ph', ts: T0, value: 7 },
        { sensor: 'plant.ph', ts: T0 + 1000, value: 8, q: 'bad' },
      ],
      sensors: [
        { id: 'plant.ph', name: 'pH', quantity: 'ph', unit: 'pH' },
        { id: 'plant.flow', quantity: 'volumetric_flow', unit: 'm3/h' },
      ],
      status: { backlog: 5, dropped: 1 },
    }),
  });
  expect(res.status).toBe(200);
});
afterEach(() => t.close());

describe('GET /api/v1/sensors and /api/v1/devices', () => {
  it('lists sensors with their latest reading, null when none yet', async () => {
    const cookie = await t.signIn('ana');
    const body = wire(SensorsAnswer, await (await t.app.request('/api/v1/sensors', { headers: { cookie } })).json());
    expect(body).toEqual({
      sensors: [
        {
          id: 'plant.flow',
          device: 'plant-01',
          site: 'mobile-plant',
          name: null,
          quantity: 'volumetric_flow',
          unit: 'm3/h',
          interval_ms: null,
          last: null,
        },
        {
          id: 'plant.ph',
          device: 'plant-01',
          site: 'mobile-plant',
          name: 'pH',
          quantity: 'ph',
          unit: 'pH',
          // Learnt from the two readings 1 s apart: the dashboard greys the tile from it.
          interval_ms: 1000,
          last: { ts: T0 + 1000, value: 8, q: 'bad' },
        },
      ],
    });
  });

  it('lists devices with last seen and status, nulls until reported', async () => {
    const cookie = await t.signIn('ana');
    const body = wire(DevicesAnswer, await (await t.app.request('/api/v1/devices', { headers: { cookie } })).json());
    expect(body).toEqual({
      now: t.clock.now(),
      devices: [
        {
          id: 'plant-01',
          site: 'mobile-plant',
          last_seen: t.clock.now(),
          backlog: 5,
          dropped: 1,
          clock_offset_ms: null,
          dropped_from: null,
          dropped_to: null,
          backlog_rate: null,
          eta_s: null,
          status_at: t.clock.now(),
          revoked_at: null,
          sensors: {
            total: 2,
            // The flow sensor never sent a reading: silent. pH's newest is 59 s old.
            silent: 1,
            list: [
              {
                id: 'plant.flow',
                name: null,
                last_ts: null,
                interval_ms: null,
                silent_after_ms: 300_000,
                silent: true,
              },
              {
                id: 'plant.ph',
                name: 'pH',
                last_ts: T0 + 1000,
                interval_ms: 1000,
                silent_after_ms: 300_000,
                silent: false,
              },
            ],
          },
        },
        {
          id: 'tunnel-01',
          site: 'tunnel-1',
          last_seen: null,
          backlog: null,
          dropped: null,
          clock_offset_ms: null,
          dropped_from: null,
          dropped_to: null,
          backlog_rate: null,
          eta_s: null,
          status_at: null,
          revoked_at: null,
          sensors: { total: 0, silent: 0, list: [] },
        },
      ],
    });
  });

  it('shows a user restricted to sites only those sites', async () => {
    const cookie = await t.signIn('tunnel-op', 'operator', ['tunnel-1']);
    const sensors = await (await t.app.request('/api/v1/sensors', { headers: { cookie } })).json();
    const devices = (await (await t.app.request('/api/v1/devices', { headers: { cookie } })).json()) as {
      devices: { id: string }[];
    };
    expect(sensors).toEqual({ sensors: [] });
    expect(devices.devices.map((d) => d.id)).toEqual(['tunnel-01']);
  });

  it('shows each device status as last reported; a batch without status keeps it; revocation shows', async () => {
    const cookie = await t.signIn('ana');
    const token = t.device('plant-02', 'mobile-plant');
    const ingest = (body: object) =>
      t.app.request('/api/v1/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ device: 'plant-02', readings: [], ...body }),
      });
    const device = async () => {
      const body = (await (await t.app.request('/api/v1/devices', { headers: { cookie } })).json()) as {
        devices: { id: string }[];
      };
      return body.devices.find((d) => d.id === 'plant-02');
    };
    expect((await ingest({ status: { backlog: 1200, dropped: 3, clock_offset_ms: -250.5 } })).status).toBe(200);
    expect(await device()).toMatchObject({
      last_seen: T0 + 60_000,
      backlog: 1200,
      dropped: 3,
      clock_offset_ms: -250.5,
    });
    t.clock.set(T0 + 120_000);
    expect((await ingest({})).status).toBe(200);
    expect(await device()).toMatchObject({
      last_seen: T0 + 120_000,
      backlog: 1200,
      dropped: 3,
      clock_offset_ms: -250.5,
    });
    t.clock.set(T0 + 180_000);
    expect((await ingest({ status: { backlog: 0, dropped: 3 } })).status).toBe(200);
    // A status without clock_offset_ms keeps the last offset: the edge sends it only once it knows it.
    expect(await device()).toMatchObject({ last_seen: T0 + 180_000, backlog: 0, dropped: 3, clock_offset_ms: -250.5 });
    t.meta.revokeDevice('plant-02', T0 + 200_000);
    expect(await device()).toMatchObject({ revoked_at: T0 + 200_000 });
  });
});
