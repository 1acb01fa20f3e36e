/**
 * @module broker/refusals
 * Counts and logs what the embedded broker refused (permissions.ts, packet-limit.ts,
 * admission.ts): `vigia_mqtt_refused_total{action}` and a warning naming the user and the topic
 * (or address). The log is rate-limited per (action, user, detail) to once a minute, with the
 * number suppressed meanwhile, so a node retrying a forbidden publish cannot flood the SD card.
 */

import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { RefusedAction } from './embedded-broker.ts';

const WINDOW_MS = 60_000;
const MAX_KEYS = 1000;

export function refusalReporter(registry: Registry, log: Logger, now: () => number = Date.now) {
  const counter =
    (registry.getSingleMetric('vigia_mqtt_refused_total') as Counter<'action'> | undefined) ??
    new Counter({
      name: 'vigia_mqtt_refused_total',
      help: 'MQTT publishes, subscriptions, connections and packets the embedded broker refused',
      labelNames: ['action'] as const,
      registers: [registry],
    });
  const last = new Map<string, { at: number; suppressed: number }>();
  return (action: RefusedAction, user: string | undefined, detail: string) => {
    counter.inc({ action });
    const key = `${action}\u0000${user}\u0000${detail}`;
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < WINDOW_MS) {
      seen.suppressed++;
      return;
    }
    last.delete(key);
    last.set(key, { at: t, suppressed: 0 });
    if (last.size > MAX_KEYS) last.delete(last.keys().next().value as string);
    log.warn(
      { component: 'broker', action, user: user ?? null, detail, suppressed_repeats: seen?.suppressed ?? 0 },
      `mqttRefused: ${action} by ${user ?? '(anonymous)'}: ${detail}`,
    );
  };
}
