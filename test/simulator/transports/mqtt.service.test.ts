import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { type MosquittoService, startMosquitto } from '../../services/mosquitto.ts';
import { freePort } from '../../services/util.ts';
import { type MqttPublisher, mqttPayload, startMqttPublisher } from './mqtt.ts';

let broker: MosquittoService | undefined;
let publisher: MqttPublisher | undefined;
let subscriber: mqtt.MqttClient | undefined;
afterEach(async () => {
  await publisher?.stop();
  await subscriber?.endAsync(true);
  await broker?.stop();
  broker = publisher = subscriber = undefined;
});

function collect(client: mqtt.MqttClient): { topic: string; payload: string; qos: number }[] {
  const got: { topic: string; payload: string; qos: number }[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }));
  return got;
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('publishes {"value": n} at QoS 1 to a real mosquitto, received intact by a subscriber', async () => {
  broker = await startMosquitto();
  subscriber = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  await subscriber.subscribeAsync('vigia/#', { qos: 1 });
  const got = collect(subscriber);
  publisher = startMqttPublisher({ url: broker.url });
  await publisher.connected;
  await publisher.publish('vigia/tunnel-1/ch4', 1.37);
  await publisher.publish('vigia/tunnel-1/o2', 20.87);
  await until(() => got.length >= 2, 5000);
  expect(got).toEqual([
    { topic: 'vigia/tunnel-1/ch4', payload: '{"value":1.37}', qos: 1 },
    { topic: 'vigia/tunnel-1/o2', payload: '{"value":20.87}', qos: 1 },
  ]);
  expect(JSON.parse(mqttPayload(0.1 + 0.2)).value).toBe(0.1 + 0.2);
});

it('keeps retrying until the broker starts; refuses values while offline (no replay queue), publishes once up', async () => {
  const port = await freePort();
  const lines: string[] = [];
  publisher = startMqttPublisher({ url: `mqtt://127.0.0.1:${port}`, retryMs: 200, log: (l) => lines.push(l) });
  await expect(publisher.publish('vigia/tunnel-1/co', 26.4)).rejects.toThrow(/not connected/);
  await new Promise((r) => setTimeout(r, 600));
  expect(lines.some((l) => /ECONNREFUSED/.test(l))).toBe(true);
  expect(lines.filter((l) => /ECONNREFUSED/.test(l))).toHaveLength(1); // said once, not every retry
  broker = await startMosquitto({ port });
  subscriber = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  await subscriber.subscribeAsync('vigia/#', { qos: 1 });
  const got = collect(subscriber);
  await publisher.connected;
  await publisher.publish('vigia/tunnel-1/co', 27.1);
  await until(() => got.length >= 1, 5000);
  expect(got.at(-1)).toEqual({ topic: 'vigia/tunnel-1/co', payload: '{"value":27.1}', qos: 1 });
  expect(lines).toContain(`mqtt: connected to mqtt://127.0.0.1:${port}`);
});
