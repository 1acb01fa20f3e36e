/**
 * @module test/services/mosquitto
 * A real Mosquitto broker (Debian package `mosquitto`) for service tests: loopback only,
 * anonymous, no persistence, on a free port with its own temp dir; ready when an mqtt.js
 * client connects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { spawnDaemon } from './daemon.ts';
import { freePort, requireCommand, waitFor } from './util.ts';

export type MosquittoService = { url: string; port: number; stop: () => Promise<void> };

/**
 * The config file. `set_tcp_nodelay true` matters: without it QoS 1 from mqtt.js runs at
 * about 40 % of the rate (toolchain.md section 4).
 */
export function mosquittoConfig(port: number): string {
  return `# local test broker: loopback only, anonymous, no persistence
listener ${port} 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
log_dest stdout
log_type error
log_type warning
max_queued_messages 100000
max_inflight_messages 100
`;
}

/** Resolves true when an MQTT CONNACK arrives, false on any error or after 1 s. */
function canConnect(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 1000 });
    const done = (ok: boolean) => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(true, () => resolve(ok));
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.once('close', () => done(false));
  });
}

/**
 * Start `mosquitto -c <conf>`; resolves once a client can connect. Give `port` to start it
 * where a client already waits (e.g. a publisher that must retry until the broker is up).
 */
export async function startMosquitto(opts: { port?: number } = {}): Promise<MosquittoService> {
  requireCommand('mosquitto', 'mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'vigia-mosquitto-'));
  let lastOutput = '';
  try {
    for (let attempt = 0; attempt < (opts.port ? 1 : 3); attempt++) {
      const port = opts.port ?? (await freePort());
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, mosquittoConfig(port));
      const daemon = spawnDaemon('mosquitto', ['-c', conf]);
      const url = `mqtt://127.0.0.1:${port}`;
      await waitFor(
        async () => daemon.exited() || (await canConnect(url)),
        10_000,
        () => `mosquitto did not accept a connection on ${url} within 10 s:\n${daemon.output()}`,
      ).catch(async (err) => {
        await daemon.stop();
        throw err;
      });
      if (daemon.exited()) {
        // most likely the port was taken between freePort() and the bind
        lastOutput = daemon.output();
        continue;
      }
      return {
        url,
        port,
        stop: async () => {
          await daemon.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(`mosquitto exited before it was ready:\n${lastOutput}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
