/**
 * The edge agent's store-and-forward costs: intake into the disk buffer (the real commit
 * policy) and disk bytes written per reading; a big backlog drained by the real agent into a
 * real vigia-server on loopback (drain rate) while live readings keep flowing (live lag); and
 * the agent process's RSS and CPU at 100 sensors × 1 Hz, and its bytes written per reading with
 * the server reachable and, in a second run, with the server down from the start (everything to
 * the disk buffer: `_server_down`), each with the SD-card writes a year it means (issue 18).
 *
 * The agent runs as on a Pi: the bundle (`pnpm --filter @vigia/edge build`, rebuilt here) through
 * edge/bin/vigia-edge.mjs with the systemd unit's Node flags and environment (`EDGE_NODE_FLAGS`, `EDGE_ENV`). For comparison the
 * footprint is also measured, in the same run, for the sources run through tsx without flags (as
 * in development); those figures end in `_tsx` and their ratio is bundled ÷ tsx.
 *
 * CPU at 100 sensors × 1 Hz is the median of `CPU_WINDOWS` windows (the machine is shared and
 * noisy) after `BENCH_EDGE_WARMUP_S` at load (default 60; see WARMUP_SECONDS), with one MQTT publish per reading and with 10 nodes publishing 10 values each as JSON,
 * beside a bare aedes broker under the same publishes (the floor, see
 * docs/decisions/2026-11-29-edge-cpu-and-the-broker-floor.md); for the default config and, in
 * the same run, for other `forward.live_interval` values (`BENCH_EDGE_INTERVALS`, ratios to
 * the default) with the live latency each gives
 * (publish → server SSE). `BENCH_EDGE_BASELINE=<bundle.mjs>` adds the same figures for another
 * build of the agent (e.g. the previous commit's, built to edge/dist/) with ratios now ÷ then.
 *
 * Scale, stated in each figure's note: `BENCH_BACKLOG_HOURS` (default 6 h: 1.08 M readings);
 * the 7 days × 50 sensors (30.2 M readings) is `BENCH_BACKLOG_HOURS=168`, about 7 min
 * here (fill, then drain), best on its own: `BENCH_EDGE_PARTS=drain` (intake, footprint, drain).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@vigia/shared';
import mqtt from 'mqtt';
import { createBuffer } from '../../edge/src/buffer/buffer.ts';
import { startPublisher } from '../e2e/support/publisher.ts';
import { waitFor } from '../services/util.ts';
import { ApiClient } from '../support/client.ts';
import { REPO } from '../support/process.ts';
import { DEMO_USER, type StackOptions, startStack } from '../support/stack.ts';
import { pageFootprint } from './edge-page.ts';
import { type Bench, type Emit, liveLag, percentile } from './figure.ts';

const INTAKE = Number(process.env.BENCH_INTAKE ?? 200_000);
const BACKLOG_HOURS = Number(process.env.BENCH_BACKLOG_HOURS ?? 6);
const BACKLOG_SENSORS = 50;
const LOAD_SECONDS = Number(process.env.BENCH_EDGE_SECONDS ?? 30);
/**
 * Seconds at load before CPU is measured. V8 keeps compiling the agent's hot code on its worker
 * threads for about the first minute at 100 readings/s (measured: 2.6 % of a core in the first
 * 20 s, 1.2–1.5 % from the second minute on); an agent runs for months, so the figure is taken
 * after it, and the warm-up's own CPU is reported beside it (`edge.agent_cpu_warmup`).
 */
const WARMUP_SECONDS = Number(process.env.BENCH_EDGE_WARMUP_S ?? 60);
const LOAD_SENSORS = 100;
const CPU_WINDOWS = 6;
/** `forward.live_interval` values measured besides the default ("1ms": a request per commit). */
const INTERVALS = (process.env.BENCH_EDGE_INTERVALS ?? '1ms,2s').split(',').filter(Boolean);
const BASELINE = process.env.BENCH_EDGE_BASELINE;
/**
 * Which parts run (`BENCH_EDGE_PARTS=drain` for a long backlog on its own, `page` for the page on
 * the Pi's RSS and CPU: edge-page.ts); default all.
 */
