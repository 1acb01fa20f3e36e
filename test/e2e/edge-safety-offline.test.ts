/**
 * Fault test: a gas alarm with no network at all. The agent is a real process; the server
 * process is never started. A methane reading above the local safety rule's limit arrives over
 * MQTT: the alarm must be published (retained) on vigia/<device>/alarm to a subscriber on the
 * agent's broker and the configured command must run; back under the limit, it clears.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';

let dir: string;
let stack: Stack | undefined;
const clients: mqtt.MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.endAsync();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edge agent: local safety rules with no network (separate processes)', () => {
  it('a CH4 reading over the limit raises the alarm on MQTT and runs the command; the server is down', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-safety-'));
    const siren = join(dir, 'siren.log');
    stack = await startStack({
      dir,
      simulator: false,
      server: false,
      sensors: () => [
        {
          id: 'tunnel.ch4',
          quantity: 'methane',
          unit: '%vol',
          source: { driver: 'mqtt', topic: 'vigia/tunnel-1/ch4', json_path: 'value' },
        },
      ],
      edgeConfig: {
        safety: {
          rules: [
            { id: 'ch4-max', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' },
          ],
          command: { on: ['/bin/sh', '-c', `echo on >> ${siren}`], off: ['/bin/sh', '-c', `echo off >> ${siren}`] },
        },
      },
    });
    const s = stack;
    const opts = { username: s.mqttUser.username, password: s.mqttUser.password, reconnectPeriod: 0 };
    const listener = await mqtt.connectAsync(s.brokerUrl, opts);
    const node = await mqtt.connectAsync(s.brokerUrl, opts);
    clients.push(listener, node);
    const alarms: { state: string; rule: string; value: number }[] = [];
    listener.on('message', (_t, payload) => alarms.push(JSON.parse(payload.toString())));
    await listener.subscribeAsync('vigia/plant-01/alarm', { qos: 1 });

    const raisedAfter = Date.now();
    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 0.4 }), { qos: 1 });
    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 2.5 }), { qos: 1 });
    await waitFor(
      () => alarms.length >= 1 && existsSync(siren),
      10_000,
      () => `no alarm (${alarms.length} messages):\n${s.edge.log().slice(-2000)}`,
      20,
    );
    const latencyMs = Date.now() - raisedAfter;
    expect(alarms[0]).toMatchObject({ rule: 'ch4-max', state: 'on', value: 2.5 });
    const st = (await (await fetch(`${s.apiUrl}/status`)).json()) as { safety: { rule: string; state: string }[] };
    expect(st.safety).toEqual([expect.objectContaining({ rule: 'ch4-max', state: 'breach' })]);

    // A node connecting later still sees the alarm: it is retained.
    const late = await mqtt.connectAsync(s.brokerUrl, opts);
    clients.push(late);
    const retained = new Promise<{ state: string }>((resolve) =>
      late.on('message', (_t, p) => resolve(JSON.parse(p.toString()))),
    );
    await late.subscribeAsync('vigia/plant-01/alarm', { qos: 1 });
    expect(await retained).toMatchObject({ state: 'on' });

    await node.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 0.3 }), { qos: 1 });
    await waitFor(
      () => alarms.some((a) => a.state === 'off') && readFileSync(siren, 'utf8') === 'on\noff\n',
      10_000,
      () => `alarm not cleared: ${JSON.stringify(alarms)}`,
      20,
    );
    console.log(`alarm raised ${latencyMs} ms after the reading was published, with the server down`);
    const metrics = await (await fetch(`${s.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigia_alarms_total\{rule="ch4-max",state="on"\} 1/);
  }, 60_000);
});
