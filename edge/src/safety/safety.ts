/**
 * @module safety
 * Local safety rules: gas alarms in a tunnel must work with no network at all (docs/design.md "Invariants"). Every
 * calibrated reading is pushed, before the buffer, into the rules' evaluators (the shared
 * `createEvaluator`, the same code as the server's compliance engine). When a breach opens or
 * closes: an alarm JSON is published (retained, QoS 1) through the agent's own MQTT intake, the
 * configured command runs (argv, no shell, with a timeout), and it is logged and counted.
 *
 * Invariants:
 * - Nothing here needs the network, the server or a trusted clock: evaluation runs on the
 *   clock keeper's local timeline (monotonic, never jumps), so a wrong or corrected wall clock
 *   can neither open nor close an alarm.
 * - Silence never clears an alarm: the evaluators are not advanced by a timer, so an open breach
 *   stays open until readings back in bounds close it (a dead methane head is no all-clear).
 * - An action that fails (broker down, command missing or slow) is reported and counted; it
 *   never throws into the pipeline and never blocks storing the reading.
 */
import {
  alarmTopic,
  createEvaluator,
  type EvaluatorSnapshot,
  type RuleEvaluator,
  type RuleEvent,
  type RuleState,
  type SafetyConfig,
  TransientError,
  VigiaError,
} from '@vigia/shared';
import { Counter, type Registry } from 'prom-client';
import type { Telemetry } from '../telemetry.ts';
import { runCommand } from './command.ts';

export type AlarmMessage = {
  device: string;
  rule: string;
  sensor: string;
  severity: string;
  state: 'on' | 'off';
  value: number;
  limit: number;
  /** Trusted epoch ms of the change; null while the clock is not trusted. */
  ts: number | null;
  /** Breach start and change on the agent's local timeline (ms). */
  start_local: number;
  local_ts: number;
};

export type SafetyRuleStatus = { rule: string; sensor: string; state: RuleState; since: number | null };

export type SafetyOptions = {
  config: SafetyConfig;
  device: string;
  telemetry: Telemetry;
  registry: Registry;
  publish: (topic: string, payload: string, opts: { retain: boolean }) => Promise<void>;
  /** Local timeline → trusted epoch ms, or null while the time is not trusted. */
  trustedTime: (localTs: number) => number | null;
  /** The metric is registered once per registry (the agent keeps it across config changes). */
  alarms?: Counter<'rule' | 'state'>;
  /** Evaluator state from the previous config (`snapshots()`): unchanged rules keep their breach. */
  carry?: ReadonlyMap<string, EvaluatorSnapshot>;
};

export function alarmCounter(registry: Registry): Counter<'rule' | 'state'> {
  return new Counter({
    name: 'vigia_alarms_total',
    help: 'local safety alarms raised (state=on) and cleared (state=off)',
    labelNames: ['rule', 'state'] as const,
    registers: [registry],
  });
}

export function createSafety(options: SafetyOptions) {
  const { config, telemetry } = options;
  const topic = alarmTopic(config, options.device);
  const alarms = options.alarms ?? alarmCounter(options.registry);
  const bySensor = new Map<string, { ev: RuleEvaluator; since: number | null }[]>();
  const all: { ev: RuleEvaluator; since: number | null }[] = [];
  for (const rule of config.rules) {
    const entry = { ev: createEvaluator(rule), since: null as number | null };
    const snap = options.carry?.get(rule.id);
    try {
      if (snap) entry.ev.restore(snap);
    } catch {
      // The rule changed: it starts afresh.
    }
    all.push(entry);
    bySensor.set(rule.sensor, [...(bySensor.get(rule.sensor) ?? []), entry]);
  }
  const inFlight = new Set<Promise<void>>();

  async function act(message: AlarmMessage): Promise<void> {
    const text = `rule ${message.rule} (${message.sensor} = ${message.value}, limit ${message.limit})`;
    telemetry.log.warn(
      { component: 'safety', ...message },
      `alarm${message.state === 'on' ? 'Raised' : 'Cleared'}: ${text}`,
    );
    alarms.inc({ rule: message.rule, state: message.state });
    const published = options.publish(topic, JSON.stringify(message), { retain: true }).catch((err: Error) => {
      telemetry.report(
        new TransientError('alarm_publish_failed', `alarm not published on ${topic}: ${err.message}`, {
          stage: 'send',
        }),
        'safety',
      );
    });
    const argv = message.state === 'on' ? config.command?.on : config.command?.off;
    const ran = argv
      ? runCommand(argv, {
          timeoutMs: config.command?.timeout ?? 10_000,
          env: { VIGIA_ALARM_RULE: message.rule, VIGIA_ALARM_SENSOR: message.sensor, VIGIA_ALARM_STATE: message.state },
        }).then((out) => {
          if (!out.ok)
            telemetry.report(new VigiaError('alarm_command_failed', `alarm command failed: ${out.message}`), 'safety');
        })
      : Promise.resolve();
    await Promise.all([published, ran]);
  }

  function handle(events: RuleEvent[], entry: { since: number | null }, localTs: number): void {
    for (const e of events) {
      if (e.type === 'stateChanged') entry.since = e.ts;
      if (e.type !== 'breachOpened' && e.type !== 'breachClosed') continue;
      const b = e.breach;
      const state = e.type === 'breachOpened' ? 'on' : 'off';
      const message: AlarmMessage = {
        device: options.device,
        rule: b.rule,
        sensor: b.sensor,
        severity: b.severity,
        state,
        value: state === 'on' ? b.peak : b.limit,
        limit: b.limit,
        ts: options.trustedTime(localTs),
        start_local: b.start,
        local_ts: localTs,
      };
      const p = act(message).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }

  return {
    topic,
    /** A calibrated value of `sensor` at `localTs` (the clock keeper's local timeline). */
    push(sensor: string, localTs: number, value: number): void {
      const entries = bySensor.get(sensor);
      if (!entries) return; // most sensors have no local rule: nothing to allocate per reading
      for (const entry of entries) {
        try {
          handle(entry.ev.push([{ ts: localTs, value }]), entry, localTs);
        } catch (err) {
          telemetry.report(err, 'safety');
        }
      }
    },
    status(): SafetyRuleStatus[] {
      return all.map(({ ev, since }) => ({
        rule: ev.rule.id,
        sensor: ev.rule.sensor,
        state: ev.status().state,
        since: since === null ? null : (options.trustedTime(since) ?? since),
      }));
    },
    snapshots(): Map<string, EvaluatorSnapshot> {
      return new Map(all.map(({ ev }) => [ev.rule.id, ev.snapshot()]));
    },
    /** Waits for alarm actions still running (publish, command). */
    async settle(): Promise<void> {
      await Promise.all([...inFlight]);
    },
  };
}
export type Safety = ReturnType<typeof createSafety>;