const PARTS = new Set((process.env.BENCH_EDGE_PARTS ?? 'intake,footprint,page,drain').split(','));
/** The Node flags of edge/systemd/vigia-edge.service: a small heap for a Pi. */
export const EDGE_NODE_FLAGS = ['--max-old-space-size=48', '--max-semi-space-size=1'];
/** The environment of edge/systemd/vigia-edge.service besides NODE_OPTIONS. */
export const EDGE_ENV = { MALLOC_ARENA_MAX: '2' };
/** How the unit runs the agent, for the figures' notes. */
const UNIT_RUN = [...EDGE_NODE_FLAGS, ...Object.entries(EDGE_ENV).map(([k, v]) => `${k}=${v}`)].join(' ');
// The bundle this run built, named directly: another engineer's edit under edge/src or
// shared/src during the run would make the bin fall back to the sources through tsx.
const BUNDLED: StackOptions['edgeRun'] = {
  nodeArgs: EDGE_NODE_FLAGS,
  script: join(REPO, 'edge', 'dist', 'vigia-edge.mjs'),
};
const TSX: StackOptions['edgeRun'] = { nodeArgs: ['--import', 'tsx'], script: join(REPO, 'edge', 'src', 'main.ts') };

/** Builds the agent's bundle, so the bin runs it (it runs the sources when the bundle is stale). */
function buildEdge(): void {
  const r = spawnSync(process.execPath, [join(REPO, 'edge', 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`edge build failed (exit ${r.status})`);
}

function writeBytes(pid: number | 'self'): number {
  const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? Number.NaN) / 1024;
}

const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** CPU of `pid` over `seconds`, % of a core; `eachSecond` runs once a second meanwhile. */
async function cpuOver(pid: number, seconds: number, eachSecond?: () => void): Promise<number> {
  const c0 = cpuSeconds(pid);
  const w0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    eachSecond?.();
  }
  return ((cpuSeconds(pid) - c0) / ((performance.now() - w0) / 1000)) * 100;
}

/** Each of `CPU_WINDOWS` windows' CPU over `LOAD_SECONDS` in all, % of a core (the machine is noisy). */
async function cpuWindows(pid: number, eachSecond?: () => void): Promise<number[]> {
  const windows: number[] = [];
  const seconds = Math.max(1, Math.round(LOAD_SECONDS / CPU_WINDOWS));
  for (let w = 0; w < CPU_WINDOWS; w++) windows.push(await cpuOver(pid, seconds, eachSecond));
  return windows;
}

