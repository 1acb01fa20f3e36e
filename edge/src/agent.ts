/**
 * @module agent
 * Wires the edge agent: drivers → pipeline (calibrate) → buffer → forwarder, plus the MQTT
 * intake and the local API. `createAgent` only builds (testable, opens nothing); `start` opens
 * buffer, broker, ports, API and forwarder in that order; `stop` closes in reverse so no reading
 * is accepted that cannot be stored: drivers first, then the broker, then the last group commit,
 * the forwarder, the API and the database.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { EdgeSensors, EdgeStatus, MqttSource, SensorConfig } from '@vigia/shared';
import type { Logger } from 'pino';
import type { BackoffOptions } from './backoff.ts';
import { createEmbeddedBroker } from './broker/embedded-broker.ts';
import { createBuffer } from './buffer/buffer.ts';
import type { LoadedConfig } from './config.ts';
import type { Driver } from './drivers/driver.ts';
import { DRIVERS } from './drivers/index.ts';
import { createForwarder } from './forwarder/forwarder.ts';
import { createLocalApi } from './local-api/local-api.ts';
import { createPipeline } from './pipeline.ts';
import { createTelemetry } from './telemetry.ts';
import { createMqttClientIntake } from './transports/mqtt-client.ts';
import type { MqttIntake } from './transports/mqtt-intake.ts';

export type AgentDeps = {
  logger?: Logger;
  clock?: () => number;
  fetch?: typeof fetch;
  /** Retry pacing of ports and connections (default 500 ms → 30 s). */
  retry?: BackoffOptions;
  /** Forwarder backoff (default 500 ms → 30 s). */
  sendBackoff?: BackoffOptions;
  commitIntervalMs?: number;
};

/** Groups sensors into driver instances: one per driver and `instanceKey` (e.g. per port). */
function buildDrivers(
  sensors: readonly SensorConfig[],
  build: (name: string, group: SensorConfig[]) => Driver,
): Driver[] {
  const groups = new Map<string, { name: string; sensors: SensorConfig[] }>();
  for (const s of sensors) {
    const mod = DRIVERS[s.source.driver];
    const key = `${s.source.driver}\u0000${mod.instanceKey(s.source)}`;
    const g = groups.get(key) ?? { name: s.source.driver, sensors: [] };
    g.sensors.push(s);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => build(g.name, g.sensors));
}

export function createAgent(loaded: LoadedConfig, deps: AgentDeps = {}) {
  const { config } = loaded;
  const clock = deps.clock ?? Date.now;
  const telemetry = createTelemetry({ logger: deps.logger, clock });
  const log = telemetry.log;
  const retry = deps.retry ?? { minMs: 500, maxMs: 30_000 };
  const buffer = createBuffer({
    path: config.buffer.path,
    maxBytes: config.buffer.max_mb * 1024 * 1024,
    commitIntervalMs: deps.commitIntervalMs,
    liveWindowMs: config.forward.live_window,
    clock,
    onDropped(drop) {
      // Never silent: counted here, logged, in /status and in every batch's status to the server.
      telemetry.metrics.dropped.inc(drop.count);
      log.warn(
        { component: 'buffer', ...drop, dropped_total: buffer.stats().dropped },
        `readingsDropped: buffer over ${config.buffer.max_mb} MB, dropped the ${drop.count} oldest (${new Date(drop.from_ts).toISOString()} .. ${new Date(drop.to_ts).toISOString()})`,
      );
    },
  });
  const topics = new Set(
    config.sensors.filter((s) => s.source.driver === 'mqtt').map((s) => (s.source as MqttSource).topic),
  );
  const onBrokerError = (err: Error) => telemetry.report(err, 'broker', 'receive');
  const mqtt: MqttIntake = config.broker.url
    ? createMqttClientIntake({
        url: config.broker.url,
        clientId: `vigia-edge-${config.device.id}`,
        topics,
        onError: onBrokerError,
      })
    : createEmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        allowAnonymous: config.broker.allow_anonymous,
        users: loaded.brokerUsers,
        topics,
        onError: onBrokerError,
      });
  const pipeline = createPipeline(config.sensors, buffer, telemetry);
  const drivers = buildDrivers(config.sensors, (name, group) =>
    DRIVERS[name].create(group, { emit: pipeline.ingest, telemetry, clock, retry, mqtt }),
  );
  const driverNames = new Map(drivers.map((d) => [d, d.id.split(':')[0]]));
  const forwarder = createForwarder({
    buffer,
    serverUrl: config.server.url,
    token: loaded.token,
    device: config.device.id,
    sensors: config.sensors,
    telemetry,
    backoff: deps.sendBackoff,
    backlogRate: config.forward.backlog_rate,
    fetch: deps.fetch,
    clock,
  });
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
  telemetry.gauge(
    'vigia_backlog_drain_rate',
    'backlog readings acknowledged per second (last 10 s)',
    () => forwarder.status().backlog_rate,
  );
  let startedAt = clock();
  let apiServer: ReturnType<typeof serve> | undefined;
  let apiAddress = `http://${config.api.host}:${config.api.port}`;

  function status(): EdgeStatus {
    const f = forwarder.status();
    return {
      device: { id: config.device.id, site: config.device.site },
      started_at: startedAt,
      uptime_s: Math.round((clock() - startedAt) / 1000),
      buffer: buffer.stats(),
      forwarder: f,
      broker: { ...mqtt.status(), address: mqtt.address() },
      drivers: drivers.map((d) => ({
        id: d.id,
        driver: driverNames.get(d) ?? d.id,
        sensors: [...d.sensors],
        ...d.status(),
      })),
    };
  }

  function sensors(): EdgeSensors {
    return {
      sensors: config.sensors.map((s) => ({
        id: s.id,
        ...(s.name ? { name: s.name } : {}),
        quantity: s.quantity,
        unit: s.unit,
        driver: s.source.driver,
        latest: pipeline.latest(s.id),
      })),
    };
  }

  const app = createLocalApi({ status, sensors, registry: telemetry.registry });

  async function listenApi(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const srv = serve({ fetch: app.fetch, port: config.api.port, hostname: config.api.host }, (info: AddressInfo) => {
        apiAddress = `http://${config.api.host}:${info.port}`;
        resolve();
      });
      srv.once('error', reject);
      apiServer = srv;
    });
  }

  return {
    app,
    telemetry,
    buffer,
    status,
    sensors,
    addresses: () => ({ broker: mqtt.address(), api: apiAddress }),

    /** Opens everything. Throws only for what retrying cannot fix (buffer file, ports in use). */
    async start(): Promise<void> {
      startedAt = clock();
      buffer.open();
      await mqtt.start();
      await Promise.all(drivers.map((d) => d.start()));
      await listenApi();
      forwarder.start();
      log.info(
        {
          device: config.device.id,
          broker: mqtt.address(),
          api: apiAddress,
          sensors: config.sensors.length,
          buffer: config.buffer.path,
        },
        `agentStarted: broker ${mqtt.address()}, local API ${apiAddress}`,
      );
    },

    async stop(): Promise<void> {
      await Promise.all(drivers.map((d) => d.stop()));
      await mqtt.stop();
      buffer.flush();
      await forwarder.stop();
      const srv = apiServer;
      apiServer = undefined;
      if (srv) await new Promise<void>((r) => srv.close(() => r()));
      buffer.close();
      log.info({ pending: buffer.stats().pending }, 'agentStopped');
    },
  };
}
export type Agent = ReturnType<typeof createAgent>;
