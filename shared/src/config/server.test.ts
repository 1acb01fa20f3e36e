import { describe, expect, it } from 'vitest';
import { formatIssuesText } from '../format-issues.ts';
import { ServerConfig } from './server.ts';

function errorsOf(input: unknown): string {
  const r = ServerConfig.safeParse(input);
  if (r.success) throw new Error('expected the config to be rejected');
  return formatIssuesText(r.error, 'server.yaml');
}

describe('server config', () => {
  it('fills the documented defaults for an empty file, and keeps snake_case keys', () => {
    expect(ServerConfig.parse({})).toEqual({ port: 8080, host: '0.0.0.0', data_dir: './data', log_level: 'info' });
    expect(
      ServerConfig.parse({
        port: 9090,
        data_dir: '/srv/vigia',
        dashboard_dir: './dist',
        influx: { url: 'http://127.0.0.1:8086', user: 'vigia', password_file: './influx.password' },
        log_level: 'debug',
      }),
    ).toEqual({
      port: 9090,
      host: '0.0.0.0',
      data_dir: '/srv/vigia',
      dashboard_dir: './dist',
      influx: { url: 'http://127.0.0.1:8086', db: 'vigia', user: 'vigia', password_file: './influx.password' },
      log_level: 'debug',
    });
  });

  it('names the file, the path and the fix', () => {
    expect(errorsOf({ prot: 8080 })).toBe(
      'server.yaml: (top level): unknown key "prot": remove or correct it (check the spelling)',
    );
    expect(errorsOf({ port: 70_000 })).toMatch(/^server\.yaml: port: /);
    expect(errorsOf({ port: 'eighty' })).toBe(
      'server.yaml: port: write the port as a whole number from 0 to 65535 (0: any free port)',
    );
    expect(errorsOf({ log_level: 'verbose' })).toMatch(/^server\.yaml: log_level: .*"info"/);
    expect(errorsOf({ influx: { url: 'localhost:8086' } })).toMatch(
      /^server\.yaml: influx\.url: write the InfluxDB address/,
    );
    expect(errorsOf({ influx: { url: 'http://h:8086/?db=x' } })).toMatch(/influx\.url: write the address alone/);
  });

  it('takes the InfluxDB password only from a file, and only with a user', () => {
    expect(errorsOf({ influx: { url: 'http://h:8086', user: 'v', password: 'secret' } })).toMatch(
      /^server\.yaml: influx: unknown key "password"/,
    );
    expect(errorsOf({ influx: { url: 'http://h:8086', password_file: './p' } })).toBe(
      'server.yaml: influx.password_file: password_file needs user: add influx.user (the name the password belongs to)',
    );
  });
});

describe('server config: InfluxDB address', () => {
  it('refuses a user or password inside the address', () => {
    const r = ServerConfig.safeParse({ influx: { url: 'http://vigia:s3cret@127.0.0.1:8086' } });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0].message).toMatch(/put the user in influx.user/);
  });
});