/** Appends through the buffer API with the agent's commit policy (250 ms / 1000 readings per group). */
async function intake(emit: Emit): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-intake-'));
  try {
    const buffer = createBuffer({ path: join(dir, 'buffer.db'), maxBytes: 1e10 });
    buffer.open();
    const t0 = Date.now();
    const written0 = writeBytes('self');
    const start = performance.now();
    // 50 sensors, each append one scan of 10 readings, up to 100 appends outstanding (as drivers do).
    let next = 0;
    const worker = async () => {
      while (next < INTAKE) {
        const from = next;
        next += 10;
        const batch: Reading[] = Array.from({ length: 10 }, (_, i) => ({
          sensor: `bench.s${(from + i) % 50}`,
          ts: t0 + from + i,
          value: i,
          q: 'good',
        }));
        await buffer.append(batch);
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    const ms = performance.now() - start;
    buffer.close();
    const written = writeBytes('self') - written0;
    emit({
      name: 'edge.buffer_intake',
      value: Math.round(INTAKE / (ms / 1000)),
      unit: 'readings/s',
      ratio: Math.round(INTAKE / (ms / 1000)) / 20_000,
      note: `${INTAKE} readings through buffer.append (commit ≤ 250 ms or 1000 readings, synchronous=FULL); ratio to the 20,000/s target`,
    });
    emit({
      name: 'edge.buffer_bytes_written_per_reading',
      value: Math.round(written / INTAKE),
      unit: 'bytes',
      note: 'write_bytes of /proc/self/io during the intake (SQLite file + WAL + checkpoints)',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A backlog drained by the real agent into a real server, while one live sensor publishes at 1 Hz. */
async function drain(emit: Emit): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-drain-'));
  const sensors = () => [
    ...Array.from({ length: BACKLOG_SENSORS }, (_, i) => ({
      id: `bench.b${String(i).padStart(2, '0')}`,
      quantity: 'temperature',
      unit: 'degC',
      source: { driver: 'mqtt' as const, topic: `bench/b${i}` },
    })),
    {
      id: 'bench.live',
      quantity: 'temperature',
      unit: 'degC',
      source: { driver: 'mqtt' as const, topic: 'bench/live' },
    },
  ];
  const stack = await startStack({
    dir,
    simulator: false,
    sensors,
    edgeConfig: {
      forward: { backlog_rate: 1_000_000 },
      // Room for the whole backlog (about 70 bytes a reading on disk): nothing may be dropped.
      buffer: {
        path: './edge-data/buffer.db',
        max_mb: Math.max(512, Math.ceil((BACKLOG_HOURS * 3600 * BACKLOG_SENSORS * 100) / 2 ** 20)),
      },
    },
    edgeRun: BUNDLED,
    edgeEnv: EDGE_ENV,
  });
  try {
    // Pre-fill the agent's buffer file while it is stopped: the backlog of an outage.
    await stack.edge.stop();
    const n = Math.round(BACKLOG_HOURS * 3600 * BACKLOG_SENSORS);
    const buffer = createBuffer({ path: join(dir, 'edge-data', 'buffer.db'), maxBytes: 1e11, commitIntervalMs: 0 });
    buffer.open();
    const from = Date.now() - BACKLOG_HOURS * 3_600_000 - 60_000;
    for (let i = 0; i < n; ) {
      const chunk: Reading[] = [];
      for (let j = 0; j < 50_000 && i < n; j++, i++) {
        chunk.push({
          sensor: `bench.b${String(i % BACKLOG_SENSORS).padStart(2, '0')}`,
          ts: from + Math.floor(i / BACKLOG_SENSORS) * 1000,
          value: i,
          q: 'good',
        });
      }
      await buffer.append(chunk);
    }
    buffer.close();
    // The fill held this event loop for minutes: let fetch see the keep-alive sockets the
    // server closed meanwhile, or the login below is written into a dead one ("fetch failed").
    await new Promise((r) => setTimeout(r, 500));

    const api = new ApiClient(stack.serverUrl);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    const { sentAt, lags: lag, close } = await liveLag(api, 'bench.live');
    await stack.startEdge();
    const start = performance.now();
    const client = await mqtt.connectAsync(stack.brokerUrl, { ...stack.mqttUser, reconnectPeriod: 0 });
    let seq = 0;
    const live = setInterval(() => {
      const v = ++seq;
      sentAt.set(v, performance.now());
      client.publish('bench/live', String(v), { qos: 1 });
    }, 1000);
    let peakRate = 0;
    let dropped = 0;
    await waitFor(
      async () => {
        const st = (await (await fetch(`${stack.apiUrl}/status`)).json()) as {
          buffer: { backlog: number; dropped: number };
          forwarder: { backlog_rate: number };
        };
        dropped = st.buffer.dropped; // checked after the wait: waitFor swallows a check's errors
        peakRate = Math.max(peakRate, st.forwarder.backlog_rate);
        return st.buffer.backlog === 0;
      },
      30 * 60_000,
      () => 'the backlog did not drain',
      500,
    );
    const ms = performance.now() - start;
    if (dropped > 0) throw new Error(`the agent dropped ${dropped} readings of the backlog: raise buffer.max_mb`);
    clearInterval(live);
    await new Promise((r) => setTimeout(r, 1500));
    close();
    await client.endAsync();
    lag.sort((a, b) => a - b);
    const scale = `${BACKLOG_HOURS} h × ${BACKLOG_SENSORS} sensors at 1 Hz = ${n} readings${BACKLOG_HOURS >= 168 ? '' : " (the issue's 7 d: BENCH_BACKLOG_HOURS=168, 30.2 M)"}`;
    emit({
      name: 'edge.backlog_drain',
      value: Math.round(n / (ms / 1000)),
      unit: 'readings/s',
      ratio: Math.round(n / (ms / 1000)) / 50_000,
      note: `${scale}, drained by vigia-edge into vigia-server (embedded store) on loopback in ${Math.round(ms / 1000)} s, backlog_rate unlimited; peak rate in /status ${peakRate}/s; ratio to the 50,000/s target`,
    });
    const note = `sensor publish → server SSE for 1 live sensor at 1 Hz during that drain, ${lag.length} of ${seq} samples`;
    emit({ name: 'edge.live_lag_during_drain_p50', value: Math.round(percentile(lag, 50)), unit: 'ms', note });
    emit({ name: 'edge.live_lag_during_drain_max', value: Math.round(lag.at(-1) ?? Number.NaN), unit: 'ms', note });
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Footprint = {
  rss: number;
  /** Median over the windows, % of a core. */
  cpu: number;
  /** Each window's CPU, % of a core. */
  windows: number[];
  bytes: number;
  /** Publish → server SSE, ms, sorted. */
  lag: number[];
  /** Median CPU before any reading arrives (the floor), when measured. */
  idle?: number;
  /** CPU over the warm-up at load, % of a core. */
  warmup: number;
  note: string;
};

/** How 100 sensors × 1 Hz reach the agent over MQTT. */
type Workload = {
  label: string;
  sensors: () => {
    id: string;
    quantity: string;
    unit: string;
    source: { driver: 'mqtt'; topic: string; json_path?: string };
  }[];
  topic: (seq: number) => string;
  payload?: (seq: number) => string;
  /** Publishes per second, and readings each carries. */
  ratePerS: number;
  readingsPerPublish: number;
  /** Whether a live reading of `sensor` with value `seq` is one this workload published. */
  published: (sensor: string, seq: number) => boolean;
};

/** Every reading its own publish: 100 publishes a second (a node per sensor; the worst case for the broker). */
const PER_READING: Workload = {
  label: 'one publish per reading',
  sensors: () =>
    Array.from({ length: LOAD_SENSORS }, (_, i) => ({
      id: `load.s${i}`,
      quantity: 'temperature',
      unit: 'degC',
      source: { driver: 'mqtt' as const, topic: `load/s${i}` },
    })),
  topic: (seq) => `load/s${seq % LOAD_SENSORS}`,
  ratePerS: LOAD_SENSORS,
  readingsPerPublish: 1,
  published: (sensor, seq) => sensor === `load.s${seq % LOAD_SENSORS}`,
};

const NODES = 10;
/** 10 nodes of 10 sensors, each publishing its values as one JSON message a second (json_path per sensor). */
const JSON_NODES: Workload = {
  label: `${NODES} nodes, one JSON publish of ${LOAD_SENSORS / NODES} values each a second`,
  sensors: () =>
    Array.from({ length: LOAD_SENSORS }, (_, i) => ({
      id: `load.s${i}`,
      quantity: 'temperature',
      unit: 'degC',
      source: { driver: 'mqtt' as const, topic: `load/n${Math.floor(i / NODES)}`, json_path: `v${i % NODES}` },
    })),
  topic: (seq) => `load/n${seq % NODES}`,
  payload: (seq) => JSON.stringify(Object.fromEntries(Array.from({ length: NODES }, (_, k) => [`v${k}`, seq]))),
  ratePerS: NODES,
  readingsPerPublish: LOAD_SENSORS / NODES,
  published: (sensor, seq) => Math.floor(Number(sensor.slice('load.s'.length)) / NODES) === seq % NODES,
};

/** Waits `WARMUP_SECONDS` at load (see there); returns the process's CPU meanwhile, % of a core. */
function warmUp(pid: number): Promise<number> {
  return cpuOver(pid, WARMUP_SECONDS);
}

/** The agent process at 100 sensors × 1 Hz over MQTT, forwarding to a real server. */
async function footprint(
  edgeRun: StackOptions['edgeRun'],
  edgeConfig?: StackOptions['edgeConfig'],
  label = '',
  measureIdle = false,
  workload: Workload = PER_READING,
  serverDown = false,
): Promise<Footprint> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-load-'));
  const sensors = workload.sensors;
  const edgeEnv = edgeRun === TSX ? undefined : EDGE_ENV;
  const stack = await startStack({ dir, simulator: false, sensors, edgeRun, edgeConfig, edgeEnv });
  try {
    const pid = stack.edge.child.pid ?? 0;
    const api = new ApiClient(stack.serverUrl);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    // The server down from the start: every reading goes to the disk buffer (the outage case).
    if (serverDown) await stack.server.stop();
    const idle: number[] = [];
    if (measureIdle) {
      await new Promise((r) => setTimeout(r, 2000));
      for (let w = 0; w < 3; w++) idle.push(await cpuOver(pid, 4));
    }
    const publisher = startPublisher({
      url: stack.brokerUrl,
      ...stack.mqttUser,
      topic: workload.topic,
      payload: workload.payload,
      ratePerS: workload.ratePerS,
    });
    let measuring = false;
    const lag: number[] = [];
    const close = serverDown
      ? () => undefined
      : await api.live((e) => {
          if (e.event !== 'reading' || !measuring) return;
          const d = e.data as { sensor: string; value: number };
          const t = publisher.sentAt.get(d.value);
          if (t !== undefined && workload.published(d.sensor, d.value)) lag.push(Date.now() - t);
        });
    const warmup = await warmUp(pid);
    measuring = true;
    const written0 = writeBytes(pid);
    const acked0 = publisher.acked.size;
    const t0 = performance.now();
    let rss = 0;
    const windows = await cpuWindows(pid, () => {
      rss = Math.max(rss, rssMb(pid));
    });
    const secs = (performance.now() - t0) / 1000;
    const readings = (publisher.acked.size - acked0) * workload.readingsPerPublish;
    const written = writeBytes(pid) - written0;
    measuring = false;
    close();
    await publisher.stop();
    const how = edgeRun === TSX ? 'sources through tsx, no flags' : `bundle, ${UNIT_RUN}`;
    lag.sort((a, b) => a - b);
    return {
      rss,
      cpu: median(windows),
      windows,
      warmup,
      bytes: written / Math.max(1, readings),
      lag,
      ...(idle.length ? { idle: median(idle) } : {}),
      note: `vigia-edge (${how}${label}) at ${LOAD_SENSORS} sensors × 1 Hz over MQTT QoS 1 (${workload.label}) for ${Math.round(secs)} s (${readings} readings) after ${WARMUP_SECONDS} s at load, ${serverDown ? 'the server down (everything to the disk buffer)' : 'forwarding to vigia-server'}`,
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const edgeBench: Bench = {
  name: 'edge',
  run: async (emit) => {
    buildEdge();
    if (PARTS.has('intake')) await intake(emit);
    if (PARTS.has('footprint')) await footprints(emit);
    if (PARTS.has('page'))
      await pageFootprint(emit, {
        edgeRun: BUNDLED,
        edgeEnv: EDGE_ENV,
        warmUp,
        cpuWindows,
        rssMb,
        median,
        warmupSeconds: WARMUP_SECONDS,
        unitRun: UNIT_RUN,
        workload: PER_READING,
      });
    if (PARTS.has('drain')) await drain(emit);
  },
};

/**
 * CPU of a bare aedes broker (bare-broker.mjs: no buffer, no forwarding, each publish
 * acknowledged at once) under the same 100 publishes a second, measured like the agent: the
 * floor the MQTT intake of any agent built on aedes stands on.
 */
async function brokerFloor(): Promise<{ cpu: number; windows: number[]; note: string }> {
  const child = spawn(process.execPath, [...EDGE_NODE_FLAGS, join(REPO, 'test', 'bench', 'bare-broker.mjs')], {
    env: { ...process.env, ...EDGE_ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let publisher: ReturnType<typeof startPublisher> | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`bare-broker.mjs exited (${code})`)));
      child.stdout?.once('data', (d: Buffer) => resolve((JSON.parse(String(d)) as { port: number }).port));
    });
    const pid = child.pid ?? 0;
    publisher = startPublisher({
      url: `mqtt://127.0.0.1:${port}`,
      username: 'bench',
      password: 'bench',
      topic: PER_READING.topic,
      ratePerS: PER_READING.ratePerS,
    });
    await warmUp(pid);
    const acked0 = publisher.acked.size;
    const windows = await cpuWindows(pid);
    const acked = publisher.acked.size - acked0;
    return {
      cpu: median(windows),
      windows,
      note: `bare aedes (test/bench/bare-broker.mjs, ${UNIT_RUN}), ${PER_READING.ratePerS} QoS 1 publishes a second after ${WARMUP_SECONDS} s at load, each acknowledged at once, nothing stored (${acked} acknowledged)`,
    };
  } finally {
    await publisher?.stop();
    child.kill('SIGTERM');
  }
}

/** RSS, CPU, bytes written and live latency at 100 sensors × 1 Hz, for each configuration compared. */
async function footprints(emit: Emit): Promise<void> {
  const b = await footprint(BUNDLED, undefined, '', true);
  const sweep: [string, Footprint][] = [];
  for (const interval of INTERVALS)
    sweep.push([
      interval,
      await footprint(BUNDLED, { forward: { live_interval: interval } }, `, live_interval ${interval}`),
    ]);
  const base = BASELINE ? await footprint({ ...BUNDLED, script: BASELINE }, undefined, `, baseline ${BASELINE}`) : null;
  const baseDown = BASELINE
    ? await footprint({ ...BUNDLED, script: BASELINE }, undefined, `, baseline ${BASELINE}`, false, PER_READING, true)
    : null;
  const t = await footprint(TSX);
  const nodes = await footprint(BUNDLED, undefined, '', false, JSON_NODES);
  const down = await footprint(BUNDLED, undefined, '', false, PER_READING, true);
  const floor = await brokerFloor();
  const rss = (f: Footprint) => Math.round(f.rss);
  const cpu = (f: { cpu: number }) => Number(f.cpu.toFixed(2));
  const windows = (f: { windows: number[] }) =>
    `median of ${f.windows.length} windows [${f.windows.map((w) => w.toFixed(2)).join(', ')}]`;
  const lagFigures = (f: Footprint, suffix: string, ratioTo?: Footprint) => {
    const lagNote = `publish → server SSE of the ${f.lag.length} readings the server published live (it publishes a sensor's newest per batch); ${f.note}`;
    for (const p of [50, 99] as const)
      emit({
        name: `edge.agent_live_latency_p${p}${suffix}`,
        value: Math.round(percentile(f.lag, p)),
        unit: 'ms',
        ...(ratioTo ? { ratio: percentile(f.lag, p) / percentile(ratioTo.lag, p) } : {}),
        note: ratioTo ? `${lagNote}; ratio to the default config's` : lagNote,
      });
  };
  const bytes = (f: Footprint) => Math.round(f.bytes);
  emit({
    name: 'edge.agent_rss_max',
    value: rss(b),
    unit: 'MB',
    ratio: b.rss / 80,
    note: `${b.note}; ratio to 80 MB`,
  });
  emit({
    name: 'edge.agent_rss_max_tsx',
    value: rss(t),
    unit: 'MB',
    ratio: b.rss / t.rss,
    note: `${t.note}; ratio bundled ÷ tsx`,
  });
  const cpuNote = '/proc/<pid>/stat utime+stime';
  /** A CPU figure measured in windows; `ratioNote` says what `ratio` compares. */
  const cpuFigure = (
    name: string,
    f: { cpu: number; windows: number[]; note: string },
    ratio: number,
    ratioNote: string,
  ) =>
    emit({
      name,
      value: cpu(f),
      unit: '% of a core',
      ratio,
      note: `${f.note}; ${cpuNote}, ${windows(f)}; ${ratioNote}`,
    });
  cpuFigure('edge.agent_cpu', b, b.cpu / 2, 'ratio to 2 %');
  lagFigures(b, '');
  emit({
    name: 'edge.agent_cpu_warmup',
    value: Number(b.warmup.toFixed(2)),
    unit: '% of a core',
    ratio: b.warmup / b.cpu,
    note: `the same agent over its first ${WARMUP_SECONDS} s at load (V8 still compiling); ${cpuNote}; ratio to edge.agent_cpu`,
  });
  emit({
    name: 'edge.agent_cpu_idle',
    value: Number((b.idle ?? Number.NaN).toFixed(2)),
    unit: '% of a core',
    ratio: (b.idle ?? Number.NaN) / b.cpu,
    note: `the same agent with its 100 sensors configured and no reading arriving (median of 3 × 4 s); ratio to its CPU at 100 readings/s`,
  });
  cpuFigure('edge.agent_cpu_json_nodes', nodes, nodes.cpu / 2, 'ratio to 2 %');
  lagFigures(nodes, '_json_nodes');
  cpuFigure(
    'edge.broker_floor_cpu',
    floor,
    b.cpu / floor.cpu,
    'ratio = edge.agent_cpu (the whole agent, same publishes) / this',
  );
  for (const [interval, f] of sweep) {
    const suffix = `_live_interval_${interval}`;
    cpuFigure(`edge.agent_cpu${suffix}`, f, f.cpu / b.cpu, "ratio to the default config's");
    lagFigures(f, suffix, b);
  }
  if (base) {
    cpuFigure('edge.agent_cpu_baseline', base, b.cpu / base.cpu, 'ratio now ÷ baseline');
    lagFigures(base, '_baseline');
    emit({
      name: 'edge.agent_bytes_written_per_reading_baseline',
      value: bytes(base),
      unit: 'bytes',
      ratio: b.bytes / base.bytes,
      note: `${base.note}; ratio now ÷ baseline`,
    });
  }
  if (baseDown)
    emit({
      name: 'edge.agent_bytes_written_per_reading_server_down_baseline',
      value: bytes(baseDown),
      unit: 'bytes',
      ratio: down.bytes / baseDown.bytes,
      note: `${baseDown.note}; ratio now ÷ baseline`,
    });
  cpuFigure('edge.agent_cpu_tsx', t, b.cpu / t.cpu, 'ratio bundled ÷ tsx');
  const bytesNote = '/proc/<pid>/io write_bytes (buffer, WAL, logs)';
  // An SD card's yearly writes at 100 readings/s, from bytes per reading (decimal units).
  const perYear = (f: Footprint) => {
    const gb = (f.bytes * 100 * 86_400 * 365) / 1e9;
    return gb >= 1000 ? `${(gb / 1000).toFixed(1)} TB` : `${gb.toFixed(1)} GB`;
  };
  emit({
    name: 'edge.agent_bytes_written_per_reading',
    value: bytes(b),
    unit: 'bytes',
    ratio: b.bytes / 100,
    note: `${b.note}; ${bytesNote}; at 100 readings/s about ${perYear(b)} written a year; ratio to the 100-byte target`,
  });
  emit({
    name: 'edge.agent_bytes_written_per_reading_server_down',
    value: bytes(down),
    unit: 'bytes',
    ratio: down.bytes / 769,
    note: `${down.note}; ${bytesNote}; at 100 readings/s about ${perYear(down)} a year while the server is down; ratio to 769 bytes (server reachable, before staging)`,
  });
  emit({
    name: 'edge.agent_rss_max_server_down',
    value: rss(down),
    unit: 'MB',
    ratio: down.rss / 80,
    note: `${down.note}; ratio to 80 MB`,
  });
  emit({
    name: 'edge.agent_bytes_written_per_reading_tsx',
    value: bytes(t),
    unit: 'bytes',
    ratio: b.bytes / t.bytes,
    note: `${t.note}; ${bytesNote}; ratio bundled ÷ tsx`,
  });
}
