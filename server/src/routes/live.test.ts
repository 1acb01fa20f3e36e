import { LiveDevice, LiveReading } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, T0, type TestApp } from '../testing/test-app.ts';

type SseEvent = { event?: string; id?: string; data?: string; comment?: string };

/** Reads SSE events from a Response body, one at a time. */
function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<SseEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = line.slice(1).trim();
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (m) e[m[1] as 'event' | 'id' | 'data'] = m[2];
          }
          return e;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

let t: TestApp;
let token: string;
beforeEach(async () => {
  t = await makeTestApp({ heartbeatMs: 50 });
  token = t.device('plant-01');
});
afterEach(() => t.close());

const ingest = (readings: unknown[], bearer = token, device = 'plant-01') =>
  t.app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ device, readings, status: { backlog: 0, dropped: 0 } }),
  });

const nextNamed = async (sse: ReturnType<typeof sseReader>) => {
  for (;;) {
    const e = await sse.next();
    if (e.event) return e;
  }
};

describe('GET /api/v1/live', () => {
  it('sends a snapshot, then readings and device events as batches arrive, with increasing ids', async () => {
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    const cookie = await t.signIn('ana');
    const res = await t.app.request('/api/v1/live', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);

    const snapshot = await nextNamed(sse);
    expect(snapshot.event).toBe('reading');
    expect(snapshot.id).toBe('1');
    expect(LiveReading.parse(JSON.parse(snapshot.data!))).toEqual({
      sensor: 'plant.ph',
      ts: T0,
      value: 7,
      q: 'good',
      device: 'plant-01',
    });

    // Two readings of one sensor in a batch: only the newest is sent.
    const batch = [
      { sensor: 'plant.ph', ts: T0 + 2000, value: 8 },
      { sensor: 'plant.ph', ts: T0 + 1000, value: 9 },
    ];
    expect((await ingest(batch)).status).toBe(200);
    const reading = await nextNamed(sse);
    expect(reading).toMatchObject({ event: 'reading', id: '2' });
    expect(JSON.parse(reading.data!)).toEqual({
      sensor: 'plant.ph',
      ts: T0 + 2000,
      value: 8,
      q: 'good',
      device: 'plant-01',
    });
    const device = await nextNamed(sse);
    expect(device).toMatchObject({ event: 'device', id: '3' });
    expect(LiveDevice.parse(JSON.parse(device.data!))).toEqual({
      device: 'plant-01',
      last_seen: t.clock.now(),
      status: { backlog: 0, dropped: 0 },
    });

    // A backlog batch older than what was shown does not move the gauge back.
    expect((await ingest([{ sensor: 'plant.ph', ts: T0 + 500, value: 1 }])).status).toBe(200);
    expect((await nextNamed(sse)).event).toBe('device');
    await sse.cancel();
  });

  it('sends heartbeat comments', async () => {
    const cookie = await t.signIn('ana');
    const sse = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    expect((await sse.next()).comment).toBe('heartbeat');
    await sse.cancel();
  });

  it('unsubscribes a client that goes away, and ends streams when the hub closes', async () => {
    const cookie = await t.signIn('ana');
    const first = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    const second = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    await first.next();
    await second.next();
    expect(t.live.size).toBe(2);
    await first.cancel();
    await ingest([{ sensor: 'a', ts: T0, value: 1 }]);
    await expect.poll(() => t.live.size).toBe(1);
    t.live.close();
    await expect(async () => {
      for (;;) await second.next();
    }).rejects.toThrow('stream ended');
  });

  it('does not send a user the sensors of sites they may not see', async () => {
    const other = t.device('tunnel-01', 'tunnel-1');
    const cookie = await t.signIn('tunnel-op', 'operator', ['tunnel-1']);
    const sse = sseReader(await t.app.request('/api/v1/live', { headers: { cookie } }));
    expect((await ingest([{ sensor: 'plant.ph', ts: T0, value: 7 }])).status).toBe(200);
    expect((await ingest([{ sensor: 'tunnel.co', ts: T0, value: 3 }], other, 'tunnel-01')).status).toBe(200);
    const e = await nextNamed(sse);
    expect(JSON.parse(e.data!)).toMatchObject({ sensor: 'tunnel.co', device: 'tunnel-01' });
    await sse.cancel();
  });
});
