/**
 * `npm run bench -- peer` (issue 16): the same MQTT load, side by side in one run, through
 * (a) Node-RED 4.1.15's tuned flow (`mqtt in` → `join` 1,000 → `influxdb batch`) behind
 * mosquitto, (b) the direct baseline (peer-direct.mjs behind mosquitto: 1,000 points a request),
 * (c) Vigía: the edge agent's embedded broker → buffer → server → InfluxDB store, each its own
 * process. Every target writes to its own fresh influxd; the bench counts the points there.
 *
 * Invariants:
 * - Node-RED is never a dependency of the repository: it is installed on first run into
 *   `~/.cache/vigia-bench/node-red` (`BENCH_PEER_CACHE` moves it) with `npm install --prefix`.
 * - One load generator for all: 50 sensors × `BENCH_PEER_PER_SENSOR` (2,000) JSON messages,
 *   QoS 1, 1,000 in flight in total; shape `1c` one connection, shape `50c` one per sensor (20
 *   in flight each). A message's timestamp is unique, so a point overwritten in InfluxDB is a lost one.
 * - `…_e2e` is messages ÷ (first publish → the count in influxd stopped growing at its final
 *   value, polled every 100 ms); `lost` = messages − points stored; `rss_mb` is the peak RSS
 *   (VmHWM) of the subscriber side: Node-RED, the direct subscriber, the edge agent.
 * - A target that fails is reported in a note with value 0; the bench never fails the tests.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { type InfluxService, startInfluxd } from '../services/influxd.ts';
import { startMosquitto } from '../services/mosquitto.ts';
import { freePort } from '../services/util.ts';
import { type Proc, REPO, startNode } from '../support/process.ts';
import { startStack } from '../support/stack.ts';
import { EDGE_ENV, EDGE_NODE_FLAGS } from './edge.bench.ts';
import type { Bench, Emit } from './figure.ts';

const SENSORS = 50;
const PER_SENSOR = Number(process.env.BENCH_PEER_PER_SENSOR ?? 2000);
const TOTAL = SENSORS * PER_SENSOR;
const IN_FLIGHT = 1000;
const CACHE = process.env.BENCH_PEER_CACHE ?? join(homedir(), '.cache', 'vigia-bench', 'node-red');
const NODE_RED = join(CACHE, 'node_modules', 'node-red', 'red.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Shape = '1c' | '50c';
type Result = { rate: number; lost: number; rssMb: number; note: string };

function ensureNodeRed(): void {
  try {
    readFileSync(NODE_RED);
    return;
  } catch {}
  mkdirSync(CACHE, { recursive: true });
  const r = spawnSync(
    'npm',
    ['install', '--prefix', CACHE, '--no-audit', '--no-fund', 'node-red@4.1.15', 'node-red-contrib-influxdb'],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`npm install of node-red into ${CACHE} failed (exit ${r.status})`);
}

const message = (sensor: number, seq: number, t0: number) =>
  JSON.stringify({
    measurement: 'reading',
    tags: { sensor: `bench.s${String(sensor).padStart(2, '0')}` },
    fields: { value: 20 + (seq % 100) / 10 },
    timestamp: t0 + seq,
  });

/** Publishes every message at QoS 1; once all are acked: the first publish's time, and how long. */
async function drive(
  url: string,
  shape: Shape,
  auth: { username?: string; password?: string },
): Promise<{ start: number; ackedMs: number }> {
  const conns = shape === '1c' ? 1 : SENSORS;
  const window = IN_FLIGHT / conns;
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: conns }, (_, i) =>
      mqtt.connectAsync(url, { ...auth, clientId: `peer-load-${i}`, reconnectPeriod: 0, writeCache: false }),
    ),
  );
  const t0 = Date.now();
  const start = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      // 1c: every sensor in turn on one connection; 50c: connection c carries sensor c only.
      const seqs = Array.from({ length: TOTAL / conns }, (_, k) => (conns === 1 ? k : k * SENSORS + c));
      let next = 0;
      await new Promise<void>((resolve, reject) => {
        let out = 0;
        const pump = () => {
          while (out < window && next < seqs.length) {
            const seq = seqs[next++];
            out++;
            client.publish(`bench/s${seq % SENSORS}`, message(seq % SENSORS, seq, t0), { qos: 1 }, (err) => {
              if (err) return reject(err);
              out--;
              if (next >= seqs.length && out === 0) resolve();
              else pump();
            });
          }
        };
        pump();
      });
    }),
  );
  const ackedMs = performance.now() - start;
  await Promise.all(clients.map((c) => c.endAsync()));
  return { start, ackedMs };
}

