/**
 * End to end on loopback, each part its own process: MQTT publish (QoS 1) to the edge's
 * embedded broker → edge buffer → forwarder → server ingest → embedded store, and the same
 * path out to a dashboard's live stream (sensor-to-SSE latency).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ApiClient } from '../support/client.ts';
import { DEMO_USER, type Stack, startStack } from '../support/stack.ts';
import { type Bench, type Emit, liveLag, percentile } from './figure.ts';

const SENSORS = 50;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 300);

const benchSensors = () =>
  Array.from({ length: SENSORS }, (_, i) => ({
    id: `bench.s${String(i).padStart(2, '0')}`,
    quantity: 'temperature',
    unit: 'degC',
    source: { driver: 'mqtt' as const, topic: `bench/s${i}` },
  }));

async function connect(stack: Stack) {
  const client = await mqtt.connectAsync(stack.brokerUrl, { ...stack.mqttUser, reconnectPeriod: 0 });
  return client;
}

async function storedCount(api: ApiClient, from: number): Promise<number> {
  const counts = await Promise.all(
    benchSensors().map(async (s) => {
      const r = await api.get<{ buckets: { n: number }[] }>(
        `/api/v1/series?sensor=${s.id}&from=${from}&to=${Date.now() + 60_000}&points=1`,
      );
      return r.buckets.reduce((a, b) => a + b.n, 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function throughput(stack: Stack, api: ApiClient, emit: Emit) {
  const client = await connect(stack);
  const t0 = Date.now();
  const start = performance.now();
  let inflight = 0;
  let wake: (() => void) | undefined;
  for (let i = 0; i < MESSAGES; i++) {
    while (inflight >= 1000) await new Promise<void>((r) => (wake = r));
    inflight++;
    client.publish(`bench/s${i % SENSORS}`, String(20 + (i % 100) / 10), { qos: 1 }, () => {
      inflight--;
      if (wake && inflight < 500) {
        const w = wake;
        wake = undefined;
        w();
      }
    });
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 5));
  const pubMs = performance.now() - start;
  let stored = 0;
  const deadline = Date.now() + 120_000;
  while (stored < MESSAGES && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    stored = await storedCount(api, t0 - 1000);
  }
  const totalMs = performance.now() - start;
  await client.endAsync();
  emit({ name: 'pipeline.mqtt_publish_qos1', value: Math.round(MESSAGES / (pubMs / 1000)), unit: 'readings/s' });
  emit({
    name: 'pipeline.mqtt_to_store',
    value: Math.round(stored / (totalMs / 1000)),
    unit: 'readings/s',
    note: `${stored} of ${MESSAGES} stored in ${Math.round(totalMs)} ms, ${SENSORS} sensors`,
  });
}

async function latency(stack: Stack, api: ApiClient, emit: Emit) {
  const client = await connect(stack);
  const { sentAt, lags: lat, close } = await liveLag(api, 'bench.s00');
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const value = 1000 + i;
    sentAt.set(value, performance.now());
    await client.publishAsync('bench/s0', String(value), { qos: 1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 2000));
  close();
  await client.endAsync();
  lat.sort((a, b) => a - b);
  const note = `${lat.length} of ${LATENCY_SAMPLES} samples at 20 Hz`;
  emit({ name: 'pipeline.sensor_to_sse_p50', value: Math.round(percentile(lat, 50)), unit: 'ms', note });
  emit({ name: 'pipeline.sensor_to_sse_p99', value: Math.round(percentile(lat, 99)), unit: 'ms', note });
}

export const pipelineBench: Bench = {
  name: 'pipeline',
  run: async (emit) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-'));
    const stack = await startStack({ dir, simulator: false, sensors: benchSensors });
    try {
      const api = new ApiClient(stack.serverUrl);
      await api.login(DEMO_USER.user, DEMO_USER.password);
      await latency(stack, api, emit);
      await throughput(stack, api, emit);
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
