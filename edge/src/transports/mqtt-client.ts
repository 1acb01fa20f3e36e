/**
 * @module transports/mqtt-client
 * Intake from an existing broker (`broker.url`): subscribes to the sensor topics at QoS 1 with
 * a persistent session, and acknowledges each message only after the handler resolved (mqtt.js
 * `handleMessage` sends the PUBACK after its callback). Reconnects on its own; reports `retrying`.
 * A message with the RETAIN flag set is a broker's stored copy replayed because a subscription
 * was (re)made, on every reconnect: it is acknowledged and not stored (a reading that comes live
 * arrives with RETAIN cleared, MQTT 3.1.1 §3.3.1.3), so a node's retained value is not stored
 * again, stamped later, at each reconnect. With an mqtts:// url, `ca` (broker.ca_file) is the
 * only CA trusted. mqtt.js is loaded in `start`, only by an agent configured with `broker.url` (it costs ~10 MB
 * of RSS that an agent running its embedded broker does not need).
 */
import type mqtt from 'mqtt';
import { createStatus } from '../status.ts';
import type { MessageHandler, MqttIntake } from './mqtt-intake.ts';

export type MqttClientIntakeOptions = {
  url: string;
  clientId: string;
  topics: ReadonlySet<string>;
  /** PEM CA or certificate to trust for mqtts:// (broker.ca_file); default the system CAs. */
  ca?: string;
  reconnectPeriodMs?: number;
  onError: (err: Error) => void;
};

export function createMqttClientIntake(options: MqttClientIntakeOptions): MqttIntake {
  const status = createStatus(`conectando a ${options.url}`);
  let handler: MessageHandler | undefined;
  let client: mqtt.MqttClient | undefined;
  const shown = new URL(options.url);
  shown.password = '';
  shown.username = '';

  return {
    kind: 'external',
    address: () => shown.toString().replace(/\/$/, ''),
    async start() {
      const { connect } = (await import('mqtt')).default;
      const c = connect(options.url, {
        clientId: options.clientId,
        clean: false,
        // No 64k-entry cache of 2-byte buffers (~5 MB of heap) for the packet writer.
        writeCache: false,
        reconnectPeriod: options.reconnectPeriodMs ?? 2000,
        connectTimeout: 10_000,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      client = c;
      c.handleMessage = (packet, done) => {
        if (packet.retain) return done(); // a replay on (re)subscribe, not a new reading
        if (!handler || !options.topics.has(packet.topic)) {
          // Not ours to store (or not ready): withhold the PUBACK only for sensor topics.
          return done(options.topics.has(packet.topic) ? new Error('agent not ready') : undefined);
        }
        handler(packet.topic, packet.payload as Buffer).then(
          () => done(),
          (err: Error) => done(err),
        );
      };
      c.on('connect', () => {
        status.set('ok', `conectado a ${shown.host}`);
        // Subscribe on every connect, even when the broker kept our session: a session saved
        // before a restart or PUT /config lacks the topics added since (subscribing twice is
        // harmless). Topics removed since are still delivered; handleMessage acks and drops them.
        if (options.topics.size > 0) {
          c.subscribe([...options.topics], { qos: 1 }, (err) => err && options.onError(err));
        }
      });
      c.on('reconnect', () => status.set('retrying', `reconectando a ${shown.host} — revise la red o el broker`));
      c.on('error', (err) => options.onError(err));
    },
    async stop() {
      await client?.endAsync();
      client = undefined;
      status.set('stopped', 'desconectado');
    },
    attach(h) {
      handler = h;
    },
    detach() {
      handler = undefined;
    },
    async publish(topic, payload, opts) {
      if (!client) throw new Error(`not connected to ${shown.host}`);
      await client.publishAsync(topic, payload, { qos: 1, retain: opts.retain });
    },
    status: () => status.get(),
  };
}
