/**
 * @module drivers/mqtt
 * Sensors that publish over MQTT: exact topics map to sensor ids; the payload is a plain
 * number, or JSON with `json_path`. All MQTT sensors share one instance on the agent's MQTT
 * intake. A message's readings are committed before the handler resolves, so the intake's
 * acknowledgement (QoS 1 PUBACK) means "stored". A malformed payload is counted and
 * acknowledged (resending it would not help); only a storage failure withholds the PUBACK.
 */
import { InputError, type MqttSource, type SensorConfig } from '@vigia/shared';
import { createStatus } from '../../status.ts';
import type { MqttIntake } from '../../transports/mqtt-intake.ts';
import type { Driver, DriverDeps, DriverModule, Sample } from '../driver.ts';
import { decodePayloadFor } from './decode.ts';
import { schema } from './schema.ts';

type Route = { sensors: string[]; jsonPaths: (string | undefined)[] };

/** The MQTT driver alone gets the agent's MQTT intake (embedded broker or client to an existing one). */
export type MqttDriverDeps = DriverDeps & { mqtt: MqttIntake };

export function create(sensors: readonly SensorConfig[], deps: MqttDriverDeps): Driver {
  const routes = new Map<string, Route>();
  for (const s of sensors) {
    const source = s.source as MqttSource;
    const route = routes.get(source.topic) ?? { sensors: [], jsonPaths: [] };
    route.sensors.push(s.id);
    route.jsonPaths.push(source.json_path);
    routes.set(source.topic, route);
  }
  const id = 'mqtt';
  const status = createStatus('esperando el broker MQTT', deps.clock);
  const inFlight = new Set<Promise<void>>();

  async function handle(topic: string, payload: Uint8Array): Promise<void> {
    const ts = deps.clock();
    const samples: Sample[] = [];
    const route = routes.get(topic);
    if (!route) return;
    decodePayloadFor(payload, route.jsonPaths).forEach((r, i) => {
      const sensor = route.sensors[i];
      if (r.ok) samples.push({ sensor, ts, raw: r.value });
      else
        deps.telemetry.report(
          new InputError(`decode_${r.code}`, `sensor ${sensor}: payload on ${topic} not usable (${r.code})`),
          `driver:${id}`,
          'receive',
        );
    });
    if (samples.length) await deps.emit(samples);
  }

  return {
    id,
    sensors: sensors.map((s) => s.id),
    async start() {
      deps.mqtt.attach((topic, payload) => {
        const p = handle(topic, payload);
        const tracked = p.catch(() => undefined);
        inFlight.add(tracked);
        tracked.finally(() => inFlight.delete(tracked));
        return p;
      });
      status.set('ok', `${sensors.length} sensor(es) en ${routes.size} tema(s) — broker ${deps.mqtt.address()}`);
    },
    async stop() {
      deps.mqtt.detach();
      await Promise.all(inFlight);
      status.set('stopped', 'detenido');
    },
    status: () => status.get(),
  };
}

export const mqttDriver: DriverModule<typeof schema> = {
  schema,
  instanceKey: () => 'mqtt',
  intake: 'mqtt',
  create,
};
