import { Writable } from 'node:stream';
import { InputError, TransientError } from '@vigia/shared';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from './telemetry.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino(stream) };
}

describe('telemetry.report', () => {
  it('counts every error by code and stage, but logs a repeat only once per window', async () => {
    const { lines, logger } = capture();
    let now = 0;
    const t = createTelemetry({ logger, repeatWindowMs: 1000, clock: () => now });
    for (let i = 0; i < 5; i++)
      t.report(new InputError('decode_no_match', 'line not usable'), 'driver:serial-line:/dev/ttyUSB1', 'receive');
    t.report(new TransientError('send_failed', 'server down', { stage: 'send' }), 'forwarder');
    expect(lines.map((l) => [l.component, l.code])).toEqual([
      ['driver:serial-line:/dev/ttyUSB1', 'decode_no_match'],
      ['forwarder', 'send_failed'],
    ]);
    now = 1500;
    t.report(new InputError('decode_no_match', 'line not usable'), 'driver:serial-line:/dev/ttyUSB1', 'receive');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 40, suppressed_repeats: 4, stage: 'receive' });
    const metric = await t.registry.getSingleMetricAsString('vigia_errors_total');
    expect(metric).toContain('vigia_errors_total{code="decode_no_match",stage="receive"} 6');
    expect(metric).toContain('vigia_errors_total{code="send_failed",stage="send"} 1');
  });

  it('two agents in one process keep separate registries (no module-level state)', async () => {
    const a = createTelemetry({ logger: pino({ level: 'silent' }) });
    const b = createTelemetry({ logger: pino({ level: 'silent' }) });
    a.metrics.received.inc(3);
    expect(await b.registry.getSingleMetricAsString('vigia_received_total')).toMatch(/vigia_received_total 0$/m);
  });

  it('an unknown failure is logged at error level with code internal', () => {
    const { lines, logger } = capture();
    createTelemetry({ logger }).report(new Error('boom'), 'agent');
    expect(lines[0]).toMatchObject({ level: 50, code: 'internal', component: 'agent' });
  });
});
