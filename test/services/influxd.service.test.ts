import { afterEach, expect, it } from 'vitest';
import { type InfluxService, startInfluxd } from './influxd.ts';

let services: InfluxService[] = [];
afterEach(async () => {
  await Promise.all(services.map((s) => s.stop()));
  services = [];
});

async function query(url: string, q: string, db?: string): Promise<unknown> {
  const body = new URLSearchParams({ q, epoch: 'ms', ...(db ? { db } : {}) });
  const res = await fetch(`${url}/query`, { method: 'POST', body });
  expect(res.status).toBe(200);
  return res.json();
}

it('writes a point to a real influxd and queries it back', async () => {
  const influx = await startInfluxd();
  services.push(influx);
  expect(influx.url).toBe(`http://127.0.0.1:${influx.port}`);
  await query(influx.url, 'CREATE DATABASE vigia');
  const write = await fetch(`${influx.url}/write?db=vigia&precision=ms`, {
    method: 'POST',
    body: 'reading,sensor=plant.discharge_ph,unit=pH value=7.12 1764430000000',
  });
  expect(write.status).toBe(204);
  const result = await query(
    influx.url,
    "SELECT value FROM reading WHERE sensor = 'plant.discharge_ph' AND time >= 1764429999000ms AND time < 1764430001000ms",
    'vigia',
  );
  expect(result).toEqual({
    results: [
      {
        statement_id: 0,
        series: [{ name: 'reading', columns: ['time', 'value'], values: [[1764430000000, 7.12]] }],
      },
    ],
  });
});

it('runs two instances side by side and stops each one completely', async () => {
  const [a, b] = await Promise.all([startInfluxd(), startInfluxd()]);
  services.push(a, b);
  expect(a.port).not.toBe(b.port);
  expect((await fetch(`${b.url}/ping`)).status).toBe(204);
  await a.stop();
  services = [b];
  await expect(fetch(`${a.url}/ping`)).rejects.toThrow();
  expect((await fetch(`${b.url}/ping`)).status).toBe(204);
});
