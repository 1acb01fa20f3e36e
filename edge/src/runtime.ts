/**
 * @module runtime
 * The parts of the agent a new config replaces (`PUT /config`): the MQTT intake (embedded
 * broker or client), the drivers, the pipeline, the local safety rules, the forwarder and the
 * server time probe. The buffer, the clock keeper, the telemetry and the local API outlive them.
 * `buildRuntime` only builds; `start` opens (intake, drivers, forwarder) and throws only for
 * what retrying cannot fix (the broker port cannot be bound); `stop` closes so no reading is
 * accepted that cannot be stored: drivers, intake, last group commit, then the forwarder.
 * `probe` reads a source once through the running driver instance that holds its line
 * (`POST /probe`): the agent never opens a port a second time. `checkServer` tries the server
 * URL with the token of this config, with the same https trust as the forwarder.
 */
import {
  alarmTopic,
  type BackoffOptions,
  brokerPort,
  type DriverName,
  type EvaluatorSnapshot,
  type MqttSource,
  type SensorConfig,
} from '@vigia/shared';
import type { Counter } from 'prom-client';
import { createEmbeddedBroker } from './broker/embedded-broker.ts';
import { brokerPermissions } from './broker/permissions.ts';
import { refusalReporter } from './broker/refusals.ts';
import type { ReadingBuffer } from './buffer/buffer.ts';
import type { Clock } from './clock/clock.ts';
import { createServerProbe } from './clock/server-probe.ts';
import type { LoadedConfig } from './config.ts';
import { type Driver, ProbeError } from './drivers/driver.ts';
import { DRIVERS } from './drivers/index.ts';
import { createForwarder } from './forwarder/forwarder.ts';
import { createPipeline } from './pipeline.ts';
import { createSafety } from './safety/safety.ts';
import { checkServer } from './server-check.ts';
import type { Telemetry } from './telemetry.ts';
import { createHttpFetch } from './transports/http-fetch.ts';
import { createMqttClientIntake } from './transports/mqtt-client.ts';
import type { MqttIntake } from './transports/mqtt-intake.ts';

export type RuntimeDeps = {
  buffer: ReadingBuffer;
  clock: Clock;
  telemetry: Telemetry;
  alarms: Counter<'rule' | 'state'>;
  wall: () => number;
  mono: () => number;
  fetch?: typeof fetch;
  retry: BackoffOptions;
  sendBackoff?: BackoffOptions;
};

/** Sensors with the same key share one driver instance: driver and `instanceKey` (e.g. the port). */
const groupKey = (source: SensorConfig['source']) =>
  `${source.driver}\u0000${DRIVERS[source.driver].instanceKey(source as never)}`;

/** Groups sensors into driver instances: one per driver and `instanceKey` (e.g. per port). */
function buildDrivers(
  sensors: readonly SensorConfig[],
  build: (name: DriverName, group: SensorConfig[]) => Driver,
): Map<string, Driver> {
  const groups = new Map<string, { name: DriverName; sensors: SensorConfig[] }>();
  for (const s of sensors) {
    const key = groupKey(s.source);
    const g = groups.get(key) ?? { name: s.source.driver, sensors: [] };
    g.sensors.push(s);
    groups.set(key, g);
  }
  return new Map([...groups].map(([key, g]) => [key, build(g.name, g.sensors)]));
}

