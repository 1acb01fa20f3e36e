/**
 * @module config/server
 * `vigia-server --config server.yaml` (docs/design.md "External contract"). Defaults live here and
 * only here; unknown keys are errors; keys stay snake_case in the parsed object (docs/design.md C9).
 * The InfluxDB password comes from a file (`password_file`), never inline. The `VIGIA_*`
 * environment variables override the file; `server/src/env.ts` merges the two.
 * @example
 * port: 8080
 * data_dir: /srv/vigia/data
 * influx: { url: http://127.0.0.1:8086, db: vigia, user: vigia, password_file: ./influx.password }
 */
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ServerInfluxConfig = z
  .object({
    url: z
      .url({
        protocol: /^https?$/,
        error: 'write the InfluxDB address with http:// or https://, e.g. http://127.0.0.1:8086',
      })
      .refine((u) => !/[?#]/.test(u), 'write the address alone, without ?query or #fragment')
      // A password in the URL would show in logs and in /health when InfluxDB is unreachable.
      .refine(
        (u) => !/^[a-z]+:\/\/[^/]*@/i.test(u),
        'put the user in influx.user and the password in influx.password_file, not in the address',
      )
      .describe('InfluxDB 1.x HTTP API; readings are stored there instead of readings.db'),
    db: z.string().min(1).default('vigia').describe('database, created when missing'),
    user: z.string().min(1).optional().describe('with auth enabled in influxd'),
    password_file: z
      .string()
      .min(1)
      .optional()
      .describe('file holding the password of `user` (the password is never written in this file)'),
  })
  .strict()
  .refine((i) => !i.password_file || i.user, {
    message: 'password_file needs user: add influx.user (the name the password belongs to)',
    path: ['password_file'],
  });
export type ServerInfluxConfig = z.infer<typeof ServerInfluxConfig>;

export const ServerConfig = z
  .object({
    port: z
      .number({ error: 'write the port as a whole number from 0 to 65535 (0: any free port)' })
      .int()
      .min(0)
      .max(65_535)
      .default(8080),
    host: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
    data_dir: z.string().min(1).default('./data').describe('holds meta.db and readings.db; relative to this file'),
    dashboard_dir: z
      .string()
      .min(1)
      .optional()
      .describe('the built dashboard; relative to this file; default: dashboard/dist of the installation'),
    influx: ServerInfluxConfig.optional().describe('store readings in InfluxDB 1.x instead of readings.db'),
    log_level: z.enum(LOG_LEVELS).default('info').describe('pino level; logs are JSON on stderr'),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;
