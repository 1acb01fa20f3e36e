/**
 * @module edge-api
 * The edge agent's local HTTP API (`GET /status`, `GET /sensors`), read by `vigia-config`.
 * Keys are snake_case like the config; times are epoch ms; `detail` strings are for people (es).
 */
import { z } from 'zod';
import { DeviceId, SensorId, SiteId } from './ids.ts';

/** Lifecycle state every component reports (docs/design.md C5). */
export const ComponentState = z.enum(['starting', 'ok', 'retrying', 'failed', 'stopped']);
export type ComponentState = z.infer<typeof ComponentState>;

export const ComponentStatus = z.object({
  state: ComponentState,
  detail: z.string().describe('human detail, e.g. "no se puede abrir /dev/ttyUSB1 — revise el cable USB"'),
  since: z.number().int().describe('when the state last changed, epoch ms'),
});
export type ComponentStatus = z.infer<typeof ComponentStatus>;

export const EdgeStatus = z.object({
  device: z.object({ id: DeviceId, site: SiteId }),
  started_at: z.number().int(),
  uptime_s: z.number().min(0),
  buffer: z.object({
    pending: z.number().int().min(0).describe('readings waiting to be acknowledged by the server'),
    live: z.number().int().min(0).optional().describe('of pending: stored within the live window, sent first'),
    backlog: z.number().int().min(0).optional().describe('of pending: older, drained behind the live readings'),
    held: z.number().int().min(0).optional().describe('of pending: taken before the clock was trusted, not sent yet'),
    dropped: z.number().int().min(0).describe('readings dropped by the size cap, since install'),
    quarantined: z.number().int().min(0).describe('readings the server rejected (4xx), kept aside'),
    last_drop: z
      .object({ count: z.number().int(), from_ts: z.number().int(), to_ts: z.number().int(), at: z.number().int() })
      .nullable(),
  }),
  forwarder: z.object({
    state: ComponentState,
    detail: z.string(),
    last_error: z.string().nullable(),
    last_sent_at: z.number().int().nullable(),
    sent_total: z.number().int().min(0),
    backlog_rate: z.number().min(0).optional().describe('backlog readings acknowledged per second, last 10 s'),
    backlog_rate_limit: z.number().min(0).optional().describe('forward.backlog_rate: the pace of the backlog'),
    eta_s: z.number().min(0).nullable().optional().describe('seconds until the backlog is drained; null: not draining'),
  }),
  link: z
    .object({
      encrypted: z.boolean().describe('https to the server'),
      trust: z
        .enum(['system', 'ca_file', 'loopback', 'none'])
        .describe('whom https trusts: the system CAs or server.ca_file; loopback: plain http on this machine'),
      warning: z.string().optional().describe('set when the token goes in clear to another machine'),
    })
    .optional(),
  broker: ComponentStatus.extend({ address: z.string() }),
  drivers: z.array(ComponentStatus.extend({ id: z.string(), driver: z.string(), sensors: z.array(SensorId) })),
  clock: z
    .object({
      trusted: z.boolean(),
      source: z.enum(['ntp', 'server', 'wall', 'none']).describe('where the trusted time comes from'),
      offset_ms: z.number().nullable().describe('trusted time − the device wall clock; null while untrusted'),
      corrected_total: z.number().int().min(0).describe('held readings given a corrected time (q: uncertain)'),
      jumps: z.number().int().min(0).optional(),
      detail: z.string().optional(),
    })
    .optional(),
  safety: z
    .array(z.object({ rule: z.string(), sensor: SensorId, state: z.string(), since: z.number().nullable() }))
    .optional()
    .describe('local safety rules: state per rule (ok, pending, breach, clearing, no_data) and since when'),
});
export type EdgeStatus = z.infer<typeof EdgeStatus>;

export const EdgeSensorValue = z.object({
  id: SensorId,
  name: z.string().optional(),
  quantity: z.string(),
  unit: z.string(),
  driver: z.string(),
  latest: z.object({ ts: z.number().int(), raw: z.number(), value: z.number() }).nullable(),
});
export const EdgeSensors = z.object({ sensors: z.array(EdgeSensorValue) });
export type EdgeSensors = z.infer<typeof EdgeSensors>;

/** One event of the agent's `GET /events` (Server-Sent Events, about once a second): what the page on the Pi shows. */
export const EdgeLiveEvent = z.object({ status: EdgeStatus, sensors: EdgeSensors });
export type EdgeLiveEvent = z.infer<typeof EdgeLiveEvent>;

/** One problem `POST /server-check` found, in Spanish and English, saying what to do. */
export const ServerCheckProblem = z.object({ code: z.string(), es: z.string(), en: z.string() });
export type ServerCheckProblem = z.infer<typeof ServerCheckProblem>;

/** The agent's `POST /server-check`: the configured server URL tried once with the configured token. */
export const EdgeServerCheck = z.object({
  url: z.string(),
  ok: z.boolean().describe('reachable, token accepted, store taking readings'),
  reachable: z.boolean(),
  http_status: z.number().int().nullable().describe('the last answer: the token check, else GET /health'),
  token: z.enum(['accepted', 'refused', 'unknown']),
  rtt_ms: z.number().int().min(0).nullable().describe('round trip of GET /health'),
  clock_offset_ms: z.number().nullable().describe("the server's time − this device's clock, from its Date header"),
  clock_uncertainty_ms: z
    .number()
    .nullable()
    .describe('± of the offset: half a second (Date has whole seconds) + half the round trip'),
  store_ok: z.boolean().nullable().describe("GET /health's ok: the server's store takes readings"),
  problems: z.array(ServerCheckProblem),
});
export type EdgeServerCheck = z.infer<typeof EdgeServerCheck>;
