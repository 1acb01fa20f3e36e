import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeConfig, formatIssuesText, SafetyConfig } from '@vigia/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetry } from '../telemetry.ts';
import { type AlarmMessage, createSafety } from './safety.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-safety-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const CH4_RULE = { id: 'ch4-max', sensor: 'tunnel.ch4', kind: 'max', max: 1, averaging: 'instant', severity: 'alarm' };

function setup(command?: { on: string[]; off: string[]; timeout?: string }, fail = false) {
  const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  const published: { topic: string; message: AlarmMessage; retain: boolean }[] = [];
  const safety = createSafety({
    config: SafetyConfig.parse({ rules: [CH4_RULE], command }),
    device: 'plant-01',
    telemetry,
    registry: telemetry.registry,
    publish: async (topic, payload, opts) => {
      if (fail) throw new Error('broker stopped');
      published.push({ topic, message: JSON.parse(payload), retain: opts.retain });
    },
    trustedTime: () => null,
  });
  return { safety, telemetry, published };
}

describe('local safety rules (publish recorded by a stand-in; the real broker path: test/e2e/edge-safety-offline.test.ts)', () => {
  it('raises and clears an alarm: retained message on vigia/<device>/alarm, command run (argv, no shell)', async () => {
    const file = join(dir, 'siren');
    const { safety, published, telemetry } = setup({
      on: ['/bin/sh', '-c', `echo on >> ${file}`],
      off: ['/bin/sh', '-c', `echo off >> ${file}`],
    });
    safety.push('tunnel.ch4', 1000, 0.5);
    safety.push('other', 1500, 99);
    safety.push('tunnel.ch4', 2000, 1.7);
    await safety.settle();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      topic: 'vigia/plant-01/alarm',
      retain: true,
      message: { rule: 'ch4-max', sensor: 'tunnel.ch4', state: 'on', value: 1.7, limit: 1, ts: null, local_ts: 2000 },
    });
    expect(safety.status()).toEqual([{ rule: 'ch4-max', sensor: 'tunnel.ch4', state: 'breach', since: 2000 }]);
    safety.push('tunnel.ch4', 3000, 0.2);
    await safety.settle();
    expect(published.map((p) => p.message.state)).toEqual(['on', 'off']);
    expect(readFileSync(file, 'utf8')).toBe('on\noff\n');
    expect(await telemetry.registry.getSingleMetricAsString('vigia_alarms_total')).toMatch(
      /rule="ch4-max",state="on"} 1/,
    );
  });

  it('a command that fails, hangs or is missing, or a broker that is down, is counted and never throws', async () => {
    const { safety, telemetry } = setup(
      { on: ['/nonexistent/siren'], off: ['/bin/sleep', '5'], timeout: '200ms' },
      true,
    );
    safety.push('tunnel.ch4', 1000, 5);
    safety.push('tunnel.ch4', 2000, 0);
    const started = Date.now();
    await safety.settle();
    expect(Date.now() - started).toBeLessThan(3000);
    const errors = await telemetry.registry.getSingleMetricAsString('vigia_errors_total');
    expect(errors).toMatch(/code="alarm_command_failed"[^}]*} 2/);
    expect(errors).toMatch(/code="alarm_publish_failed"[^}]*} 2/);
  });

  it('config: a rule on a sensor the device does not have is refused, naming the rule', () => {
    const r = EdgeConfig.safeParse({
      device: { id: 'plant-01', site: 'mobile-plant' },
      server: { url: 'http://localhost:8080', token_file: './t' },
      sensors: [{ id: 'tunnel.co', quantity: 'methane', unit: '%vol', source: { driver: 'mqtt', topic: 'x' } }],
      safety: { rules: [CH4_RULE] },
    });
    expect(r.success).toBe(false);
    if (!r.success)
      expect(formatIssuesText(r.error, 'edge.yaml')).toMatch(/safety\.rules\[0\]\.sensor.*rule "ch4-max".*tunnel\.co/);
  });
});
