/**
 * The arm64 edge release, run as on a Pi: the tarball unpacked outside the workspace, its own
 * arm64 Node under qemu (these machines have no binfmt_misc, so qemu is called explicitly),
 * polling the simulator's Modbus slave on a socat pty and MQTT sensors, forwarding to a real
 * server. Readings must show in the server's API; then the agent is killed with SIGKILL while a
 * sensor node publishes numbered readings, started again, and every reading the broker
 * acknowledged must reach the server exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberedSensors, type Publisher, startPublisher } from '../e2e/support/publisher.ts';
import { countByValue, storedOnceAcked, storedRows } from '../e2e/support/readings.ts';
import { requireCommand, waitFor } from '../services/util.ts';
import { demoSensors } from '../simulator/sensors.ts';
import { ApiClient } from '../support/client.ts';
import { extract, NO_WORKSPACE_ENV, QEMU_ARM64, releaseBuild } from '../support/release.ts';
import { DEMO_USER, type Stack, startStack } from '../support/stack.ts';

const VERSION = '0.0.0-test-arm64';
const SENSORS = 2;
let dir: string;
let agent: string;
let stack: Stack | undefined;
let publisher: Publisher | undefined;

beforeAll(async () => {
  // npm test installs these Debian packages (scripts/bootstrap.mjs); never skip: fail and say so.
  requireCommand('qemu-aarch64-static', 'qemu-user-static');
  requireCommand('aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu');
  const out = await releaseBuild({ version: VERSION, products: ['vigia-edge'], archs: ['arm64'] });
  dir = mkdtempSync(join(tmpdir(), 'vigia-arm64-'));
  agent = extract(join(out, `vigia-edge-${VERSION}-linux-arm64.tar.gz`), join(dir, 'pi'));
}, 900_000);

afterAll(async () => {
  await publisher?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('arm64 edge release under qemu', () => {
  it('reads Modbus and MQTT sensors into the server, and loses nothing acknowledged across a kill -9', async () => {
    stack = await startStack({
      dir: join(dir, 'site'),
      serial: true,
      simulatorArgs: ['--rate-ms', '1000'],
      sensors: (ports) => [...demoSensors(ports), ...numberedSensors('arm', SENSORS)],
      edgeRun: {
        command: [...QEMU_ARM64, join(agent, 'node', 'bin', 'node')],
        script: join(agent, 'lib', 'vigia-edge.mjs'),
        startTimeoutMs: 120_000,
      },
      edgeEnv: NO_WORKSPACE_ENV,
    });
    const s = stack;
    expect(s.edge.child.spawnfile).toBe('qemu-aarch64-static');

    // Readings from the Modbus slave (plant.water_in) and an MQTT node (tunnel.ch4) in the API.
    const api = new ApiClient(s.serverUrl);
    await api.login(DEMO_USER.user, DEMO_USER.password);
    const last = async () => {
      const { sensors } = await api.get<{ sensors: { id: string; last: unknown }[] }>('/api/v1/sensors');
      return new Map(sensors.map((x) => [x.id, x.last]));
    };
    await waitFor(
      async () => {
        const seen = await last();
        return seen.get('plant.water_in') != null && seen.get('tunnel.ch4') != null;
      },
      120_000,
      () => `no Modbus and MQTT readings in the server's API:\n${s.edge.log().slice(-3000)}`,
      500,
    );
    expect(storedRows(s, "WHERE sensor = 'plant.water_in'").length).toBeGreaterThan(0);

    // Numbered readings at QoS 1, and a SIGKILL while they flow.
    publisher = startPublisher({
      url: s.brokerUrl,
      ...s.mqttUser,
      topic: (seq) => `arm/s${seq % SENSORS}`,
      maxInflight: 5,
      ratePerS: 50,
    });
    const p = publisher;
    await waitFor(
      () => p.acked.size >= 50,
      60_000,
      () => `no PUBACKs from the emulated agent:\n${s.edge.log().slice(-2000)}`,
    );
    const ackedBeforeCut = p.acked.size;
    await s.edge.kill9();
    await s.startEdge();
    await waitFor(
      () => p.acked.size >= ackedBeforeCut + 50,
      120_000,
      () => `no PUBACKs after the restart:\n${s.edge.log().slice(-2000)}`,
    );
    await p.stop();
    const acked = [...p.acked];

    const counts = countByValue(
      await storedOnceAcked(s, acked, {
        where: "WHERE sensor LIKE 'arm.%'",
        timeoutMs: 120_000,
        intervalMs: 500,
        log: () => s.edge.log().slice(-3000),
      }),
    );
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(acked.filter((v) => !counts.has(v))).toEqual([]);
  }, 600_000);
});
