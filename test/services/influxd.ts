/**
 * @module test/services/influxd
 * A real InfluxDB 1.x (`influxd`, Debian package `influxdb`) for service tests: its own temp
 * dir, free ports for HTTP and RPC, ready when `/ping` answers 204. Never shares state
 * between instances, so tests may run in parallel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, spawnDaemon } from './daemon.ts';
import { freePort, requireCommand, waitFor } from './util.ts';

export type InfluxService = {
  url: string;
  port: number;
  /** Stop influxd and delete its data. */
  stop: () => Promise<void>;
  /** Stop influxd but keep its data (a crashed or restarting database); `restart` brings it back. */
  halt: () => Promise<void>;
  /** Start influxd again on the same port with the same data; resolves once it answers `/ping`. */
  restart: () => Promise<void>;
};

/**
 * The config file. The Debian build reads `reporting-enabled` (upstream's `reporting-disabled`
 * is silently ignored, toolchain.md section 3); the RPC `bind-address` defaults to 8088 and
 * would clash between parallel instances, so it gets a free port too.
 */
export function influxConfig(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false

[logging]
  level = "warn"
`;
}

async function pingOk(url: string): Promise<boolean> {
  const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.status === 204;
}

/** Start `influxd`; resolves once it answers `/ping`. Retries on another port pair if a port was taken. */
export async function startInfluxd(): Promise<InfluxService> {
  requireCommand('influxd', 'influxdb');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-influxd-'));
  let lastOutput = '';
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const rpcPort = await freePort();
      const conf = join(dir, 'influxdb.conf');
      writeFileSync(conf, influxConfig(dir, port, rpcPort));
      const daemon: Daemon = spawnDaemon('influxd', ['-config', conf]);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => daemon.exited() || (await pingOk(url)),
        15_000,
        () => `influxd did not answer ${url}/ping within 15 s:\n${daemon.output()}`,
      ).catch(async (err) => {
        await daemon.stop();
        throw err;
      });
      if (daemon.exited()) {
        // most likely one of its ports was taken between freePort() and the bind
        lastOutput = daemon.output();
        continue;
      }
      let current = daemon;
      return {
        url,
        port,
        stop: async () => {
          await current.stop();
          rmSync(dir, { recursive: true, force: true });
        },
        halt: () => current.stop(),
        restart: async () => {
          await current.stop();
          current = spawnDaemon('influxd', ['-config', conf]);
          const again = current;
          await waitFor(
            async () => !again.exited() && (await pingOk(url)),
            15_000,
            () => `influxd did not answer ${url}/ping within 15 s after a restart:\n${again.output()}`,
          );
        },
      };
    }
    throw new Error(`influxd exited three times before it was ready:\n${lastOutput}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
