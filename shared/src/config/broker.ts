/**
 * @module config/broker
 * The `broker:` block of edge.yaml: the embedded MQTT broker the sensor nodes publish to, or
 * an existing one (`url`). Security lives here (docs/decisions/2026-12-04-mqtt-permissions.md):
 * each user names the topics it may publish (`topics`), whether it may retain them (`retain`),
 * and the filters it may subscribe to (`subscribe`, default none); the agent's alarm topic is
 * never publishable by a node (checked in the edge config). Limits protect the Pi from a
 * misbehaving or hostile node; TLS (`tls`) keeps a sniffed Wi-Fi from reading the passwords.
 */
import { z } from 'zod';

const Port = z.number().int().min(0).max(65535);
const ConcreteTopic = z
  .string()
  .min(1)
  .refine((t) => !/[+#]/.test(t) && !t.startsWith('$'), 'use a concrete topic, without + or # and not starting with $');

export const BrokerUser = z
  .object({
    username: z.string().min(1),
    password_file: z.string().min(1),
    topics: z
      .array(ConcreteTopic)
      .default([])
      .describe('the topics this user may publish (its sensors\u2019 topics); anything else is refused'),
    retain: z.boolean().default(false).describe('whether its publishes may be retained; refused otherwise'),
    subscribe: z
      .array(z.string().min(1))
      .default([])
      .describe('topic filters this user may subscribe to, exactly as listed (e.g. its command topic); default none'),
  })
  .strict();

export const BrokerLimits = z
  .object({
    max_packet_kb: z.number().int().min(1).max(1024).default(64).describe('a larger MQTT packet closes its connection'),
    max_connections: z.number().int().min(1).default(64).describe('connections open at once; more are closed'),
    connections_per_minute: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('connection attempts per client address per minute; more are closed at once'),
  })
  .strict();

export const BrokerConfig = z
  .object({
    port: Port.optional().describe('default 1883, or 8883 with tls'),
    host: z.string().default('0.0.0.0'),
    url: z
      .url({ protocol: /^mqtts?$/ })
      .optional()
      .describe('use an existing broker instead of the embedded one'),
    ca_file: z
      .string()
      .min(1)
      .optional()
      .describe('with an mqtts:// url: the CA (or the broker certificate) to trust, PEM'),
    tls: z
      .object({
        cert_file: z.string().min(1).describe('PEM certificate (chain) of the embedded broker'),
        key_file: z.string().min(1).describe('its PEM private key (chmod 600)'),
      })
      .strict()
      .optional()
      .describe('serve MQTT over TLS (port 8883 by default)'),
    allow_anonymous: z.boolean().default(false),
    users: z.array(BrokerUser).default([]),
    limits: BrokerLimits.prefault({}),
  })
  .strict()
  .refine((b) => !b.ca_file || b.url?.startsWith('mqtts:'), {
    message: 'ca_file applies to an existing broker reached with mqtts://; write url: mqtts://host:8883',
    path: ['ca_file'],
  })
  .refine((b) => !(b.tls && b.url), {
    message: 'tls configures the embedded broker; with url (an existing broker) use mqtts:// and ca_file instead',
    path: ['tls'],
  });
export type BrokerConfig = z.infer<typeof BrokerConfig>;

/** The port the embedded broker listens on: `port`, else 8883 with TLS, else 1883. */
export function brokerPort(broker: Pick<BrokerConfig, 'port' | 'tls'>): number {
  return broker.port ?? (broker.tls ? 8883 : 1883);
}
