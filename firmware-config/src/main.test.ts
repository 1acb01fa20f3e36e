import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigia-config.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('vigia-config (real process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-config-'));

  it('validate accepts a good config and names device and sensor count', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      [
        'device: { id: plant-01, site: mobile-plant }',
        'server: { url: "http://localhost:8080", token_file: ./device.token }',
        'sensors:',
        '  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: vigia/tunnel-1/ch4 } }',
      ].join('\n'),
    );
    const r = run('validate', file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('valid — device plant-01 (site mobile-plant), 1 sensor(s)');
  });

  it('validate accepts a modbus-tcp sensor and names a wrong key of it', () => {
    const file = join(dir, 'tcp.yaml');
    const config = (source: string) =>
      [
        'device: { id: plant-01, site: mobile-plant }',
        'server: { url: "http://localhost:8080", token_file: ./device.token }',
        'sensors:',
        `  - { id: plant.flow, quantity: volumetric_flow, unit: m3/h, interval: 2s, source: ${source} }`,
      ].join('\n');
    writeFileSync(file, config('{ driver: modbus-tcp, host: 192.168.1.50, unit_id: 1, register: 16, type: float32 }'));
    const ok = run('validate', file);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('valid — device plant-01 (site mobile-plant), 1 sensor(s)');
    writeFileSync(file, config('{ driver: modbus-tcp, host: 192.168.1.50, port: 70000, unit_id: 1, register: 16 }'));
    const bad = run('validate', file);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('sensors[0].source.port');
  });

  it('validate names the file, the key path and the fix', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'device: { id: plant-01, site: mobile-plant }',
        'server: { url: "http://localhost:8080", token_file: ./device.token }',
        'sensors:',
        '  - { id: tunnel.ch4, quantity: methane, unit: ppm, source: { driver: mqtt, topic: "vigia/#" } }',
      ].join('\n'),
    );
    const r = run('validate', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: sensors[0].unit: this unit does not belong to the quantity`);
    expect(r.stderr).toContain(`${file}: sensors[0].source.topic: use a concrete topic, without + or # wildcards`);
  });

  it('validate reports YAML syntax errors with line and column', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'device: { id: plant-01\nsensors: [');
    const r = run('validate', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: not valid YAML`));
  });

  it('an unknown command lists the commands and exits 2', () => {
    const r = run('flash');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "flash"');
    expect(r.stderr).toContain('validate');
  });

  it('help lists all seven commands of the contract', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const c of ['ports', 'probe', 'calibrate', 'validate', 'apply', 'status', 'esphome'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const one = run('probe', '--help');
    expect(one.status).toBe(0);
    expect(one.stdout).toContain('vigia-config probe: probe <port>');
  });

  it('status says what to check when no agent answers', () => {
    const r = run('status', '--api', 'http://127.0.0.1:9');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('No answer from the agent at http://127.0.0.1:9');
  });
});
