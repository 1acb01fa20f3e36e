/**
 * @module test/support/server
 * `vigia-server` as its own process on the embedded store, as an operator runs it: accounts
 * made with its CLI on the data dir, then the server started, stopped (SIGTERM, then SIGKILL)
 * and started again on the same port and data dir. `startServerOnly` is the common case: one
 * device (its token) and one admin user, for tests and benchmarks that need the real server
 * but no edge (e.g. many live clients, the browser tests).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../services/util.ts';
import { type Proc, runNode, startNode } from './process.ts';
import { DEMO_USER, SERVER_BIN } from './stack.ts';

/** `site` absent: the user is created with `--all-sites`. */
export type ServerUser = { user: string; role: string; password: string; site?: string };

export type ServerProcess = {
  url: string;
  port: number;
  /** `<dir>/data`: the server's data dir (meta.db and the store). */
  dataDir: string;
  /** The current run (a new one after each `start()`). */
  readonly proc: Proc;
  /** What every run printed so far (stdout and stderr), kept in memory; also in `<dir>/server.log`. */
  log(): string;
  /** `vigia-server <args>` on the data dir; its stdout, or throws with its stderr. */
  cli(args: string[], input?: string): Promise<string>;
  /** `device add`: the device's token (printed alone on the last line, server/README.md "Admin commands"). */
  addDevice(id: string, site: string): Promise<string>;
  /** `user add`, the password given on stdin. */
  addUser(who: ServerUser): Promise<void>;
  /** Start (again) on the same port and data dir; resolves once /health answers. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
  stop(): Promise<void>;
};

/** A server in `dir` on a free port, not started yet: add accounts, then `start()`. */
export async function serverProcess(dir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = join(dir, 'data');
  const fullEnv = { ...env, VIGIA_PORT: String(port), VIGIA_DATA_DIR: dataDir };
  let current: Proc | undefined;
  let output = '';

  const cli = async (args: string[], input?: string) => {
    const res = await runNode(SERVER_BIN, args, { env: fullEnv, input });
    if (res.code !== 0) throw new Error(`vigia-server ${args.slice(0, 2).join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  return {
    url,
    port,
    dataDir,
    get proc() {
      if (!current) throw new Error('vigia-server was never started');
      return current;
    },
    log: () => output,
    cli,
    addDevice: async (id, site) => (await cli(['device', 'add', id, '--site', site])).trim().split('\n').at(-1)!.trim(),
    addUser: async ({ user, role, password, site }) => {
      const siteArgs = site ? ['--site', site] : ['--all-sites'];
      await cli(['user', 'add', user, '--role', role, ...siteArgs, '--password-stdin'], `${password}\n`);
    },
    async start() {
      if (current && current.child.exitCode === null && current.child.signalCode === null)
        throw new Error('vigia-server is already running');
      const proc = startNode('server', SERVER_BIN, [], { env: fullEnv, logFile: join(dir, 'server.log') });
      const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-50_000);
      };
      proc.child.stdout?.on('data', keep);
      proc.child.stderr?.on('data', keep);
      current = proc;
      await waitFor(
        async () => proc.child.exitCode === null && (await fetch(`${url}/health`)).ok,
        30_000,
        () => `vigia-server did not answer /health on ${url}:\n${output}`,
        100,
      );
    },
    async stop() {
      await current?.stop(10_000);
    },
  };
}

export type ServerOnly = {
  url: string;
  token: string;
  device: string;
  proc: Proc;
  ingest(readings: unknown[]): Promise<Response>;
};

export async function startServerOnly(
  dir: string,
  device = { id: 'plant-01', site: 'mobile-plant' },
  env: Record<string, string> = {},
): Promise<ServerOnly> {
  const server = await serverProcess(dir, { VIGIA_HOST: '127.0.0.1', VIGIA_LOG_LEVEL: 'warn', ...env });
  const token = await server.addDevice(device.id, device.site);
  await server.addUser(DEMO_USER);
  await server.start();
  const { url } = server;
  return {
    url,
    token,
    device: device.id,
    proc: server.proc,
    ingest: (readings) =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ device: device.id, readings }),
      }),
  };
}
