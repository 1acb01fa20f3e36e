/**
 * Fault test: garbage on a serial line and malformed MQTT payloads reach the real agent process
 * (serial through a socat pty). Each is counted in `vigia_errors_total{stage="receive"}`, the
 * agent keeps running, and the good readings before and after reach the server.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../services/util.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { edgeMetrics, edgeStatus, storedRows } from './support/readings.ts';

let dir: string;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sum of `vigia_errors_total` samples whose labels match `labels`. */
function errors(metrics: string, labels: RegExp): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('vigia_errors_total{') && labels.test(l))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe('edge agent: garbage in (separate processes)', () => {
  it('counts a garbage serial line and a malformed MQTT payload, keeps running, stores the good ones', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigia-bad-'));
    stack = await startStack({
      dir,
      simulator: false,
      serial: true,
      modbus: false,
      sensors: ({ serialLinePort }) => [
        {
          id: 'bad.ph',
          quantity: 'ph',
          unit: 'pH',
          source: { driver: 'serial-line', port: serialLinePort ?? '', baud: 9600, pattern: 'PH=(?<value>-?[0-9.]+)' },
        },
        {
          id: 'bad.ch4',
          quantity: 'methane',
          unit: '%vol',
          source: { driver: 'mqtt', topic: 'bad/ch4', json_path: 'value' },
        },
      ],
    });
    const s = stack;
    const port = s.sensorPorts.serialLine;
    if (!port) throw new Error('no serial pty');
    await waitFor(
      async () => (await edgeStatus(s)).forwarder.state === 'ok',
      10_000,
      () => 'agent not ready',
    );
    const before = errors(await edgeMetrics(s), /stage="receive"/);

    const fd = openSync(port, 'w');
    writeSync(fd, 'PH=7.10\n');
    writeSync(fd, Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x41, 0x0a])); // line noise
    writeSync(fd, 'PH=banana\n');
    writeSync(fd, `${'x'.repeat(5000)}\n`);
    writeSync(fd, 'PH=7.20\n');
    closeSync(fd);

    const client = await mqtt.connectAsync(s.brokerUrl, { ...s.mqttUser, reconnectPeriod: 0 });
    await client.publishAsync('bad/ch4', '{"value":0.10}', { qos: 1 });
    await client.publishAsync('bad/ch4', '{"value": not json', { qos: 1 });
    await client.publishAsync('bad/ch4', '{"other":1}', { qos: 1 });
    await client.publishAsync('bad/ch4', Buffer.from([0xff, 0x00, 0x01]), { qos: 1 });
    await client.publishAsync('bad/ch4', '{"value":0.20}', { qos: 1 });
    await client.endAsync();

    await waitFor(
      () => storedRows(s).length >= 4,
      15_000,
      () => `good readings missing: ${JSON.stringify(storedRows(s))}\n${s.edge.log().slice(-2000)}`,
    );
    const metrics = await edgeMetrics(s);
    const counted = errors(metrics, /stage="receive"/) - before;
    const rows = storedRows(s);
    console.log(`garbage in: ${counted} receive errors counted; stored ${JSON.stringify(rows.map((r) => r.value))}`);

    expect(errors(metrics, /code="decode_[a-z_]+",stage="receive"/)).toBeGreaterThanOrEqual(4);
    expect(counted).toBeGreaterThanOrEqual(4); // at least 2 serial lines and 3 payloads; noise may count too
    expect(s.edge.child.exitCode).toBeNull();
    expect(s.edge.child.signalCode).toBeNull();
    const st = await edgeStatus(s);
    expect(st.forwarder.state).toBe('ok');
    expect(rows.map((r) => `${r.sensor}=${r.value}`).sort()).toEqual([
      'bad.ch4=0.1',
      'bad.ch4=0.2',
      'bad.ph=7.1',
      'bad.ph=7.2',
    ]);
  }, 120_000);
});
