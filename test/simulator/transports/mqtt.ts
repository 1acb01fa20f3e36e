/**
 * @module test/simulator/transports/mqtt
 * Publishes simulated readings as a sensor node would: QoS 1, JSON `{"value": n}`. Connects
 * in the background and keeps retrying, because the edge's embedded broker may start after
 * the simulator. Like a small sensor node, it does not queue readings while disconnected:
 * mqtt.js would replay such a queue one message per PUBACK, and the edge acknowledges only
 * after its buffer commits (up to ~1 s), so a queue would drain at about one message a second.
 */
import mqtt, { type MqttClient } from 'mqtt';

export type MqttPublisherOptions = {
  url: string;
  username?: string;
  password?: string;
  /** How long to wait between connection attempts. */
  retryMs?: number;
  log?: (line: string) => void;
};

export type MqttPublisher = {
  client: MqttClient;
  /** Resolves on the first successful connection. */
  connected: Promise<void>;
  /** Publish one value; resolves when the broker acknowledged it (PUBACK); rejects when offline. */
  publish: (topic: string, value: number) => Promise<void>;
  stop: () => Promise<void>;
};

/** The payload a simulated sensor node sends. */
export function mqttPayload(value: number): string {
  return JSON.stringify({ value });
}

export function startMqttPublisher(opts: MqttPublisherOptions): MqttPublisher {
  const log = opts.log ?? (() => {});
  const client = mqtt.connect(opts.url, {
    username: opts.username,
    password: opts.password,
    clientId: `vigia-sim-${process.pid}-${Math.floor(Math.random() * 1e6)}`,
    reconnectPeriod: opts.retryMs ?? 1000,
    connectTimeout: 5000,
  });
  let lastError = '';
  client.on('error', (err) => {
    // a broker that is not up yet fails every retry the same way: say it once
    if (err.message !== lastError) log(`mqtt: ${opts.url}: ${err.message} (retrying)`);
    lastError = err.message;
  });
  const connected = new Promise<void>((resolve) => {
    client.on('connect', () => {
      lastError = '';
      log(`mqtt: connected to ${opts.url}`);
      resolve();
    });
  });
  return {
    client,
    connected,
    publish: async (topic, value) => {
      if (!client.connected) throw new Error('not connected: reading not sent');
      await client.publishAsync(topic, mqttPayload(value), { qos: 1 });
    },
    stop: async () => {
      // Graceful: wait (a little) for PUBACKs of messages in flight, so every value the
      // broker took is also recorded as sent; then force the close.
      if (client.connected) {
        await Promise.race([client.endAsync(false), new Promise((r) => setTimeout(r, 3000))]);
      }
      await client.endAsync(true);
    },
  };
}
