/**
 * @module storage/influxdb/influx-http
 * The InfluxDB 1.x HTTP API (`/write`, `/query`) over `fetch`, with every failure mapped
 * to the project's error classes and the connection state kept for `/metrics` and the log.
 * Never retries on its own: the edge re-sends, and re-sending is idempotent.
 *
 * | influxd answer                      | error                                   | API  |
 * | ----------------------------------- | --------------------------------------- | ---- |
 * | no connection, reset, timeout       | TransientError `influx_unreachable`     | 503  |
 * | 5xx, 429                            | TransientError `influx_unavailable`     | 503  |
 * | database not found (write or query)  | DatabaseMissingError (store recreates)  | —    |
 * | 401, 403                            | FatalError `influx_auth`                | 500  |
 * | 400 (parse error, field type clash) | FatalError `influx_rejected`            | 500  |
 * A 500 makes the edge keep and re-send the batch; nothing is lost while a person fixes it.
 */
import { FatalError, TransientError } from '@vigia/shared';

export type InfluxConnection = {
  /** Base URL of influxd's HTTP API, e.g. http://127.0.0.1:8086 */
  url: string;
  db: string;
  user?: string;
  password?: string;
  /** Per request; a write of 50,000 points takes well under a second on this machine. */
  timeoutMs?: number;
};

/** A component state as docs/design.md C5 names them, with a human detail. */
export type ConnectionStatus = { state: 'starting' | 'ok' | 'retrying' | 'failed' | 'stopped'; detail: string };

export type QueryResult = {
  error?: string;
  series?: { name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
};

/** Any measurement name: a one-statement probe whose error names why a request was not executed. */
const MEASUREMENT_PROBE = 'reading';

/** influxd says the database does not exist (dropped by someone): the store creates it again. */
export class DatabaseMissingError extends Error {}

export type InfluxHttp = {
  readonly url: string;
  /** POST line protocol (ms precision); resolves on 204. */
  write(lines: string): Promise<void>;
  /** POST InfluxQL (several statements may be joined by ";"); one result per statement, ms epochs. */
  query(q: string, options?: { noDb?: boolean }): Promise<QueryResult[]>;
  status(): ConnectionStatus;
  stopped(): void;
};

export function influxHttp(conn: InfluxConnection): InfluxHttp {
  const base = conn.url.replace(/\/+$/, '');
  const timeoutMs = conn.timeoutMs ?? 30_000;
  const auth =
    conn.user !== undefined
      ? `Basic ${Buffer.from(`${conn.user}:${conn.password ?? ''}`).toString('base64')}`
      : undefined;
  const writeUrl = `${base}/write?${new URLSearchParams({ db: conn.db, precision: 'ms' })}`;
  let status: ConnectionStatus = { state: 'starting', detail: `connecting to InfluxDB at ${base}` };

  const fail = (err: Error): never => {
    status = { state: err instanceof TransientError ? 'retrying' : 'failed', detail: err.message };
    throw err;
  };

  async function send(url: string, body: string | URLSearchParams, what: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = auth;
    try {
      return await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs / 1000} s`
          : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
      return fail(
        new TransientError(
          'influx_unreachable',
          `InfluxDB at ${base} is unreachable (${reason}) while ${what}: check that influxd is running`,
          { cause: err, stage: 'send' },
        ),
      );
    }
  }

  async function failure(res: Response, what: string): Promise<never> {
    const text = (await res.text().catch(() => '')).slice(0, 500);
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: keep the text
    }
    const said = `InfluxDB at ${base} answered ${res.status} while ${what}: ${message || res.statusText}`;
    if (res.status >= 500 || res.status === 429) return fail(new TransientError('influx_unavailable', said));
    if (res.status === 401 || res.status === 403) {
      return fail(new FatalError('influx_auth', `${said} (check VIGIA_INFLUX_USER and VIGIA_INFLUX_PASSWORD)`));
    }
    return fail(new FatalError('influx_rejected', said));
  }

  const ok = () => {
    status = { state: 'ok', detail: `InfluxDB at ${base}, database "${conn.db}"` };
  };

  return {
    url: base,
    async write(lines) {
      const res = await send(writeUrl, lines, 'writing readings');
      if (res.status === 204) {
        await res.arrayBuffer();
        ok();
        return;
      }
      if (res.status === 404) {
        await res.arrayBuffer();
        throw new DatabaseMissingError(`database "${conn.db}" not found`);
      }
      return failure(res, 'writing readings');
    },
    async query(q, options = {}) {
      const body = new URLSearchParams({ q, epoch: 'ms' });
      if (!options.noDb) body.set('db', conn.db);
      const res = await send(`${base}/query`, body, 'querying');
      if (res.status !== 200) return failure(res, 'querying');
      const json = (await res.json()) as { results?: QueryResult[]; error?: string };
      const errors = [json.error, ...(json.results ?? []).map((r) => r.error)].filter((e): e is string => !!e);
      // Later statements of a failed request say only "not executed": report the first real cause.
      const missing = errors.find((e) => /^database not found/.test(e));
      if (missing) throw new DatabaseMissingError(missing);
      const error = errors.find((e) => e !== 'not executed') ?? errors[0];
      if (error === 'not executed' && !options.noDb && q.includes(';')) {
        // influxd 1.6 answers a several-statement request on a missing database with only
        // "not executed": one statement on its own names the cause (database not found, …).
        await this.query(`SELECT * FROM "${MEASUREMENT_PROBE}" WHERE time > 0 LIMIT 1`);
      }
      if (error) {
        // Authorization errors arrive as 200 with an error result in some 1.x versions.
        const code = /authoriz|authentic/i.test(error) ? 'influx_auth' : 'influx_rejected';
        return fail(new FatalError(code, `InfluxDB at ${base} refused a query: ${error}`));
      }
      ok();
      return json.results ?? [];
    },
    status: () => status,
    stopped() {
      status = { state: 'stopped', detail: 'closed' };
    },
  };
}
