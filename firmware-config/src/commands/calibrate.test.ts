import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Calibration, type EdgeSensors } from '@vigia/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli as run } from '../run-cli.ts';

// A stand-in for the agent's GET /sensors, answering with the shared EdgeSensors shape.
const sensors: EdgeSensors = {
  sensors: [
    {
      id: 'plant.turbidity',
      quantity: 'turbidity',
      unit: 'NTU',
      driver: 'modbus-rtu',
      latest: { ts: Date.now(), raw: 12.03, value: 12.03 },
    },
  ],
};
const api = createServer((req, res) => {
  if (req.url === '/sensors') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sensors));
  else res.writeHead(404).end();
});
let apiUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => api.close(() => r())));

/** The YAML block printed between the first blank line and the "value =" line. */
const block = (stdout: string) => parse(stdout.split('\n\n')[1].split('\nvalue =')[0]);

describe('vigia-config calibrate (real process)', () => {
  it('two-point prints a calibrate: block the config schema accepts, the line and a check', async () => {
    const r = await run('calibrate', '--raw1', '4', '--value1', '0', '--raw2', '20', '--value2', '100', '--raw', '12');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cal = block(r.stdout).calibrate;
    expect(Calibration.parse(cal)).toEqual({
      points: [
        { raw: 4, value: 0 },
        { raw: 20, value: 100 },
      ],
    });
    expect(r.stdout).toContain('value = raw × 6.25 + -25');
    expect(r.stdout).toContain('check: raw 4 → 0, raw 20 → 100');
    expect(r.stdout).toContain('raw 12 → 50');
  });

  it('scale/offset check', async () => {
    const r = await run('calibrate', '--scale', '0.5', '--offset', '1', '--raw', '10');
    expect(r.status).toBe(0);
    expect(block(r.stdout).calibrate).toEqual({ scale: 0.5, offset: 1 });
    expect(r.stdout).toContain('raw 10 → 6');
  });

  it('refuses two points with the same raw value, saying what to do', async () => {
    const r = await run('calibrate', '--raw1', '5', '--value1', '0', '--raw2', '5', '--value2', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the two points need different raw values — measure the second point');
  });

  it('--sensor reads the raw value now from the agent; --raw1 now uses it as a point', async () => {
    const r = await run(
      'calibrate',
      '--sensor',
      'plant.turbidity',
      '--api',
      apiUrl,
      '--raw1',
      'now',
      '--value1',
      '10',
      '--raw2',
      '0',
      '--value2',
      '0',
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('plant.turbidity: raw now 12.03');
    expect(block(r.stdout.slice(r.stdout.indexOf('paste'))).calibrate.points[0]).toEqual({ raw: 12.03, value: 10 });
    expect(r.stdout).toContain('raw now 12.03 → 10 NTU with this calibration');
  });

  it('an unknown sensor lists the ones the agent has', async () => {
    const r = await run('calibrate', '--sensor', 'plant.nope', '--api', apiUrl);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('The agent has no sensor "plant.nope". Its sensors: plant.turbidity');
  });
});
