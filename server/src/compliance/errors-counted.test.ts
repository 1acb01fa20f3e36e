// Errors of the compliance engine and the webhook outbox are counted in /metrics
// (`vigia_errors_total{component,code}`), not only logged: real app, real SQLite, a real
// node:http receiver that refuses every delivery.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postBatch } from '../../test-support/ingest.ts';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';

let t: TestApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const SENSORS = [{ id: 'tunnel.ch4', quantity: 'methane', unit: '%vol' }];
const RULE = { id: 'ch4', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' };

async function ingest(token: string, readings: { ts: number; value: number }[]) {
  const res = await postBatch(t!, token, {
    device: 'plant-01',
    sensors: SENSORS,
    readings: readings.map((r) => ({ sensor: 'tunnel.ch4', q: 'good', ...r })),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function withPermit() {
  const token = t!.device('plant-01');
  const officer = await t!.signIn('maria', 'officer');
  await ingest(token, [{ ts: T0 - 60_000, value: 0.1 }]);
  const put = await putPermits(t!, officer, [permitOf([RULE], { id: 'atm', title: 'Atmósfera' })]);
  expect(put.status, await put.clone().text()).toBe(200);
  await t!.compliance.idle();
  return token;
}

const metric = async (component: string, code: string) => {
  const text = await (await t!.app.request('/metrics')).text();
  const m = new RegExp(`^vigia_errors_total\\{component="${component}",code="${code}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
};

const until = async (cond: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('errors counted', () => {
  it('counts a failed replay of the compliance engine under component="compliance"', async () => {
    t = await makeTestApp();
    const token = await withPermit();
    await ingest(token, [{ ts: T0 + 60_000, value: 0.2 }]);
    expect(await metric('compliance', 'replay_failed')).toBe(0);
    // The store fails every read (as an unreachable InfluxDB would); a late reading asks for a replay.
    const store = t.store;
    const down = () => Promise.reject(new Error('store unreachable'));
    store.readingColumns &&= down;
    store.readings &&= down;
    store.latest = down;
    await ingest(token, [{ ts: T0, value: 5 }]);
    await t.compliance.idle();
    expect(await metric('compliance', 'replay_failed')).toBe(1);
  });

  it('counts every failed webhook attempt, and the give-up, under component="webhooks"', async () => {
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    t = await makeTestApp({ webhooks: { urls: [url], baseDelayMs: 5, maxDelayMs: 5, maxAttempts: 3 } });
    const token = await withPermit();
    await ingest(token, [{ ts: T0, value: 1.5 }]); // one breach opened: one notification
    await until(async () => (await metric('webhooks', 'webhook_gave_up')) === 1);
    expect(hits).toBe(3);
    expect(await metric('webhooks', 'webhook_failed')).toBe(3);
  });
});