export function buildRuntime(loaded: LoadedConfig, deps: RuntimeDeps, carry?: Map<string, EvaluatorSnapshot>) {
  const { config } = loaded;
  const { buffer, clock, telemetry } = deps;
  // server.ca_file: this runtime's requests trust that PEM only (transports/http-fetch.ts).
  const serverFetch = loaded.pem.serverCa ? createHttpFetch({ ca: loaded.pem.serverCa }) : deps.fetch;
  // The server check's requests: the forwarder's trust; node:http, not the global fetch (RSS).
  const checkFetch = serverFetch ?? createHttpFetch();
  const topics = new Set(
    config.sensors.filter((s) => s.source.driver === 'mqtt').map((s) => (s.source as MqttSource).topic),
  );
  const onBrokerError = (err: Error) => telemetry.report(err, 'broker', 'receive');
  const mqtt: MqttIntake = config.broker.url
    ? createMqttClientIntake({
        url: config.broker.url,
        clientId: `vigia-edge-${config.device.id}`,
        topics,
        ca: loaded.pem.brokerCa,
        onError: onBrokerError,
      })
    : createEmbeddedBroker({
        host: config.broker.host,
        port: brokerPort(config.broker),
        allowAnonymous: config.broker.allow_anonymous,
        users: loaded.brokerUsers,
        topics,
        permissions: brokerPermissions(config.broker.users, config.broker.allow_anonymous ? topics : undefined, [
          alarmTopic(config.safety, config.device.id),
        ]),
        limits: {
          maxPacketBytes: config.broker.limits.max_packet_kb * 1024,
          maxConnections: config.broker.limits.max_connections,
          connectionsPerMinute: config.broker.limits.connections_per_minute,
        },
        tls:
          loaded.pem.brokerCert && loaded.pem.brokerKey
            ? { cert: loaded.pem.brokerCert, key: loaded.pem.brokerKey }
            : undefined,
        onError: onBrokerError,
        onRefused: refusalReporter(telemetry.registry, telemetry.log),
      });
  const safety = createSafety({
    config: config.safety,
    device: config.device.id,
    telemetry,
    registry: telemetry.registry,
    alarms: deps.alarms,
    publish: (topic, payload, opts) => mqtt.publish(topic, payload, opts),
    trustedTime: (local) => {
      const anchor = clock.anchor();
      return anchor === null ? null : Math.round(local - clock.localTime(0) + anchor);
    },
    carry,
  });
  const pipeline = createPipeline(config.sensors, buffer, telemetry, { clock, onValue: safety.push });
  const byGroup = buildDrivers(config.sensors, (name, group) =>
    DRIVERS[name].create(group, {
      emit: pipeline.ingest,
      telemetry,
      clock: deps.wall,
      retry: deps.retry,
      // Only a driver that reads from the MQTT intake gets it (drivers/mqtt).
      ...(DRIVERS[name].intake === 'mqtt' ? { mqtt } : {}),
    }),
  );
  const drivers = [...byGroup.values()];
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
    liveIntervalMs: config.forward.live_interval,
    fetch: serverFetch,
    clock: deps.wall,
    mono: deps.mono,
    onAnswer: clock.observeServerDate,
    clockOffsetMs: () => clock.status().offset_ms,
    safetyAlarms: () =>
      safety
        .status()
        .filter((s) => s.state === 'breach')
        .map((s) => ({ rule: s.rule, sensor: s.sensor, since: s.since === null ? null : Math.round(s.since) })),
  });
  const probe = createServerProbe({
    serverUrl: config.server.url,
    needsTime: clock.needsTime,
    observe: clock.observeServerDate,
    mono: deps.mono,
    fetch: serverFetch,
  });

  return {
    loaded,
    mqtt,
    pipeline,
    safety,
    forwarder,
    /** Reads `source` once through the driver instance that holds its line. */
    probe(source: SensorConfig['source']): Promise<{ raw: number }> {
      const key = DRIVERS[source.driver].instanceKey(source as never);
      const held = byGroup.get(groupKey(source));
      if (!held)
        return Promise.reject(
          new ProbeError(
            409,
            `no sensor of this agent reads ${key} with ${source.driver}, so the agent has no line open there: add a sensor on it first, or run  vigia-config probe  on the device / ningún sensor del agente usa ${key}`,
            'line_not_held',
          ),
        );
      if (!held.probe)
        return Promise.reject(
          new ProbeError(422, `the ${source.driver} driver cannot be probed through the agent yet`),
        );
      return held.probe(source);
    },
    /** `POST /server-check`: the server URL tried once with the token (server-check.ts). */
    checkServer: () =>
      checkServer({
        url: config.server.url,
        token: loaded.token,
        device: config.device.id,
        fetch: checkFetch,
        wall: deps.wall,
      }),
    drivers: () =>
      drivers.map((d) => ({ id: d.id, driver: driverNames.get(d) ?? d.id, sensors: [...d.sensors], ...d.status() })),
    async start(): Promise<void> {
      await mqtt.start();
      await Promise.all(drivers.map((d) => d.start()));
      forwarder.start();
      probe.start();
    },
    async stop(): Promise<void> {
      await Promise.all(drivers.map((d) => d.stop()));
      await safety.settle(); // alarm messages still going out need the broker
      await mqtt.stop();
      buffer.flush();
      await probe.stop();
      await forwarder.stop();
    },
  };
}
export type Runtime = ReturnType<typeof buildRuntime>;
