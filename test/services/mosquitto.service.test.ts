import mqtt, { type IPublishPacket } from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { type MosquittoService, startMosquitto } from './mosquitto.ts';

let broker: MosquittoService | undefined;
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

it('round-trips a QoS 1 message through a real mosquitto', async () => {
  broker = await startMosquitto();
  expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
  const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  try {
    const granted = await sub.subscribeAsync('vigia/tunnel-1/ch4', { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    const received = new Promise<{ topic: string; payload: string; qos: number }>((resolve) =>
      sub.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), qos: packet.qos })),
    );
    const ack = (await pub.publishAsync('vigia/tunnel-1/ch4', JSON.stringify({ value: 0.42 }), { qos: 1 })) as
      | IPublishPacket
      | undefined;
    // mqtt.js resolves a QoS 1 publish only after the broker's PUBACK
    expect(ack?.qos).toBe(1);
    expect(ack?.messageId).toBeGreaterThan(0);
    expect(await received).toEqual({ topic: 'vigia/tunnel-1/ch4', payload: '{"value":0.42}', qos: 1 });
  } finally {
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  }
});

it('refuses connections once stopped', async () => {
  broker = await startMosquitto();
  const { url } = broker;
  await broker.stop();
  broker = undefined;
  await expect(mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 })).rejects.toThrow();
});
