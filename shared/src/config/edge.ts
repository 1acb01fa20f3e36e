/**
 * @module config/edge
 * The edge agent's config file (docs/design.md "External contract"; keys in edge/README.md). Defaults live here and only here;
 * unknown keys are errors. Keys stay snake_case in the parsed object (docs/design.md C9).
 */
import { z } from 'zod';
import { Calibration } from '../calibrate.ts';
import { Duration } from '../duration.ts';
import { DeviceId, SensorId, SiteId } from '../ids.ts';
import { Rule, ruleIdCheck } from '../rules/permit.ts';
import { isUnitOf, QUANTITY_NAMES } from '../units.ts';
import { BrokerConfig } from './broker.ts';
import { ModbusRtuSource } from './sources/modbus-rtu.ts';
import { ModbusTcpSource } from './sources/modbus-tcp.ts';
import { MqttSource } from './sources/mqtt.ts';
import { SerialLineSource } from './sources/serial-line.ts';

export { BrokerConfig, BrokerLimits, BrokerUser, brokerPort } from './broker.ts';
export { ModbusRtuSource, ModbusTcpSource, MqttSource, SerialLineSource };

/**
 * The source registry: driver name (the `driver:` value) to its `source:` schema, and whether
 * the agent polls it (`interval` applies) or it reports when it sends. Adding a driver adds its
 * schema file in `sources/` and one line here; the union below and the `interval` check follow.
 */
export const SOURCES = {
  'modbus-rtu': { schema: ModbusRtuSource, polled: true },
  'modbus-tcp': { schema: ModbusTcpSource, polled: true },
  'serial-line': { schema: SerialLineSource, polled: false },
  mqtt: { schema: MqttSource, polled: false },
} as const;
export type DriverName = keyof typeof SOURCES;
export const DRIVER_NAMES = Object.keys(SOURCES) as DriverName[];
const POLLED = DRIVER_NAMES.filter((d) => SOURCES[d].polled);

type SourceSchema = (typeof SOURCES)[DriverName]['schema'];
export const SensorSource = z.discriminatedUnion(
  'driver',
  DRIVER_NAMES.map((d) => SOURCES[d].schema) as [SourceSchema, ...SourceSchema[]],
);
export type SensorSource = z.infer<typeof SensorSource>;

const Port = z.number().int().min(0).max(65535);

export const SensorConfig = z
  .object({
    id: SensorId,
    name: z.string().max(200).optional(),
    quantity: z.enum(QUANTITY_NAMES as [string, ...string[]]),
    unit: z.string().min(1),
    interval: Duration.optional().describe(`how often a polled sensor (${POLLED.join(', ')}) is read; default 1s`),
    source: SensorSource,
    calibrate: Calibration.optional(),
  })
  .strict()
  .refine((s) => isUnitOf(s.quantity, s.unit), {
    message: 'this unit does not belong to the quantity; see shared/src/units.ts for the units allowed',
    path: ['unit'],
  })
  // Accepting it and doing nothing would mislead: push sensors report when they send.
  .refine((s) => s.interval === undefined || SOURCES[s.source.driver].polled, {
    message: `interval applies only to polled sensors (driver ${POLLED.join(' or ')}); a sensor of another driver reports when it sends: remove interval`,
    path: ['interval'],
  });

/** How often a polled sensor is read when its config gives no `interval`. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
export type SensorConfig = z.infer<typeof SensorConfig>;

/**
 * Local safety rules (docs/design.md "Invariants"; edge/README.md "Local safety rules"): evaluated on the device with the same
 * code as the server's compliance engine, and acted on with no network at all.
 * @example { rules: [{ id: ch4-max, sensor: tunnel.ch4, kind: max, max: 1, averaging: instant, severity: alarm }],
 *   command: { on: ['/usr/local/bin/sirena', 'on'], off: ['/usr/local/bin/sirena', 'off'] } }
 */
