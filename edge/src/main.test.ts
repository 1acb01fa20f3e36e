import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeStatus } from '@vigia/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../../test/support/process.ts';
import { verifyPassword } from './local-api/access.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/vigia-edge.mjs');

/** `vigia-edge <args>` to its end, with `input` on stdin. */
const run = (args: string[], input?: string) => runNode(BIN, args, { input });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('vigia-edge command (child process)', () => {
  it('exits 2 with a readable message naming file, path and fix for a bad config', async () => {
    const file = join(dir, 'edge.yaml');
    writeFileSync(
      file,
      `device: { id: Plant 01, site: mobile-plant }
server: { url: http://localhost:8080, token_file: ./device.token }
sensors:
  - id: plant.ph
    quantity: ph
    unit: pH
    source: { driver: serial-line, port: /dev/ttyUSB1, pattern: "PH=(?<value>[0-9.]+)" }
`,
    );
    const r = await run(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vigia-edge: the config is not valid:');
    expect(r.stderr).toContain(`${file}: device.id: use only a-z, 0-9, "_", "." and "-" (e.g. plant.water_in)`);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('starts with a valid config, logs one startup line with the addresses, and exits 0 on SIGTERM', async () => {
    writeFileSync(join(dir, 'device.token'), 'tok\n');
    const file = join(dir, 'edge.yaml');
    writeFileSync(
      file,
      `device: { id: plant-01, site: mobile-plant }
server: { url: http://127.0.0.1:9, token_file: ./device.token }
buffer: { path: ./buffer.db }
broker: { port: 0, host: 127.0.0.1 }
api: { port: 0 }
sensors:
  - id: plant.ph
    quantity: ph
    unit: pH
    source: { driver: serial-line, port: ${join(dir, 'ttyNONE')}, pattern: "PH=(?<value>[0-9.]+)" }
`,
    );
    const child = spawn(process.execPath, [BIN, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d) => {
        stdout += d;
        if (stdout.includes('agentStarted')) resolve();
      });
      exited.then(() => reject(new Error(`exited before starting: ${stdout}`)));
    });
    const started = JSON.parse(stdout.split('\n').find((l) => l.includes('agentStarted')) ?? '{}');
    expect(started.msg).toMatch(
      /^agentStarted: broker mqtt:\/\/127\.0\.0\.1:\d+, local API http:\/\/127\.0\.0\.1:\d+$/,
    );
    const status = EdgeStatus.parse(await (await fetch(`${started.api}/status`)).json());
    expect(status.drivers[0]).toMatchObject({
      state: 'retrying',
      detail: expect.stringContaining('revise el cable USB'),
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('agentStopped');
  });

  it('exits 2 with usage when --config is missing', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: vigia-edge --config edge.yaml');
  });

  it('passwd reads the password on stdin and writes only its scrypt hash to api.password_file, mode 0600', async () => {
    const file = join(dir, 'edge.yaml');
    const base = `device: { id: plant-01, site: mobile-plant }
server: { url: http://127.0.0.1:9, token_file: ./device.token }
broker: { allow_anonymous: true }
sensors:
  - { id: tunnel.ch4, quantity: methane, unit: "%vol", source: { driver: mqtt, topic: t/ch4 } }
`;
    writeFileSync(file, base);
    const unset = await run(['passwd', '--config', file], 'correct horse\n');
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('api.password_file is not set');
    writeFileSync(file, `${base}api: { password_file: ./tech.pass }\n`);
    const short = await run(['passwd', '--config', file], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8 characters');
    const r = await run(['passwd', '--config', file], 'correct horse\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pass = join(dir, 'tech.pass');
    expect(statSync(pass).mode & 0o777).toBe(0o600);
    const hash = readFileSync(pass, 'utf8');
    expect(hash).toMatch(/^scrypt\$/);
    expect(verifyPassword('correct horse', hash)).toBe(true);
    expect(verifyPassword('correct horse\n', hash)).toBe(false);
  });
});
