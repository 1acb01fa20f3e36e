/**
 * The intake from an existing broker against a real mosquitto, which keeps persistent
 * sessions: after a restart with a new sensor topic (same client id), the new topic must be
 * subscribed even though the broker reports the old session as present.
 */
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { type MosquittoService, startMosquitto } from '../../../test/services/mosquitto.ts';
import { createMqttClientIntake } from './mqtt-client.ts';
import type { MqttIntake } from './mqtt-intake.ts';

let broker: MosquittoService | undefined;
const intakes: MqttIntake[] = [];
afterEach(async () => {
  for (const i of intakes.splice(0)) await i.stop();
  await broker?.stop();
});

async function started(topics: string[], got: string[]): Promise<MqttIntake> {
  const intake = createMqttClientIntake({
    url: broker!.url,
    clientId: 'vigia-edge-plant-01',
    topics: new Set(topics),
    onError: () => {},
  });
  intake.attach(async (topic, payload) => {
    got.push(`${topic}=${Buffer.from(payload).toString()}`);
  });
  intakes.push(intake);
  await intake.start();
  const deadline = Date.now() + 5000;
  while (intake.status().state !== 'ok') {
    if (Date.now() > deadline) throw new Error('intake did not connect');
    await new Promise((r) => setTimeout(r, 20));
  }
  return intake;
}

it('subscribes a topic added since the broker saved the session (real mosquitto, persistent session)', async () => {
  broker = await startMosquitto();
  const first: string[] = [];
  const a = await started(['vigia/tunnel-1/ch4'], first);
  await a.stop();
  intakes.length = 0;

  const got: string[] = [];
  await started(['vigia/tunnel-1/ch4', 'vigia/tunnel-1/co'], got);
  await new Promise((r) => setTimeout(r, 300)); // let the SUBACK come back
  const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  await pub.publishAsync('vigia/tunnel-1/co', '12', { qos: 1 });
  await pub.publishAsync('vigia/tunnel-1/ch4', '0.4', { qos: 1 });
  await pub.endAsync();
  const deadline = Date.now() + 5000;
  while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(got.sort()).toEqual(['vigia/tunnel-1/ch4=0.4', 'vigia/tunnel-1/co=12']);
});

it('a retained reading is stored once, not again at each reconnect (real mosquitto)', async () => {
  broker = await startMosquitto();
  const got: string[] = [];
  const intake = await started(['vigia/tunnel-1/ch4'], got);
  await new Promise((r) => setTimeout(r, 300)); // let the SUBACK come back
  const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  // ESPHome publishes sensor states retained by default.
  await pub.publishAsync('vigia/tunnel-1/ch4', '0.7', { qos: 1, retain: true });
  const deadline = Date.now() + 5000;
  while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(got).toEqual(['vigia/tunnel-1/ch4=0.7']);
  // Reconnect twice (restart, link drop): the broker replays its retained copy on each subscribe.
  for (let i = 0; i < 2; i++) {
    await intake.stop();
    await intake.start();
    while (intake.status().state !== 'ok') await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
  }
  // A fresh subscriber does get the retained copy: the replay happened, and was not stored.
  const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const replayed = new Promise<boolean>((r) => watcher.on('message', (_t, _p, pkt) => r(pkt.retain)));
  await watcher.subscribeAsync('vigia/tunnel-1/ch4', { qos: 1 });
  expect(await replayed).toBe(true);
  await watcher.endAsync();
  await pub.publishAsync('vigia/tunnel-1/ch4', '0.8', { qos: 1, retain: true });
  await pub.endAsync();
  while (got.length < 2 && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
  expect(got).toEqual(['vigia/tunnel-1/ch4=0.7', 'vigia/tunnel-1/ch4=0.8']);
});