async function countPoints(influx: InfluxService, db: string): Promise<number> {
  const q = encodeURIComponent('SELECT count(value) FROM reading');
  const res = await fetch(`${influx.url}/query?db=${db}&q=${q}`);
  const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

/** Polls the count until it reaches TOTAL or stops growing for `quietMs`; ms since `start`. */
async function settle(influx: InfluxService, db: string, start: number, quietMs = 10_000) {
  let stored = 0;
  let at = performance.now();
  while (stored < TOTAL && performance.now() - at < quietMs) {
    await sleep(100);
    const n = await countPoints(influx, db).catch(() => stored);
    if (n !== stored) {
      stored = n;
      at = performance.now();
    }
  }
  return { stored, ms: at - start };
}

function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function influxql(influx: InfluxService, q: string): Promise<void> {
  const res = await fetch(`${influx.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`influxd: ${q}: ${res.status} ${await res.text()}`);
}

const stats = (stored: number, ackedMs: number) =>
  `${stored} of ${TOTAL} stored; all PUBACKed after ${Math.round(ackedMs)} ms (${Math.round(TOTAL / (ackedMs / 1000))}/s)`;

function result(stored: number, ms: number, rssMb: number, note: string): Result {
  return { rate: Math.round(stored / (ms / 1000)), lost: TOTAL - stored, rssMb, note };
}

/** (a) and (b): a subscriber process behind mosquitto, writing to a fresh influxd. */
async function behindMosquitto(dir: string, shape: Shape, kind: 'nodered' | 'direct'): Promise<Result> {
  const influx = await startInfluxd();
  const broker = await startMosquitto();
  let sub: Proc | undefined;
  try {
    await influxql(influx, `CREATE DATABASE ${kind}`);
    const logFile = join(dir, `${kind}-${shape}.log`);
    if (kind === 'direct') {
      const write = `${influx.url}/write?db=direct&precision=ms`;
      sub = startNode('peer-direct', join(REPO, 'test/bench/peer-direct.mjs'), [broker.url, write], { logFile });
    } else {
      const userDir = join(dir, `nodered-${shape}`);
      mkdirSync(userDir, { recursive: true });
      writeFileSync(join(userDir, 'flows.json'), JSON.stringify(noderedFlow(broker.port, influx.port)));
      const port = await freePort();
      sub = startNode('node-red', NODE_RED, ['--userDir', userDir, '--port', String(port), 'flows.json'], {
        logFile,
      });
    }
    const ready = kind === 'direct' ? /"ready":true/ : /Connected to broker/;
    const proc = sub;
    for (let i = 0; !ready.test(proc.log()); i++) {
      if (i > 600 || proc.child.exitCode !== null) throw new Error(`${kind} did not start:\n${proc.log()}`);
      await sleep(100);
    }
    await sleep(500); // the subscription is made just after the connection
    const { start, ackedMs } = await drive(broker.url, shape, {});
    const { stored, ms } = await settle(influx, kind, start);
    return result(stored, ms, peakRssMb(proc.child.pid), stats(stored, ackedMs));
  } finally {
    await sub?.stop();
    await broker.stop();
    await influx.stop();
  }
}

/** The tuned flow of issue 16: QoS 1 in, JSON parsed, 1,000 a batch (or 1 s), one batch write. */
function noderedFlow(mqttPort: number, influxPort: number) {
  return [
    { id: 't1', type: 'tab', label: 'bench' },
    {
      id: 'b1',
      type: 'mqtt-broker',
      broker: '127.0.0.1',
      port: String(mqttPort),
      clientid: 'nodered-bench',
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoConnect: true,
    },
    { id: 'i1', type: 'mqtt in', z: 't1', topic: 'bench/#', qos: '1', datatype: 'json', broker: 'b1', wires: [['j1']] },
    {
      id: 'j1',
      type: 'join',
      z: 't1',
      mode: 'custom',
      build: 'array',
      property: 'payload',
      propertyType: 'msg',
      count: '1000',
      timeout: '1',
      accumulate: false,
      wires: [['w1']],
    },
    {
      id: 'd1',
      type: 'influxdb',
      hostname: '127.0.0.1',
      port: String(influxPort),
      protocol: 'http',
      database: 'nodered',
      influxdbVersion: '1.x',
    },
    { id: 'w1', type: 'influxdb batch', z: 't1', influxdb: 'd1', precision: 'ms', wires: [] },
  ];
}

/** (c) Vigía: edge agent (embedded broker, buffer, forwarder) → server → InfluxDB store. */
async function vigia(dir: string, shape: Shape): Promise<Result> {
  const influx = await startInfluxd();
  const stackDir = join(dir, `vigia-${shape}`);
  try {
    const stack = await startStack({
      dir: stackDir,
      simulator: false,
      // The agent as the systemd unit runs it (edge.bench.ts): the bundle, a Pi's small heap.
      edgeRun: { nodeArgs: EDGE_NODE_FLAGS, script: join(REPO, 'edge', 'dist', 'vigia-edge.mjs') },
      edgeEnv: EDGE_ENV,
      ...(process.env.BENCH_PEER_STAGE
        ? { edgeConfig: { forward: { stage_window: process.env.BENCH_PEER_STAGE } } }
        : {}),
      serverEnv: { VIGIA_INFLUX_URL: influx.url, VIGIA_INFLUX_DB: 'vigia', VIGIA_LOG_LEVEL: 'warn' },
      sensors: () =>
        Array.from({ length: SENSORS }, (_, i) => ({
          id: `bench.s${String(i).padStart(2, '0')}`,
          quantity: 'temperature',
          unit: 'degC',
          source: { driver: 'mqtt' as const, topic: `bench/s${i}`, json_path: 'fields.value' },
        })),
    });
    try {
      const { start, ackedMs } = await drive(stack.brokerUrl, shape, stack.mqttUser);
      const { stored, ms } = await settle(influx, 'vigia', start);
      return result(stored, ms, peakRssMb(stack.edge.child.pid), stats(stored, ackedMs));
    } finally {
      await stack.stop();
    }
  } finally {
    await influx.stop();
  }
}

async function attempt(what: string, run: () => Promise<Result>): Promise<Result> {
  try {
    return await run();
  } catch (err) {
    return { rate: 0, lost: TOTAL, rssMb: 0, note: `${what} failed: ${(err as Error).message.slice(0, 300)}` };
  }
}

async function shape(dir: string, s: Shape, emit: Emit): Promise<void> {
  const suffix = s === '1c' ? '' : '_50c';
  const how = s === '1c' ? 'one connection' : '50 connections';
  const skip = async (): Promise<Result> => ({ rate: 0, lost: 0, rssMb: 0, note: 'not run (BENCH_PEER_TARGETS)' });
  const want = (t: string) => (process.env.BENCH_PEER_TARGETS?.split(',') ?? [t]).includes(t);
  const runs = {
    nodered: await (want('nodered') ? attempt('node-red', () => behindMosquitto(dir, s, 'nodered')) : skip()),
    direct: await (want('direct') ? attempt('direct', () => behindMosquitto(dir, s, 'direct')) : skip()),
    vigia: await (want('vigia') ? attempt('vigia', () => vigia(dir, s)) : skip()),
  };
  for (const [name, r] of Object.entries(runs))
    emit({
      name: `peer.${name}_e2e${suffix}`,
      value: r.rate,
      unit: 'readings/s',
      note: `${how}; lost ${r.lost}; peak RSS of the subscriber side ${r.rssMb} MB; ${r.note}`,
      lost: r.lost,
      rss_mb: r.rssMb,
    });
  const ratio = runs.nodered.rate ? Math.round((runs.vigia.rate / runs.nodered.rate) * 100) / 100 : 0;
  const ofDirect = runs.direct.rate ? Math.round((runs.vigia.rate / runs.direct.rate) * 100) / 100 : 0;
  emit({
    name: `peer.vigia_vs_nodered${suffix}`,
    value: ratio,
    unit: '×',
    ratio,
    note: `${how}: Vigía ÷ Node-RED (target ≥ 1.5, Vigía lost 0); Vigía ÷ direct = ${ofDirect} (target ≥ 0.8)`,
  });
}

export const peerBench: Bench = {
  name: 'peer',
  run: async (emit) => {
    ensureNodeRed();
    const dir = mkdtempSync(join(tmpdir(), 'vigia-peer-'));
    try {
      const only = process.env.BENCH_PEER_SHAPES?.split(',') ?? ['1c', '50c'];
      for (const s of ['1c', '50c'] as const) if (only.includes(s)) await shape(dir, s, emit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
