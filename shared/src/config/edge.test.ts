import { describe, expect, it } from 'vitest';
import { formatIssuesText } from '../format-issues.ts';
import { brokerPort, EdgeConfig, type EdgeConfigInput } from './edge.ts';

const base = (): EdgeConfigInput => ({
  device: { id: 'plant-01', site: 'mobile-plant' },
  server: { url: 'http://localhost:8080', token_file: './device.token' },
  sensors: [
    {
      id: 'plant.water_in',
      name: 'Agua de entrada',
      quantity: 'volumetric_flow',
      unit: 'm3/h',
      interval: '1s',
      source: { driver: 'modbus-rtu', port: '/dev/ttyUSB0', baud: 9600, unit_id: 3, register: 16, type: 'float32' },
      calibrate: { scale: 1, offset: 0 },
    },
    {
      id: 'tunnel.ch4',
      quantity: 'methane',
      unit: '%vol',
      source: { driver: 'mqtt', topic: 'vigia/tunnel-1/ch4', json_path: 'value' },
    },
    {
      id: 'plant.ph',
      quantity: 'ph',
      unit: 'pH',
      source: { driver: 'serial-line', port: '/dev/ttyUSB1', baud: 9600, pattern: 'PH=(?<value>-?[0-9.]+)' },
    },
  ],
});

function errorsOf(input: unknown): string {
  const r = EdgeConfig.safeParse(input);
  if (r.success) throw new Error('expected the config to be rejected');
  return formatIssuesText(r.error, 'edge.yaml');
}

describe('edge config', () => {
  it('accepts a full example config and fills defaults', () => {
    const cfg = EdgeConfig.parse(base());
    expect(cfg.buffer).toEqual({ path: './data/buffer.db', max_mb: 512 });
    expect(cfg.api).toEqual({ port: 8081, host: '127.0.0.1', config_from: 'loopback' });
    expect(cfg.broker.port).toBeUndefined();
    expect(brokerPort(cfg.broker)).toBe(1883);
    expect(brokerPort({ tls: { cert_file: 'c', key_file: 'k' } })).toBe(8883);
    expect(cfg.sensors[0].interval).toBe(1000);
    const modbus = cfg.sensors[0].source;
    expect(modbus.driver === 'modbus-rtu' && modbus.word_order).toBe('big');
  });

  it('names the file, the path and the fix for a misspelt key', () => {
    const input = base() as Record<string, unknown>;
    (input.buffer as unknown) = { path: './b.db', max_mbs: 10 };
    expect(errorsOf(input)).toMatch(/^edge\.yaml: buffer: unknown key "max_mbs": remove or correct it/);
  });

  it('names the sensor for a bad unit and a bad interval', () => {
    const input = base();
    input.sensors[1].unit = 'ppm';
    input.sensors[0].interval = 'often';
    const text = errorsOf(input);
    expect(text).toContain('edge.yaml: sensors[1].unit: this unit does not belong to the quantity');
    expect(text).toContain('edge.yaml: sensors[0].interval: "often" is not a duration');
  });

  it('rejects duplicate sensor ids, pointing at the second one', () => {
    const input = base();
    input.sensors[2].id = 'tunnel.ch4';
    expect(errorsOf(input)).toContain('sensors[2].id: "tunnel.ch4" is already used by sensors[1]');
  });

  it('rejects a serial-line pattern without a value group, and an unknown driver', () => {
    const input = base();
    (input.sensors[2].source as { pattern: string }).pattern = 'PH=([0-9.]+)';
    expect(errorsOf(input)).toContain('sensors[2].source.pattern: the pattern needs a named group (?<value>...)');
    const other = base();
    (other.sensors[1].source as unknown) = { driver: 'zigbee', topic: 'x' };
    expect(errorsOf(other)).toMatch(/sensors\[1\]\.source\.driver/);
  });

  it('refuses a pattern that can backtrack catastrophically, saying what to change; caps lines at 512 bytes by default', () => {
    const input = base();
    (input.sensors[2].source as { pattern: string }).pattern = 'PH=(?<value>([0-9.]+)+)$';
    expect(errorsOf(input)).toContain('sensors[2].source.pattern: this pattern can take exponential time');
    const ok = EdgeConfig.parse(base());
    expect((ok.sensors[2].source as { max_line: number }).max_line).toBe(512);
    const small = base();
    (small.sensors[2].source as { max_line: number }).max_line = 4;
    expect(errorsOf(small)).toMatch(/sensors\[2\]\.source\.max_line/);
  });

  it('rejects sensor ids with characters outside [a-z0-9_.-]', () => {
    const input = base();
    input.sensors[0].id = 'Plant Water';
    expect(errorsOf(input)).toContain('sensors[0].id: use only a-z, 0-9');
  });
});

describe('edge config addresses', () => {
  it('says how to write the server address when it is not a URL', () => {
    const input = base();
    input.server.url = 'localhost:8080';
    expect(errorsOf(input)).toContain('edge.yaml: server.url: write the server address with http:// or https://');
  });
});

describe('edge config: interval', () => {
  it('belongs to polled sensors only; on an mqtt or serial-line sensor it is refused, not ignored', () => {
    const input = base();
    (input.sensors[1] as { interval?: string }).interval = '5s';
    expect(errorsOf(input)).toContain('edge.yaml: sensors[1].interval: interval applies only to polled sensors');
    const polled = EdgeConfig.parse(base()).sensors[0];
    expect(polled.interval).toBe(1000);
  });
});

describe('edge config: modbus-tcp source', () => {
  const tcp = (source: Record<string, unknown>, interval?: string) => {
    const input = base();
    input.sensors.push({
      id: 'plant.water_out',
      quantity: 'volumetric_flow',
      unit: 'm3/h',
      ...(interval ? { interval } : {}),
      source: { driver: 'modbus-tcp', host: '192.168.1.50', unit_id: 1, register: 16, ...source } as never,
    });
    return input;
  };

  it('is polled like modbus-rtu: interval applies; port 502, holding, uint16, big, 1 s timeout by default', () => {
    const s = EdgeConfig.parse(tcp({}, '2s')).sensors[3];
    expect(s.interval).toBe(2000);
    expect(s.source).toEqual({
      driver: 'modbus-tcp',
      host: '192.168.1.50',
      port: 502,
      unit_id: 1,
      function: 'holding',
      register: 16,
      type: 'uint16',
      word_order: 'big',
      timeout: 1000,
    });
  });

  it('names a wrong key with its path and the fix', () => {
    expect(errorsOf(tcp({ port: 0 }))).toContain('sensors[3].source.port');
    expect(errorsOf(tcp({ unit_id: 256 }))).toContain('sensors[3].source.unit_id');
    expect(errorsOf(tcp({ timeout: 'soon' }))).toContain('sensors[3].source.timeout: "soon" is not a duration');
    expect(errorsOf(tcp({ baud: 9600 }))).toContain('sensors[3].source');
  });

  it('the interval message names every polled driver, from the registry', () => {
    const input = base();
    (input.sensors[1] as { interval?: string }).interval = '5s';
    expect(errorsOf(input)).toContain('interval applies only to polled sensors (driver modbus-rtu or modbus-tcp)');
  });
});