export const SafetyConfig = z
  .object({
    rules: z.array(Rule).default([]),
    topic: z
      .string()
      .min(1)
      .regex(/^[^#+]+$/, 'an alarm topic cannot contain the wildcards + or #')
      .optional()
      .describe('MQTT topic the alarms are published on (retained, QoS 1); default vigia/<device.id>/alarm'),
    command: z
      .object({
        on: z
          .array(z.string().min(1))
          .min(1)
          .describe('argv run when a breach opens, e.g. [/usr/local/bin/sirena, on]'),
        off: z.array(z.string().min(1)).min(1).describe('argv run when it closes'),
        timeout: Duration.default(10_000).describe('a command still running after this is killed'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SafetyConfig = z.infer<typeof SafetyConfig>;

/** Whether a URL's host is this machine (plain http to it never leaves the Pi). */
export function isLoopbackUrl(url: string): boolean {
  // No URL class here (shared runs without DOM or Node types): the host of an http(s) address.
  const m = /^[a-z]+:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  const host = (m?.[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The topic the agent publishes its alarms on; no node may publish it. */
export const alarmTopic = (safety: Pick<SafetyConfig, 'topic'>, device: string) =>
  safety.topic ?? `vigia/${device}/alarm`;

export const EdgeConfig = z
  .object({
    device: z.object({ id: DeviceId, site: SiteId }).strict(),
    server: z
      .object({
        url: z
          .url({
            protocol: /^https?$/,
            error:
              'write the server address with http:// or https://, e.g. https://vigia.mina.co (or https://192.168.1.10 with server.ca_file)',
          })
          .describe('the Vigía server, e.g. http://localhost:8080'),
        token_file: z.string().min(1).describe('file holding the device token from `vigia-server device add`'),
        ca_file: z
          .string()
          .min(1)
          .optional()
          .describe(
            'with https://: the site CA or the server certificate itself (pinned), PEM; default the system CAs',
          ),
        allow_insecure: z
          .boolean()
          .default(false)
          .describe('send the token over plain http:// to a non-loopback address (anyone on the path can read it)'),
      })
      .strict()
      .refine((s) => !s.ca_file || s.url.startsWith('https:'), {
        message: 'ca_file applies to https:// only: write the server address with https://',
        path: ['ca_file'],
      })
      .refine((s) => s.url.startsWith('https:') || s.allow_insecure || isLoopbackUrl(s.url), {
        message:
          'http:// to another machine would send the device token in clear: use https:// (with ca_file for a site certificate), or set server.allow_insecure: true on a network you trust',
        path: ['url'],
      }),
    buffer: z
      .object({
        path: z.string().min(1).default('./data/buffer.db'),
        max_mb: z.number().positive().default(512),
      })
      .strict()
      .default({ path: './data/buffer.db', max_mb: 512 }),
    broker: BrokerConfig.prefault({}),
    api: z
      .object({
        port: Port.default(8081),
        host: z.string().default('127.0.0.1'),
        config_from: z
          .enum(['loopback', 'any'])
          .default('loopback')
          .describe('who may PUT /config: only this machine (default), or anyone who reaches the API'),
        password_file: z
          .string()
          .min(1)
          .optional()
          .describe('scrypt hash of the technician password (vigia-edge passwd); without it no change route is open'),
        viewer_password_file: z
          .string()
          .min(1)
          .optional()
          .describe('scrypt hash of a viewer password; when set, the operator page and reads need it too'),
      })
      .strict()
      .default({ port: 8081, host: '127.0.0.1', config_from: 'loopback' }),
    forward: z
      .object({
        backlog_rate: z
          .number()
          .positive()
          .default(5000)
          .describe(
            'readings per second the backlog drains at after an outage; the newest readings go first, unthrottled',
          ),
        live_window: Duration.default(10_000).describe(
          'a reading younger than this (since it was stored) is live: sent before any backlog',
        ),
        live_interval: Duration.default(1000).describe(
          'least time between two live requests to the server: readings stored meanwhile go in one request (a full batch goes at once; 1ms sends after every commit); it adds up to this much live latency, and saves CPU',
        ),
        stage_window: z
          .union([z.literal('off').transform(() => 0), Duration])
          .default(3000)
          .describe(
            'while the server answers, a reading waits in memory up to this long for its acknowledgement before it is written to the SD card ("off": every reading is written at once); a kill -9 or power cut can lose readings of the last stage_window that no node was told were stored (Modbus, serial)',
          ),
      })
      .strict()
      .default({ backlog_rate: 5000, live_window: 10_000, live_interval: 1000, stage_window: 3000 }),
    sensors: z.array(SensorConfig).min(1, 'list at least one sensor under sensors:'),
    safety: SafetyConfig.default({ rules: [] }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const sensorIds = new Set(cfg.sensors.map((s) => s.id));
    const checkRuleId = ruleIdCheck(['safety', 'rules'], ctx);
    cfg.safety.rules.forEach((r, i) => {
      if (!sensorIds.has(r.sensor))
        ctx.addIssue({
          code: 'custom',
          path: ['safety', 'rules', i, 'sensor'],
          message: `rule "${r.id}": sensor "${r.sensor}" is not a sensor of this device; use one of ${[...sensorIds].join(', ')}`,
        });
      checkRuleId(r, i);
    });
    const seen = new Map<string, number>();
    cfg.sensors.forEach((s, i) => {
      const first = seen.get(s.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sensors', i, 'id'],
          message: `"${s.id}" is already used by sensors[${first}]; sensor ids must be unique on a device`,
        });
      } else seen.set(s.id, i);
    });
  });
export type EdgeConfig = z.infer<typeof EdgeConfig>;
export type EdgeConfigInput = z.input<typeof EdgeConfig>;
