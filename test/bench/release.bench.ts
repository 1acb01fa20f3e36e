/**
 * `npm run bench -- release`: the release files' sizes, and the arm64 agent from its tarball
 * under qemu (these machines are x64): time from start to its /status answering and to its first
 * Modbus reading stored by the server, and its RSS after a minute of polling. The emulated
 * figures are informative only: qemu-user on a shared x64 machine, not a Pi, and the RSS includes
 * qemu's own translation cache.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storedRows } from '../e2e/support/readings.ts';
import { waitFor } from '../services/util.ts';
import { extract, NO_WORKSPACE_ENV, QEMU_ARM64, releaseBuild } from '../support/release.ts';
import { startStack } from '../support/stack.ts';
import { rssMb } from './edge.bench.ts';
import type { Bench } from './figure.ts';

const VERSION = '0.0.0-bench';
const RUN_SECONDS = Number(process.env.BENCH_RELEASE_SECONDS ?? 60);
const EMULATED = 'qemu-aarch64 on a shared x64 machine, not a Pi: informative only';

export const releaseBench: Bench = {
  name: 'release',
  run: async (emit) => {
    const out = await releaseBuild({
      version: VERSION,
      products: ['vigia-edge', 'vigia-server'],
      archs: ['arm64', 'x64'],
    });
    for (const product of ['vigia-edge', 'vigia-server']) {
      for (const arch of ['arm64', 'x64']) {
        const bytes = statSync(join(out, `${product}-${VERSION}-linux-${arch}.tar.gz`)).size;
        emit({ name: `release.tarball.${product}-linux-${arch}`, value: Math.round(bytes / 1e5) / 10, unit: 'MB' });
      }
    }

    const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-release-'));
    const agent = extract(join(out, `vigia-edge-${VERSION}-linux-arm64.tar.gz`), join(dir, 'pi'));
    const stack = await startStack({
      dir: join(dir, 'site'),
      serial: true,
      edgeRun: {
        command: [...QEMU_ARM64, join(agent, 'node', 'bin', 'node')],
        script: join(agent, 'lib', 'vigia-edge.mjs'),
        nodeArgs: ['--max-old-space-size=48', '--max-semi-space-size=1'], // as the systemd unit
        startTimeoutMs: 180_000,
      },
      edgeEnv: { ...NO_WORKSPACE_ENV, MALLOC_ARENA_MAX: '2' },
    });
    try {
      // A fresh start of the (already warm on disk) agent, timed.
      await stack.edge.stop();
      const t0 = Date.now();
      const modbusSince = () => storedRows(stack, `WHERE sensor = 'plant.water_in' AND ts >= ${t0}`).length;
      await stack.startEdge();
      const api = Date.now() - t0;
      await waitFor(
        () => modbusSince() > 0,
        180_000,
        () => `no Modbus reading:\n${stack.edge.log().slice(-2000)}`,
        100,
      );
      const first = Date.now() - t0;
      emit({ name: 'release.edge_arm64_start_to_api', value: api, unit: 'ms', note: EMULATED });
      emit({
        name: 'release.edge_arm64_start_to_first_reading',
        value: first,
        unit: 'ms',
        note: `stored by the server; ${EMULATED}`,
      });
      await new Promise((r) => setTimeout(r, RUN_SECONDS * 1000));
      const pid = stack.edge.child.pid;
      if (pid === undefined) throw new Error('the emulated agent has no pid');
      emit({
        name: 'release.edge_arm64_rss',
        value: Math.round(rssMb(pid)),
        unit: 'MB',
        note: `after ${RUN_SECONDS} s polling the simulator (10 sensors); includes qemu; ${EMULATED}`,
      });
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
