// The environment, read once: the InfluxDB settings (the names of docs/design.md "External contract") and their mistakes; server.yaml under it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@vigia/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from './config.ts';
import { readEnv } from './env.ts';

describe('readEnv: VIGIA_INFLUX_*', () => {
  it('leaves InfluxDB off without VIGIA_INFLUX_URL, and defaults the database to vigia', () => {
    expect(readEnv({}).influx).toBeUndefined();
    expect(readEnv({ VIGIA_INFLUX_URL: 'http://127.0.0.1:8086/' }).influx).toEqual({
      url: 'http://127.0.0.1:8086',
      db: 'vigia',
      user: undefined,
      password: undefined,
    });
    expect(
      readEnv({
        VIGIA_INFLUX_URL: 'https://influx.example:8086',
        VIGIA_INFLUX_DB: 'mina',
        VIGIA_INFLUX_USER: 'vigia',
        VIGIA_INFLUX_PASSWORD: ' secret ',
      }).influx,
    ).toEqual({ url: 'https://influx.example:8086', db: 'mina', user: 'vigia', password: ' secret ' });
  });

  it('refuses a URL that is not http(s), stray settings without a URL, and a password without a user', () => {
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'localhost:8086' })).toThrow(/VIGIA_INFLUX_URL=.*http:\/\/127/);
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'http://vigia:s3cret@127.0.0.1:8086' })).toThrow(
      /holds a user or password: put them in VIGIA_INFLUX_USER and VIGIA_INFLUX_PASSWORD/,
    );
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'http://h:8086/?db=x' })).toThrow(ConfigError);
    expect(() => readEnv({ VIGIA_INFLUX_DB: 'vigia' })).toThrow(/VIGIA_INFLUX_DB is set but VIGIA_INFLUX_URL is not/);
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'http://h:8086', VIGIA_INFLUX_PASSWORD: 'p' })).toThrow(
      /VIGIA_INFLUX_USER/,
    );
  });
});

describe('readEnv with server.yaml (--config)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (text: string, files: Record<string, string> = {}) => {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    writeFileSync(join(dir, 'server.yaml'), text);
    return loadServerConfig(join(dir, 'server.yaml'));
  };

  it('takes the file’s settings, resolves its paths against its folder, and reads the password file', () => {
    const loaded = load(
      'port: 9000\nhost: 127.0.0.1\ndata_dir: ./data\ndashboard_dir: /srv/dash\nlog_level: warn\n' +
        'influx: { url: "http://127.0.0.1:8086/", db: mina, user: vigia, password_file: influx.password }\n',
      { 'influx.password': ' s3cret \n' },
    );
    expect(readEnv({}, loaded)).toEqual({
      port: 9000,
      host: '127.0.0.1',
      dataDir: join(dir, 'data'),
      dashboardDir: '/srv/dash',
      logLevel: 'warn',
      influx: { url: 'http://127.0.0.1:8086', db: 'mina', user: 'vigia', password: ' s3cret ' },
    });
  });

  it('lets each VIGIA_* variable override the file', () => {
    const loaded = load(
      'port: 9000\ndata_dir: ./data\nlog_level: warn\ninflux: { url: "http://a:8086", user: vigia, password_file: p }\n',
      { p: 'from-file\n' },
    );
    const env = readEnv(
      {
        VIGIA_PORT: '0',
        VIGIA_DATA_DIR: '/tmp/other',
        VIGIA_LOG_LEVEL: 'error',
        VIGIA_INFLUX_URL: 'http://b:8086',
        VIGIA_INFLUX_DB: 'otra',
      },
      loaded,
    );
    expect(env).toMatchObject({ port: 0, dataDir: '/tmp/other', logLevel: 'error' });
    expect(env.influx).toEqual({ url: 'http://b:8086', db: 'otra', user: 'vigia', password: 'from-file' });
    // Another user from the environment does not get the file's password.
    expect(readEnv({ VIGIA_INFLUX_USER: 'ana' }, loaded).influx).toMatchObject({ user: 'ana', password: undefined });
    expect(readEnv({ VIGIA_INFLUX_PASSWORD: 'env' }, loaded).influx?.password).toBe('env');
    // A stray VIGIA_INFLUX_DB is fine when the file names the URL.
    expect(readEnv({ VIGIA_INFLUX_DB: 'x' }, loaded).influx?.url).toBe('http://a:8086');
    expect(() => readEnv({ VIGIA_PORT: 'eighty' }, loaded)).toThrow(/VIGIA_PORT/);
  });

  it('refuses a bad file naming the file, the key and the fix', () => {
    expect(() => load('port: [1]\n')).toThrow(`${join(dir, 'server.yaml')}: port: write the port as a whole number`);
    expect(() => load('port: 1\n  bad indent: [\n')).toThrow(/not valid YAML/);
    expect(() => load('influx: { url: "http://a:8086", user: v, password_file: empty }\n', { empty: '\n' })).toThrow(
      /influx\.password_file: .*empty is empty/,
    );
  });
});

