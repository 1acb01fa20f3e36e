// The environment, read once: the InfluxDB settings (DESIGN.md names) and their mistakes.
import { ConfigError } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
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
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'http://h:8086/?db=x' })).toThrow(ConfigError);
    expect(() => readEnv({ VIGIA_INFLUX_DB: 'vigia' })).toThrow(/VIGIA_INFLUX_DB is set but VIGIA_INFLUX_URL is not/);
    expect(() => readEnv({ VIGIA_INFLUX_URL: 'http://h:8086', VIGIA_INFLUX_PASSWORD: 'p' })).toThrow(
      /VIGIA_INFLUX_USER/,
    );
  });
});
