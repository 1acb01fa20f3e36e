import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const GOOD = `
device: { id: plant-01, site: mobile-plant }
server: { url: http://localhost:8080, token_file: ./secrets/device.token }
buffer: { path: ./data/buffer.db, max_mb: 64 }
broker: { port: 1883, users: [{ username: node1, password_file: ./secrets/node1.pw, topics: [vigia/tunnel-1/ch4] }] }
sensors:
  - id: tunnel.ch4
    quantity: methane
    unit: "%vol"
    source: { driver: mqtt, topic: vigia/tunnel-1/ch4, json_path: value }
  - id: plant.ph
    quantity: ph
    unit: pH
    source: { driver: serial-line, port: /dev/ttyUSB1, baud: 9600, pattern: "PH=(?<value>-?[0-9.]+)" }
`;

let dir: string;
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-config-'));
  mkdirSync(join(dir, 'secrets'));
  write('secrets/device.token', 'tok-abc\n');
  write('secrets/node1.pw', 's3cret\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('resolves relative paths against the config folder and reads the secrets', () => {
    const loaded = loadConfig(write('edge.yaml', GOOD));
    expect(loaded.config.buffer.path).toBe(join(dir, 'data/buffer.db'));
    expect(loaded.config.server.token_file).toBe(join(dir, 'secrets/device.token'));
    expect(loaded.token).toBe('tok-abc');
    expect(loaded.brokerUsers).toEqual([{ username: 'node1', password: Buffer.from('s3cret') }]);
    expect(loaded.config.api).toEqual({ port: 8081, host: '127.0.0.1', config_from: 'loopback' }); // defaults from the schema
    expect(Object.isFrozen(loaded.config.sensors[0])).toBe(true);
  });

  it('names the file, the key path and the fix for a schema error', () => {
    const file = write(
      'edge.yaml',
      GOOD.replace('baud: 9600', 'baud: fast').replace('max_mb: 64', 'max_mb: 64, maxmb: 1'),
    );
    const message = errorOf(() => loadConfig(file)).message;
    expect(message).toContain(`${file}: sensors[1].source.baud:`);
    expect(message).toMatch(new RegExp(`${file}: buffer: unknown key "maxmb": remove or correct it`));
  });

  it('says where a YAML syntax error is', () => {
    const file = write('edge.yaml', 'device: { id: plant-01\nserver: [');
    expect(errorOf(() => loadConfig(file)).message).toMatch(/edge\.yaml: line \d+, column \d+: not valid YAML/);
  });

  it('accepts modbus-rtu sensors, several unit ids sharing one port', () => {
    const loaded = loadConfig(
      write(
        'edge.yaml',
        `${GOOD}  - id: plant.water_in
    quantity: volumetric_flow
    unit: m3/h
    interval: 500ms
    source: { driver: modbus-rtu, port: /dev/ttyUSB0, unit_id: 3, register: 16, type: float32 }
  - id: plant.ore_feed
    quantity: mass_flow
    unit: t/h
    source: { driver: modbus-rtu, port: /dev/ttyUSB0, unit_id: 4, function: input, register: 0, type: int32, word_order: little }
`,
      ),
    );
    expect(loaded.config.sensors.slice(2).map((s) => [s.interval, s.source])).toEqual([
      [
        500,
        {
          driver: 'modbus-rtu',
          port: '/dev/ttyUSB0',
          baud: 9600,
          parity: 'none',
          unit_id: 3,
          function: 'holding',
          register: 16,
          type: 'float32',
          word_order: 'big',
        },
      ],
      [
        undefined, // no interval: the driver polls at DEFAULT_POLL_INTERVAL_MS
        {
          driver: 'modbus-rtu',
          port: '/dev/ttyUSB0',
          baud: 9600,
          parity: 'none',
          unit_id: 4,
          function: 'input',
          register: 0,
          type: 'int32',
          word_order: 'little',
        },
      ],
    ]);
  });

  it('refuses modbus-rtu sensors on one port with another baud or parity, or a port shared with serial-line', () => {
    const modbus = (id: string, line: string, register = 16) => `  - id: ${id}
    quantity: volumetric_flow
    unit: m3/h
    source: { driver: modbus-rtu, port: /dev/ttyUSB0, unit_id: 3, register: ${register}, type: float32${line} }
`;
    const file = write(
      'edge.yaml',
      GOOD +
        modbus('plant.water_in', '') +
        modbus('plant.water_out', ', parity: even') +
        modbus('plant.water_recirc', ', baud: 19200', 65535),
    );
    expect(errorOf(() => loadConfig(file)).message).toBe(
      [
        `${file}: sensors[3].source.parity: sensor plant.water_out reads /dev/ttyUSB0 at 9600 baud, parity even, but sensor plant.water_in reads it at 9600 baud, parity none; sensors on one RS-485 port must use the same baud and parity`,
        `${file}: sensors[4].source.baud: sensor plant.water_recirc reads /dev/ttyUSB0 at 19200 baud, parity none, but sensor plant.water_in reads it at 9600 baud, parity none; sensors on one RS-485 port must use the same baud and parity`,
        `${file}: sensors[4].source.register: sensor plant.water_recirc: a float32 needs 2 registers, so it cannot start at register 65535 (the last register is 65535)`,
      ].join('\n'),
    );
    const shared = write('b.yaml', GOOD + modbus('plant.water_in', '').replace('/dev/ttyUSB0', '/dev/ttyUSB1'));
    expect(errorOf(() => loadConfig(shared)).message).toBe(
      `${shared}: sensors[2].source.port: /dev/ttyUSB1 is already read by the serial-line driver (sensors[1], plant.ph); one serial port can carry one driver only`,
    );
  });

  it('modbus-tcp: its own check runs per host and port, and a TCP port number is no serial device', () => {
    const tcp = (id: string, host: string, register: number) => `  - id: ${id}
    quantity: volumetric_flow
    unit: m3/h
    source: { driver: modbus-tcp, host: ${host}, port: 502, unit_id: 1, register: ${register}, type: float32 }
`;
    const ok = write('ok.yaml', GOOD + tcp('plant.a', '192.168.1.50', 0) + tcp('plant.b', '192.168.1.51', 0));
    expect(loadConfig(ok).config.sensors.map((s) => s.source.driver)).toContain('modbus-tcp');
    const file = write('tcp.yaml', GOOD + tcp('plant.a', '192.168.1.50', 0) + tcp('plant.b', '192.168.1.50', 65535));
    expect(errorOf(() => loadConfig(file)).message).toBe(
      `${file}: sensors[3].source.register: sensor plant.b: a float32 needs 2 registers, so it cannot start at register 65535 (the last register is 65535)`,
    );
  });

  it('a missing token file says how to get a token', () => {
    rmSync(join(dir, 'secrets/device.token'));
    const file = write('edge.yaml', GOOD);
    expect(errorOf(() => loadConfig(file)).message).toContain(
      `server.token_file: ${join(dir, 'secrets/device.token')} does not exist: on the server run  vigia-server device add plant-01 --site mobile-plant  and put the token it prints in that file`,
    );
  });

  it("refuses a sensor topic no broker user may publish, and the alarm topic in a user's topics", () => {
    const noTopic = write('t.yaml', GOOD.replace(', topics: [vigia/tunnel-1/ch4]', ''));
    expect(errorOf(() => loadConfig(noTopic)).message).toContain(
      ': sensors[0].source.topic: no broker user may publish vigia/tunnel-1/ch4: add it to the topics',
    );
    const alarm = write(
      'a.yaml',
      GOOD.replace('topics: [vigia/tunnel-1/ch4]', 'topics: [vigia/tunnel-1/ch4, vigia/plant-01/alarm]'),
    );
    expect(errorOf(() => loadConfig(alarm)).message).toContain(
      ": broker.users[0].topics[1]: vigia/plant-01/alarm is the agent's alarm topic",
    );
  });

  it('a YAML alias without its anchor is a config error, not a crash (found by fuzz.test.ts)', () => {
    const bad = write('alias.yaml', '*nope\n');
    expect(errorOf(() => loadConfig(bad)).message).toContain('not valid YAML: Unresolved alias');
  });

  it('refuses a token over plain http to another machine unless server.allow_insecure', () => {
    const remote = write('r.yaml', GOOD.replace('http://localhost:8080', 'http://192.168.1.10:8080'));
    expect(errorOf(() => loadConfig(remote)).message).toContain(
      ': server.url: http:// to another machine would send the device token in clear',
    );
    const insecure = write(
      'i.yaml',
      GOOD.replace('http://localhost:8080, token_file', 'http://192.168.1.10:8080, allow_insecure: true, token_file'),
    );
    expect(loadConfig(insecure).config.server.allow_insecure).toBe(true);
  });

  it('rejects two baud rates on one port, and MQTT sensors with a broker that accepts nobody', () => {
    const twoBauds = write(
      'a.yaml',
      `${GOOD}  - id: plant.turbidity
    quantity: turbidity
    unit: NTU
    source: { driver: serial-line, port: /dev/ttyUSB1, baud: 19200, csv_column: 1 }
`,
    );
    expect(errorOf(() => loadConfig(twoBauds)).message).toContain(
      'sensors[2].source.baud: /dev/ttyUSB1 is already read at 9600 baud',
    );
    const nobody = write(
      'b.yaml',
      GOOD.replace(
        ', users: [{ username: node1, password_file: ./secrets/node1.pw, topics: [vigia/tunnel-1/ch4] }]',
        '',
      ),
    );
    expect(errorOf(() => loadConfig(nobody)).message).toContain(
      ': broker: MQTT sensors are configured but the embedded broker accepts nobody',
    );
  });

  it('a missing config file names it', () => {
    expect(errorOf(() => loadConfig(join(dir, 'nope.yaml'))).message).toContain(
      `${join(dir, 'nope.yaml')} does not exist`,
    );
  });
});

describe('edge/README.md', () => {
  it('the sample config parses and passes the agent checks', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseConfig } = await import('./config.ts');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const sample = /## Sample[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(sample).toBeDefined();
    const config = parseConfig(sample ?? '', join(dir, 'edge.yaml'));
    expect(config.sensors.map((s) => s.source.driver)).toEqual(['modbus-rtu', 'mqtt', 'serial-line']);
    expect(config.buffer.path).toBe(join(dir, 'data/buffer.db'));
  });
});
