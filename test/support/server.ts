/**
 * @module test/support/server
 * `vigia-server` alone as its own process on the embedded store, with one device (its
 * token) and one admin user, both created through the CLI as an operator would. For tests
 * and benchmarks that need the real server but no edge (e.g. many live clients).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../services/util.ts';
import { type Proc, runNode, startNode } from './process.ts';
import { DEMO_USER, SERVER_BIN } from './stack.ts';

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
): Promise<ServerOnly> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const env = {
    VIGIA_PORT: String(port),
    VIGIA_HOST: '127.0.0.1',
    VIGIA_DATA_DIR: join(dir, 'data'),
    VIGIA_LOG_LEVEL: 'warn',
  };
  const add = await runNode(SERVER_BIN, ['device', 'add', device.id, '--site', device.site], { env });
  if (add.code !== 0) throw new Error(`vigia-server device add failed: ${add.stderr}`);
  const token = add.stdout.trim().split('\n').at(-1) ?? '';
  const user = await runNode(
    SERVER_BIN,
    ['user', 'add', DEMO_USER.user, '--role', DEMO_USER.role, '--password-stdin'],
    {
      env,
      input: `${DEMO_USER.password}\n`,
    },
  );
  if (user.code !== 0) throw new Error(`vigia-server user add failed: ${user.stderr}`);
  const proc = startNode('server', SERVER_BIN, [], { env, logFile: join(dir, 'server.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/health`)).ok,
    30_000,
    () => `vigia-server did not start:\n${proc.log()}`,
  );
  return {
    url,
    token,
    device: device.id,
    proc,
    ingest: (readings) =>
      fetch(`${url}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ device: device.id, readings }),
      }),
  };
}
