/**
 * @module test/e2e/support/publisher
 * A sensor node for fault tests: publishes numbered readings (the value is the sequence number)
 * at QoS 1 to the edge's broker, as fast as `maxInflight` allows or at `ratePerS`, reconnecting
 * whenever the connection drops. Each publish is sent once, on one connection: a reading whose
 * PUBACK never came is not resent (so a reading may arrive at most once more than it was
 * acknowledged, never twice). Records which sequence numbers were PUBACKed.
 */
import mqtt, { type MqttClient } from 'mqtt';

export type PublisherOptions = {
  url: string;
  username: string;
  password: string;
  /** Topic of sequence number `seq`. */
  topic: (seq: number) => string;
  /** Payload of sequence number `seq`; default the number itself. */
  payload?: (seq: number) => string;
  maxInflight?: number;
  /** Readings per second; unlimited (bounded by `maxInflight`) when absent. */
  ratePerS?: number;
  /** Stop publishing after this many (default: until `stop`). */
  count?: number;
};

export type Publisher = {
  /** Sequence numbers the broker acknowledged (PUBACK). */
  acked: Set<number>;
  /** Numbers published so far (1..published). */
  published: () => number;
  /** Publishes on the current connection still waiting for their PUBACK. */
  inflight: () => number;
  /** Connections made so far. */
  connections: () => number;
  /** Wall-clock time each sequence number was published at. */
  sentAt: Map<number, number>;
  done: () => Promise<void>;
  stop: () => Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startPublisher(opts: PublisherOptions): Publisher {
  const maxInflight = opts.maxInflight ?? 50;
  const acked = new Set<number>();
  const sentAt = new Map<number, number>();
  let seq = 0;
  let connections = 0;
  let stopped = false;
  let inflightNow = () => 0;

  async function session(): Promise<void> {
    let client: MqttClient;
    try {
      client = await mqtt.connectAsync(
        opts.url,
        {
          username: opts.username,
          password: opts.password,
          reconnectPeriod: 0,
          connectTimeout: 2000,
          clean: true,
        },
        false,
      ); // false: reject when the first attempt fails, instead of waiting for retries
    } catch {
      await sleep(20);
      return;
    }
    connections++;
    let open = true;
    let inflight = 0;
    inflightNow = () => inflight;
    let wake: (() => void) | undefined;
    const kick = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    client.on('close', () => {
      open = false;
      kick();
    });
    client.on('error', () => {
      open = false;
      kick();
    });
    const t0 = Date.now();
    let sentHere = 0;
    while (open && !stopped && seq < (opts.count ?? Number.POSITIVE_INFINITY)) {
      if (inflight >= maxInflight) {
        await Promise.race([
          new Promise<void>((r) => {
            wake = r;
          }),
          sleep(50),
        ]);
        continue;
      }
      if (opts.ratePerS) {
        const due = t0 + (sentHere * 1000) / opts.ratePerS - Date.now();
        if (due > 0) {
          await sleep(due);
          continue;
        }
      }
      const n = ++seq;
      sentHere++;
      inflight++;
      sentAt.set(n, Date.now());
      client.publish(opts.topic(n), opts.payload?.(n) ?? String(n), { qos: 1 }, (err) => {
        inflight--;
        if (!err) acked.add(n);
        kick();
      });
    }
    // Let the PUBACKs still on the wire arrive before giving the connection up.
    if (open) {
      const deadline = Date.now() + 5000;
      while (inflight > 0 && Date.now() < deadline) await sleep(10);
    }
    client.end(true);
    inflightNow = () => 0;
  }

  const loop = (async () => {
    while (!stopped && seq < (opts.count ?? Number.POSITIVE_INFINITY)) await session();
  })();

  return {
    acked,
    sentAt,
    published: () => seq,
    connections: () => connections,
    inflight: () => inflightNow(),
    /** Resolves once `count` readings were published and their PUBACKs arrived (or the wait timed out). */
    done: () => loop,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * `count` temperature sensors `<prefix>.s<i>` on MQTT topics `<prefix>/s<i>`, as the edge config
 * of a fault test; publish to them with `topic: (seq) => \`<prefix>/s${seq % count}\``.
 */
export function numberedSensors(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}.s${i}`,
    quantity: 'temperature',
    unit: 'degC',
    source: { driver: 'mqtt' as const, topic: `${prefix}/s${i}` },
  }));
}
