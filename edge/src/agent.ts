/**
 * @module agent
 * Wires the edge agent: drivers → pipeline (clock stamp, calibrate, local safety rules) → buffer
 * → forwarder, plus the MQTT intake and the local API. `createAgent` only builds (testable, opens
 * nothing); `start` opens the buffer, asks the OS about the clock, starts the runtime (intake,
 * ports, forwarder; runtime.ts), then the API; `stop` closes in reverse so no reading is accepted
 * that cannot be stored. `apply` swaps the runtime for one built from a new config (`PUT /config`)
 * and rolls back to the previous one if the new one cannot start; the buffer is never touched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BackoffOptions, ConfigError, type EdgeSensors, type EdgeStatus } from '@vigia/shared';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { createBuffer } from './buffer/buffer.ts';
import { monotonicMs, readBootId } from './clock/boot.ts';
import { createClock } from './clock/clock.ts';
import { createSyncCheck, type SyncCheck } from './clock/sync-check.ts';
import type { LoadedConfig } from './config.ts';
import { linkStatus } from './link.ts';
import { createAccess } from './local-api/access.ts';
import { createEvents } from './local-api/events.ts';
import { createLocalApi } from './local-api/local-api.ts';
import { createStaticPage } from './local-api/static-page.ts';
import { buildRuntime, type Runtime } from './runtime.ts';
import { alarmCounter } from './safety/safety.ts';
import { createTelemetry } from './telemetry.ts';

export type AgentDeps = {
  logger?: Logger;
  /** The wall clock (default `Date.now`; main.ts shifts it for the wrong-clock test hook). */
  clock?: () => number;
  /** Monotonic ms since boot (default CLOCK_MONOTONIC) and the boot id (default the kernel's). */
  mono?: () => number;
  bootId?: string;
  /** Whether the OS clock is synchronized (default: systemd-timesyncd flag, then timedatectl). */
  syncCheck?: SyncCheck;
  releaseTime?: number;
  fetch?: typeof fetch;
  /** Retry pacing of ports and connections (default 500 ms → 30 s). */
  retry?: BackoffOptions;
  /** Forwarder backoff (default 500 ms → 30 s). */
  sendBackoff?: BackoffOptions;
  commitIntervalMs?: number;
};

/** Keys a running agent cannot change: they need a restart of the service. */
const FIXED_KEYS = ['device', 'buffer', 'api'] as const;

