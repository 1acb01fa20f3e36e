/**
 * @module drivers/mqtt
 * Sensors that publish over MQTT: exact topics map to sensor ids; the payload is a plain
 * number, or JSON with `json_path`. All MQTT sensors share one instance on the agent's MQTT
 * intake. A message's readings are committed before the handler resolves, so the intake's
 * acknowledgement (QoS 1 PUBACK) means "stored". A malformed payload is counted and
 * acknowledged (resending it would not help); only a storage failure withholds the PUBACK.
 * `probe` (`POST /probe`): the latest payload received on a sensor topic, read with the probe's
 * own `json_path` (or the next one, within `PROBE_WAIT_MS`, when none came since the start). The
 * agent takes in only its sensors' topics, so a topic no sensor reads cannot be probed (409).
 */
import { InputError, type MqttSource, type SensorConfig } from '@vigia/shared';
import { createStatus } from '../../status.ts';
import type { MqttIntake } from '../../transports/mqtt-intake.ts';
import { type Driver, type DriverDeps, type DriverModule, PROBE_WAIT_MS, ProbeError, type Sample } from '../driver.ts';
import { decodePayload, decodePayloadFor } from './decode.ts';
import { schema } from './schema.ts';

type Route = { sensors: string[]; jsonPaths: (string | undefined)[] };

/** The MQTT driver alone gets the agent's MQTT intake (embedded broker or client to an existing one). */
export type MqttDriverDeps = DriverDeps & { mqtt: MqttIntake };

export function create(
  sensors: readonly SensorConfig[],
  deps: MqttDriverDeps,
  options: { probeWaitMs?: number } = {},
): Driver {
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
  /** The latest payload per sensor topic (one each: bounded by the broker's packet limit). */
  const latest = new Map<string, Uint8Array>();
  const waiters = new Map<string, Set<(payload: Uint8Array | null) => void>>();

  async function handle(topic: string, payload: Uint8Array): Promise<void> {
    const ts = deps.clock();
    const samples: Sample[] = [];
    const route = routes.get(topic);
    if (!route) return;
    latest.set(topic, payload);
    for (const w of waiters.get(topic) ?? []) w(payload);
    waiters.delete(topic);
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
    async probe(given) {
      const source = given as MqttSource;
      if (!routes.has(source.topic))
        throw new ProbeError(
          409,
          `no sensor of this agent reads the topic ${source.topic}, and the agent takes in only its sensors' topics: save the sensor first, then see its value in the list / ningún sensor usa el tema ${source.topic}: guarde el sensor y vea su valor en la lista`,
          'line_not_held',
        );
      const waitMs = options.probeWaitMs ?? PROBE_WAIT_MS;
      const payload =
        latest.get(source.topic) ??
        (await new Promise<Uint8Array | null>((resolve) => {
          const set = waiters.get(source.topic) ?? new Set();
          const done = (p: Uint8Array | null) => {
            clearTimeout(timer);
            set.delete(done);
            resolve(p);
          };
          const timer = setTimeout(() => done(null), waitMs);
          set.add(done);
          waiters.set(source.topic, set);
        }));
      if (payload === null)
        throw new ProbeError(
          504,
          `nothing was published on ${source.topic} in ${waitMs / 1000} s: check that the node is on and connected / no llegó nada en ${source.topic} en ${waitMs / 1000} s — revise que el nodo esté encendido y conectado`,
        );
      const r = decodePayload(payload, source.json_path);
      if (!r.ok) {
        const text = new TextDecoder().decode(payload.subarray(0, 120));
        throw new ProbeError(
          422,
          `the latest payload on ${source.topic} does not give the value (${r.code}): ${JSON.stringify(text)} — check json_path / el último mensaje no da el valor`,
        );
      }
      return { raw: r.value };
    },
    async stop() {
      for (const set of waiters.values()) for (const w of set) w(null);
      waiters.clear();
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