describe('readEnv: VIGIA_TRUST_PROXY and VIGIA_METRICS_TOKEN', () => {
  it('reads a list of proxy addresses and refuses anything that is not an IP address', () => {
    expect(readEnv({}).trustProxy).toBeUndefined();
    expect(readEnv({ VIGIA_TRUST_PROXY: ' 127.0.0.1, ::1 ,10.0.0.5' }).trustProxy).toEqual([
      '127.0.0.1',
      '::1',
      '10.0.0.5',
    ]);
    expect(() => readEnv({ VIGIA_TRUST_PROXY: '127.0.0.1,proxy.example' })).toThrow(
      /VIGIA_TRUST_PROXY: "proxy.example" is not an IP address/,
    );
    expect(() => readEnv({ VIGIA_TRUST_PROXY: '10.0.0.0/8' })).toThrow(ConfigError);
  });

  it('takes a metrics token of 16 characters or more, without spaces', () => {
    expect(readEnv({}).metricsToken).toBeUndefined();
    expect(readEnv({ VIGIA_METRICS_TOKEN: 'abcdefghijklmnop' }).metricsToken).toBe('abcdefghijklmnop');
    expect(() => readEnv({ VIGIA_METRICS_TOKEN: 'short' })).toThrow(/VIGIA_METRICS_TOKEN .*openssl rand/);
    expect(() => readEnv({ VIGIA_METRICS_TOKEN: 'has a space in the token' })).toThrow(/spaces/);
  });
});

describe('readEnv: VIGIA_LIVE_MAX_PER_USER and VIGIA_LIVE_MAX_STREAMS', () => {
  it('leaves the defaults unless set, fills the other from the default, and refuses a non-count', () => {
    expect(readEnv({}).liveLimits).toBeUndefined();
    expect(readEnv({ VIGIA_LIVE_MAX_PER_USER: '3' }).liveLimits).toEqual({ perUser: 3, total: 200 });
    expect(readEnv({ VIGIA_LIVE_MAX_STREAMS: '50' }).liveLimits).toEqual({ perUser: 20, total: 50 });
    expect(() => readEnv({ VIGIA_LIVE_MAX_PER_USER: '0' })).toThrow(/VIGIA_LIVE_MAX_PER_USER="0" is not a count/);
    expect(() => readEnv({ VIGIA_LIVE_MAX_STREAMS: 'many' })).toThrow(/VIGIA_LIVE_MAX_STREAMS/);
  });
});

describe('readEnv: VIGIA_SMTP_URL, VIGIA_SMTP_FROM, VIGIA_PUBLIC_URL', () => {
  const ok = {
    VIGIA_SMTP_URL: 'smtps://vigia:s3cret-pass@mail.example.org:465',
    VIGIA_SMTP_FROM: 'Vigía <vigia@example.org>',
    VIGIA_PUBLIC_URL: 'https://vigia.example.org/',
  };
  it('leaves e-mail off without VIGIA_SMTP_URL, and reads all three (the link base without its slash)', () => {
    expect(readEnv({}).email).toBeUndefined();
    expect(readEnv(ok).email).toEqual({
      smtpUrl: ok.VIGIA_SMTP_URL,
      from: ok.VIGIA_SMTP_FROM,
      publicUrl: 'https://vigia.example.org',
    });
  });

  it('refuses a half configuration or a bad value, naming the variable and never quoting the password', () => {
    const message = (env: NodeJS.ProcessEnv) => {
      try {
        readEnv(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ VIGIA_SMTP_FROM: 'vigia@example.org' })).toMatch(/VIGIA_SMTP_URL is not/);
    const http = message({ ...ok, VIGIA_SMTP_URL: 'http://vigia:s3cret-pass@mail.example.org' });
    expect(http).toMatch(/VIGIA_SMTP_URL \(http:\/\/mail\.example\.org\) is not an SMTP address/);
    expect(http).not.toContain('s3cret-pass');
    expect(message({ ...ok, VIGIA_SMTP_FROM: undefined })).toMatch(/VIGIA_SMTP_FROM is missing/);
    expect(message({ ...ok, VIGIA_SMTP_FROM: 'vigia' })).toMatch(/VIGIA_SMTP_FROM .* not an e-mail address/);
    expect(message({ ...ok, VIGIA_PUBLIC_URL: undefined })).toMatch(/VIGIA_PUBLIC_URL is missing/);
    expect(message({ ...ok, VIGIA_PUBLIC_URL: 'vigia.example.org' })).toMatch(/VIGIA_PUBLIC_URL .* http\(s\)/);
  });
});