export function createAgent(first: LoadedConfig, deps: AgentDeps = {}) {
  let loaded = first;
  const { config } = first;
  const wall = deps.clock ?? Date.now;
  const mono = deps.mono ?? monotonicMs;
  const telemetry = createTelemetry({ logger: deps.logger, clock: wall });
  const log = telemetry.log;
  const retry = deps.retry ?? { baseMs: 500, maxMs: 30_000 };
  const buffer = createBuffer({
    path: config.buffer.path,
    maxBytes: config.buffer.max_mb * 1024 * 1024,
    commitIntervalMs: deps.commitIntervalMs,
    liveWindowMs: config.forward.live_window,
    stageMs: config.forward.stage_window,
    clock: wall,
    onDropped(drop) {
      // Never silent: counted here, logged, in /status and in every batch's status to the server.
      telemetry.metrics.dropped.inc(drop.count);
      log.warn(
        { component: 'buffer', ...drop, dropped_total: buffer.stats().dropped },
        `readingsDropped: buffer over ${config.buffer.max_mb} MB, dropped the ${drop.count} oldest (${new Date(drop.from_ts).toISOString()} .. ${new Date(drop.to_ts).toISOString()})`,
      );
    },
  });
  const clock = createClock({
    wall,
    mono,
    bootId: deps.bootId ?? readBootId(),
    syncCheck: deps.syncCheck ?? createSyncCheck(),
    releaseTime: deps.releaseTime,
    onJump: (deltaMs) => log.warn({ component: 'clock', delta_ms: deltaMs }, `clockJumped: ${Math.round(deltaMs)} ms`),
    onTrusted(anchor, source) {
      const r = buffer.correct(clock.bootId(), anchor);
      clock.noteCorrected(r.corrected);
      log.info(
        { component: 'clock', ...clock.status(), ...r },
        `clockTrusted: ${source}, ${r.corrected} held readings corrected`,
      );
      if (r.conflicts || r.unplaceable) telemetry.metrics.quarantined.inc(r.conflicts + r.unplaceable);
    },
  });
  const alarms = alarmCounter(telemetry.registry);
  const runtimeDeps = {
    buffer,
    clock,
    telemetry,
    alarms,
    wall,
    mono,
    fetch: deps.fetch,
    retry,
    sendBackoff: deps.sendBackoff,
  };
  let rt: Runtime = buildRuntime(first, runtimeDeps);
  telemetry.gauge(
    'vigia_buffer_pending',
    'readings in the buffer waiting for the server',
    () => buffer.stats().pending,
  );
  telemetry.gauge(
    'vigia_buffer_backlog',
    'readings older than the live window, drained behind the live ones',
    () => buffer.stats().backlog,
  );
  telemetry.gauge('vigia_buffer_held', 'readings held until the clock is trusted', () => buffer.stats().held);
  telemetry.gauge(
    'vigia_backlog_drain_rate',
    'backlog readings acknowledged per second (last 10 s)',
    () => rt.forwarder.status().backlog_rate,
  );
  let startedAt = wall();
  let tick: NodeJS.Timeout | undefined;
  let apiServer: Server | undefined;
  let apiAddress = `http://${config.api.host}:${config.api.port}`;

  function status(): EdgeStatus {
    return {
      device: { id: config.device.id, site: config.device.site },
      started_at: startedAt,
      uptime_s: Math.round((wall() - startedAt) / 1000),
      buffer: buffer.stats(),
      forwarder: rt.forwarder.status(),
      link: linkStatus(rt.loaded.config.server),
      broker: { ...rt.mqtt.status(), address: rt.mqtt.address() },
      drivers: rt.drivers(),
      clock: clock.status(),
      safety: rt.safety.status(),
    };
  }

  function sensors(): EdgeSensors {
    return {
      sensors: loaded.config.sensors.map((s) => ({
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        quantity: s.quantity,
        unit: s.unit,
        driver: s.source.driver,
        latest: rt.pipeline.latest(s.id),
      })),
    };
  }

  /** Swaps the runtime for the new config; on a failed start, back to the previous one. */
  async function apply(next: LoadedConfig, persist?: () => void): Promise<void> {
    for (const key of FIXED_KEYS)
      if (JSON.stringify(next.config[key]) !== JSON.stringify(loaded.config[key]))
        throw new ConfigError(
          `${next.file}: ${key}: cannot change while the agent runs: edit the file and restart the service (systemctl restart vigia-edge)`,
          next.file,
          key,
        );
    const previous = loaded;
    const carry = rt.safety.snapshots();
    const candidate = buildRuntime(next, runtimeDeps, carry); // builds only: opens nothing
    await rt.stop();
    try {
      await candidate.start();
      persist?.(); // the file changes only once the new config runs
    } catch (err) {
      await candidate.stop().catch(() => undefined);
      rt = buildRuntime(previous, runtimeDeps, carry);
      await rt.start();
      log.warn({ component: 'agent', err: (err as Error).message }, 'configRolledBack');
      throw err;
    }
    rt = candidate;
    loaded = next;
    log.info({ component: 'agent', sensors: next.config.sensors.length }, 'configApplied');
  }

  const access = createAccess({
    passwordFile: () => config.api.password_file,
    viewerPasswordFile: () => config.api.viewer_password_file,
    clock: wall,
    failures: new Counter({
      name: 'vigia_api_auth_failures_total',
      help: 'local API requests or logins refused for a wrong password',
      labelNames: ['role'],
      registers: [telemetry.registry],
    }),
  });
  const events = createEvents({ snapshot: () => ({ status: status(), sensors: sensors() }) });
  const api = createLocalApi({
    events,
    page: createStaticPage(),
    status,
    sensors,
    registry: telemetry.registry,
    access,
    probe: (source) => rt.probe(source),
    serverCheck: () => rt.checkServer(),
    passwordFile: config.api.password_file,
    config: { file: first.file, from: config.api.config_from, current: () => loaded, apply },
  });

  async function listenApi(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const srv = createServer(api);
      srv.once('error', reject);
      srv.listen(config.api.port, config.api.host, () => {
        apiAddress = `http://${config.api.host}:${(srv.address() as AddressInfo).port}`;
        resolve();
      });
      apiServer = srv;
    });
  }

  return {
    telemetry,
    buffer,
    clock,
    status,
    sensors,
    apply,
    config: () => loaded,
    addresses: () => ({ broker: rt.mqtt.address(), api: apiAddress }),

    /** Opens everything. Throws only for what retrying cannot fix (buffer file, ports in use). */
    async start(): Promise<void> {
      startedAt = wall();
      buffer.open();
      await clock.start();
      tick = setInterval(() => clock.tick(), 1000);
      tick.unref();
      await rt.start();
      await listenApi();
      log.info(
        {
          device: config.device.id,
          broker: rt.mqtt.address(),
          api: apiAddress,
          sensors: loaded.config.sensors.length,
          buffer: config.buffer.path,
          clock: clock.status(),
        },
        `agentStarted: broker ${rt.mqtt.address()}, local API ${apiAddress}`,
      );
    },

    async stop(): Promise<void> {
      if (tick) clearInterval(tick);
      await rt.stop();
      const srv = apiServer;
      apiServer = undefined;
      events.close();
      if (srv) await new Promise<void>((r) => srv.close(() => r()));
      buffer.close();
      log.info({ pending: buffer.stats().pending }, 'agentStopped');
    },
  };
}
export type Agent = ReturnType<typeof createAgent>;
