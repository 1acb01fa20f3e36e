// Webhooks against a real local node:http receiver: retries with backoff until it answers 2xx,
// and a pending notification survives a restart (the outbox is in meta.db).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookBody } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { permitOf, putPermits } from '../../test-support/permit.ts';
import { makeTestApp, T0, type TestApp } from '../../test-support/test-app.ts';
import { wire } from '../../test-support/wire.ts';
import { createWebhooks } from './webhooks.ts';

let t: TestApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A receiver answering 500 to the first `failures` requests, then 204. */
async function receiver(failures: number, port = 0) {
  const got: { at: number; body: WebhookBody; ok: boolean }[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      const ok = got.length >= failures;
      got.push({ at: Date.now(), body: JSON.parse(text) as WebhookBody, ok });
      res.statusCode = ok ? 204 : 500;
      res.end();
    });
  });
  await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('breach webhooks', () => {
  it('delivers opened and closed, retrying a failing receiver with growing delays', async () => {
    const { url, got } = await receiver(3);
    t = await makeTestApp({ webhooks: { urls: [url], baseDelayMs: 40 } });
    const token = t.device('plant-01');
    const cookie = await t.signIn('maria', 'officer');
    const ingest = (readings: { ts: number; value: number }[]) =>
      t!.app.request('/api/v1/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ device: 'plant-01', readings: readings.map((r) => ({ sensor: 'tunnel.ch4', ...r })) }),
      });
    await ingest([{ ts: T0 - 1000, value: 0.1 }]);
    const rule = { id: 'ch4', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' };
    const put = await putPermits(t, cookie, [permitOf([rule], { id: 'atm', title: 'Atmósfera' })]);
    expect(put.status).toBe(200);
    await t.compliance.idle();
    await ingest([
      { ts: T0, value: 1.5 },
      { ts: T0 + 1000, value: 0.2 },
    ]);
    await until(
      () => got.filter((g) => g.ok).length === 2 && t!.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10).length === 0,
    );
    const delivered = got.filter((g) => g.ok).map((g) => g.body.event);
    expect(delivered.sort()).toEqual(['breach_closed', 'breach_opened']);
    // The body as the receiver gets it is the shared `WebhookBody`, nothing more.
    const closed = wire(WebhookBody, got.find((g) => g.ok && g.body.event === 'breach_closed')!.body);
    expect(closed.breach).toMatchObject({ rule: 'ch4', start: T0, end: T0 + 1000, peak: 1.5 });
    // Each id names the history row of its change, `<breach>:<event>:<seq>`: one batch both opened
    // and ended this breach, so one row ("opened", with its end) stands for both announcements.
    const [row, ...more] = t.meta.breachHistory(closed.breach.id);
    expect(more).toEqual([]);
    expect(closed.id).toBe(`${closed.breach.id}:breach_closed:${row.seq}`);
    const opened = got.find((g) => g.ok && g.body.event === 'breach_opened')!.body;
    expect(opened.id).toBe(`${closed.breach.id}:breach_opened:${row.seq}`);
    // Three failed attempts before the two successes; a retry waits at least half the base delay.
    expect(got.map((g) => g.ok)).toEqual([false, false, false, true, true]);
    for (const event of ['breach_opened', 'breach_closed']) {
      const at = got.filter((g) => g.body.event === event).map((g) => g.at);
      for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(19);
    }
    expect(t.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('keeps a notification in the outbox across a restart and delivers it afterwards', async () => {
    t = await makeTestApp();
    const log = pino({ level: 'silent' });
    // First "process": the receiver is down (its port is free, nothing listens).
    const probe = await receiver(0);
    const port = Number(new URL(probe.url).port);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const first = createWebhooks(t.meta, log, { urls: [probe.url], baseDelayMs: 10_000 });
    first.start();
    first.notify('breach_opened', { id: 7 } as never, 3);
    await first.flush();
    await first.stop();
    expect(t.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10)).toEqual([
      expect.objectContaining({ url: probe.url, attempts: 1 }),
    ]);
    // Second "process", once the retry is due: the receiver is back on its port.
    const { got } = await receiver(0, port);
    const second = createWebhooks(t.meta, log, { urls: [probe.url], now: () => Date.now() + 60_000 });
    second.start();
    await until(() => got.length === 1 && t!.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10).length === 0);
    await second.stop();
    expect(got[0].body).toMatchObject({ id: '7:breach_opened:3', event: 'breach_opened' });
    expect(t.meta.dueWebhooks(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });
});
