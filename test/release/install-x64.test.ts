/**
 * The x64 release tarballs as a technician uses them, with install.sh's test mode (`--root DIR`:
 * everything under DIR, no user, no systemctl): install edge and server, start both from the
 * installed files (not the workspace: NODE_PATH cleared, nothing under /work), readings flow;
 * a second install changes nothing; an upgrade to a second build with readings waiting in the
 * agent's buffer loses none; rollback returns to the first build; the installed units pass
 * `systemd-analyze verify`; uninstall keeps config and data, purge removes them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { numberedSensors, type Publisher, startPublisher } from '../e2e/support/publisher.ts';
import { countByValue, edgeStatus, storedOnceAcked } from '../e2e/support/readings.ts';
import { freePort, requireCommand, waitFor } from '../services/util.ts';
import { type Proc, startNode } from '../support/process.ts';
import { extract, NO_WORKSPACE_ENV, releaseBuild } from '../support/release.ts';

const V1 = '0.0.0-test.1';
const V2 = '0.0.0-test.2';
const SENSORS = 2;

let dir: string;
let root: string;
const unpacked: Record<string, { edge: string; server: string }> = {};
const outs: Record<string, string> = {};
let serverPort: number;
let apiPort: number;
let brokerPort: number;
let server: Proc | undefined;
let edge: Proc | undefined;
let publisher: Publisher | undefined;
let seq = 0;
const acked: number[] = [];

const r = (...p: string[]) => join(root, ...p);
const site = () => ({
  readingsDb: r('var', 'lib', 'vigia', 'server', 'readings.db'),
  apiUrl: `http://127.0.0.1:${apiPort}`,
});

function install(folder: string, ...args: string[]) {
  const res = spawnSync('sh', [join(folder, 'install.sh'), '--root', root, ...args], { encoding: 'utf8' });
  if (res.status !== 0)
    throw new Error(`install.sh ${args.join(' ')} failed (${res.status}):\n${res.stdout}${res.stderr}`);
  return res.stdout;
}

async function answers(proc: Proc, url: string) {
  let exited: number | string | undefined;
  void proc.exited.then((how) => {
    exited = how;
  });
  await waitFor(
    async () => {
      if (exited !== undefined) throw new Error(`${proc.name} exited (${exited}):\n${proc.log()}`);
      return (await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.ok === true;
    },
    60_000,
    () => `${proc.name} did not answer at ${url}:\n${proc.log()}`,
    100,
  );
}

/** Starts an installed command (the sh launcher in /usr/local/bin) with its config in /etc/vigia. */
async function start(name: 'server' | 'edge') {
  const proc = startNode(
    name,
    r('usr', 'local', 'bin', `vigia-${name}`),
    ['--config', r('etc', 'vigia', `${name}.yaml`)],
    {
      command: ['sh'],
      env: NO_WORKSPACE_ENV,
      logFile: join(dir, `${name}.log`),
      cwd: root,
    },
  );
  if (name === 'server') {
    server = proc;
    await answers(proc, `http://127.0.0.1:${serverPort}/health`);
  } else {
    edge = proc;
    await answers(proc, `http://127.0.0.1:${apiPort}/status`);
  }
  return proc;
}

/** The release folder a running program was started from (its Node's path). */
const runningFrom = (proc: Proc) => realpathSync(`/proc/${proc.child.pid}/exe`);

/** Publishes `n` more numbered readings at QoS 1 and waits for their PUBACKs. */
async function publish(n: number) {
  const password = readFileSync(r('etc', 'vigia', 'node1.pw'), 'utf8').trim();
  const first = seq;
  publisher = startPublisher({
    url: `mqtt://127.0.0.1:${brokerPort}`,
    username: 'node1',
    password,
    topic: (s) => `inst/s${(first + s) % SENSORS}`,
    payload: (s) => String(first + s),
    count: n,
    maxInflight: 10,
  });
  await publisher.done();
  await publisher.stop();
  for (const s of publisher.acked) acked.push(first + s);
  seq += n;
  publisher = undefined;
}

async function allStored() {
  const rows = await storedOnceAcked(site(), acked, {
    where: "WHERE sensor LIKE 'inst.%'",
    intervalMs: 200,
    log: () => edge?.log().slice(-2000) ?? '',
  });
  const twice = [...countByValue(rows)].filter(([, n]) => n > 1);
  expect(twice).toEqual([]);
}

beforeAll(async () => {
  requireCommand('systemd-analyze', 'systemd');
  dir = mkdtempSync(join(tmpdir(), 'vigia-install-'));
  root = join(dir, 'root');
  for (const v of [V1, V2]) {
    const out = await releaseBuild({ version: v, products: ['vigia-edge', 'vigia-server'], archs: ['x64'] });
    outs[v] = out;
    unpacked[v] = {
      edge: extract(join(out, `vigia-edge-${v}-linux-x64.tar.gz`), join(dir, `usb-${v}`, 'edge')),
      server: extract(join(out, `vigia-server-${v}-linux-x64.tar.gz`), join(dir, `usb-${v}`, 'server')),
    };
  }
  [serverPort, apiPort, brokerPort] = [await freePort(), await freePort(), await freePort()];
}, 900_000);

afterAll(async () => {
  await publisher?.stop();
  await edge?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('x64 release: install.sh --root, upgrade, rollback', () => {
  it('writes the tarballs with SHA256SUMS and the documented layout', () => {
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: outs[V1], encoding: 'utf8' });
    expect(check.stdout.trim().split('\n').sort()).toEqual([
      `vigia-edge-${V1}-linux-x64.tar.gz: OK`,
      `vigia-server-${V1}-linux-x64.tar.gz: OK`,
    ]);
    const common = ['node/bin/node', 'install.sh', 'README.md', 'RELEASE'];
    for (const path of [
      ...common,
      'lib/vigia-edge.mjs',
      'lib/vigia-config.mjs',
      'bin/vigia-edge',
      'bin/vigia-config',
      'systemd/vigia-edge.service',
      'examples/edge.yaml',
      'examples/sensors/modbus-rtu.yaml',
      'examples/sensors/modbus-tcp.yaml',
      'lib/page/index.html',
    ]) {
      expect(existsSync(join(unpacked[V1].edge, path)), path).toBe(true);
    }
    for (const path of [
      ...common,
      'lib/vigia-server.mjs',
      'bin/vigia-server',
      'systemd/vigia-server.service',
      'examples/server.yaml',
      'dashboard/index.html',
    ]) {
      expect(existsSync(join(unpacked[V1].server, path)), path).toBe(true);
    }
  });

  it('installs both, with the documented layout and the next steps in Spanish and English', () => {
    const edgeOut = install(unpacked[V1].edge);
    const serverOut = install(unpacked[V1].server);
    for (const out of [edgeOut, serverOut]) {
      expect(out).toMatch(/Siguientes pasos/);
      expect(out).toMatch(/Next steps/);
      expect(out).toMatch(/systemctl status/);
    }
    expect(edgeOut).toMatch(/vigia-config status/);
    expect(edgeOut).toMatch(/device add/);
    expect(readlinkSync(r('opt', 'vigia-edge', 'current'))).toBe(V1);
    expect(readlinkSync(r('opt', 'vigia-server', 'current'))).toBe(V1);
    for (const c of ['vigia-edge', 'vigia-config', 'vigia-server']) {
      expect(realpathSync(r('usr', 'local', 'bin', c))).toMatch(new RegExp(`/opt/vigia-(edge|server)/${V1}/bin/${c}$`));
    }
    expect(readFileSync(r('etc', 'vigia', 'edge.yaml'), 'utf8')).toBe(
      readFileSync(join(unpacked[V1].edge, 'examples', 'edge.yaml'), 'utf8'),
    );
    expect(existsSync(r('etc', 'systemd', 'system', 'vigia-edge.service'))).toBe(true);
    expect(existsSync(r('etc', 'systemd', 'system', 'vigia-server.service'))).toBe(true);
    expect(existsSync(r('var', 'lib', 'vigia', 'edge'))).toBe(true);
  });

  it('the installed commands run from the installed files only', () => {
    const res = spawnSync(r('usr', 'local', 'bin', 'vigia-config'), ['validate', r('etc', 'vigia', 'edge.yaml')], {
      encoding: 'utf8',
      env: { ...process.env, ...NO_WORKSPACE_ENV },
      cwd: root,
    });
    // The shipped example is a valid config, checked by the shipped tool.
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/edge\.yaml: valid/);
    expect(res.status).toBe(0);
  });

  it('is idempotent: a second install changes no config and no link', () => {
    // The site's own configs (what a technician writes after the first install).
    writeFileSync(r('etc', 'vigia', 'node1.pw'), 'node1-secret\n');
    writeFileSync(
      r('etc', 'vigia', 'server.yaml'),
      stringify({
        port: serverPort,
        host: '127.0.0.1',
        data_dir: r('var', 'lib', 'vigia', 'server'),
        log_level: 'warn',
      }),
    );
    const add = spawnSync(
      r('usr', 'local', 'bin', 'vigia-server'),
      ['--config', r('etc', 'vigia', 'server.yaml'), 'device', 'add', 'site-01', '--site', 'office'],
      { encoding: 'utf8', env: { ...process.env, ...NO_WORKSPACE_ENV } },
    );
    expect(add.status, add.stderr).toBe(0);
    writeFileSync(r('etc', 'vigia', 'device.token'), `${add.stdout.trim().split('\n').at(-1)}\n`);
    writeFileSync(
      r('etc', 'vigia', 'edge.yaml'),
      stringify({
        device: { id: 'site-01', site: 'office' },
        server: { url: `http://127.0.0.1:${serverPort}`, token_file: r('etc', 'vigia', 'device.token') },
        buffer: { path: r('var', 'lib', 'vigia', 'edge', 'buffer.db'), max_mb: 64 },
        broker: {
          port: brokerPort,
          host: '127.0.0.1',
          users: [
            {
              username: 'node1',
              password_file: r('etc', 'vigia', 'node1.pw'),
              topics: numberedSensors('inst', SENSORS).map((s) => s.source.topic),
            },
          ],
        },
        api: { port: apiPort, host: '127.0.0.1' },
        sensors: numberedSensors('inst', SENSORS),
      }),
    );
    const before = readFileSync(r('etc', 'vigia', 'edge.yaml'), 'utf8');
    install(unpacked[V1].edge);
    install(unpacked[V1].server);
    expect(readFileSync(r('etc', 'vigia', 'edge.yaml'), 'utf8')).toBe(before);
    expect(readlinkSync(r('opt', 'vigia-edge', 'current'))).toBe(V1);
    expect(existsSync(r('opt', 'vigia-edge', 'previous'))).toBe(false);
  });

  it('runs both from the installed files: readings flow', async () => {
    await start('server');
    await start('edge');
    expect(runningFrom(edge!)).toBe(realpathSync(r('opt', 'vigia-edge', V1, 'node', 'bin', 'node')));
    expect(runningFrom(server!)).toBe(realpathSync(r('opt', 'vigia-server', V1, 'node', 'bin', 'node')));
    // The server serves the dashboard it ships.
    const page = await fetch(`http://127.0.0.1:${serverPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script/);
    await publish(200);
    expect(acked.length).toBeGreaterThan(150);
    await allStored();
  }, 120_000);

  it('upgrades to a second build with readings in the buffer: nothing lost, config kept', async () => {
    await server!.stop();
    await publish(300);
    expect((await edgeStatus(site())).buffer.pending).toBeGreaterThan(0);
    await edge!.stop();
    const config = readFileSync(r('etc', 'vigia', 'edge.yaml'), 'utf8');
    install(unpacked[V2].edge);
    install(unpacked[V2].server);
    expect(readlinkSync(r('opt', 'vigia-edge', 'current'))).toBe(V2);
    expect(readlinkSync(r('opt', 'vigia-edge', 'previous'))).toBe(V1);
    expect(readFileSync(r('etc', 'vigia', 'edge.yaml'), 'utf8')).toBe(config);
    await start('server');
    await start('edge');
    expect(runningFrom(edge!)).toBe(realpathSync(r('opt', 'vigia-edge', V2, 'node', 'bin', 'node')));
    await allStored();
  }, 180_000);

  it('rolls back to the first build, and readings still flow', async () => {
    await edge!.stop();
    await server!.stop();
    const out = install(r('opt', 'vigia-edge', 'current'), '--rollback');
    expect(out).toMatch(new RegExp(`back to ${V1.replaceAll('.', '\\.')}`));
    install(r('opt', 'vigia-server', 'current'), '--rollback');
    expect(readlinkSync(r('opt', 'vigia-edge', 'current'))).toBe(V1);
    expect(readlinkSync(r('opt', 'vigia-edge', 'previous'))).toBe(V2);
    await start('server');
    await start('edge');
    expect(runningFrom(edge!)).toBe(realpathSync(r('opt', 'vigia-edge', V1, 'node', 'bin', 'node')));
    await publish(100);
    await allStored();
    await edge!.stop();
    await server!.stop();
  }, 180_000);

  it('the installed units pass systemd-analyze verify', () => {
    for (const product of ['vigia-edge', 'vigia-server']) {
      // The unit as installed, its ExecStart pointing into the test root (the real path is /usr/local/bin).
      const unit = readFileSync(r('etc', 'systemd', 'system', `${product}.service`), 'utf8');
      expect(unit).toMatch(new RegExp(`^ExecStart=/usr/local/bin/${product} `, 'm'));
      const copy = join(dir, `${product}.service`);
      writeFileSync(copy, unit.replace(/^ExecStart=\/usr\/local\/bin\//m, `ExecStart=${r('usr', 'local', 'bin')}/`));
      const res = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      const problems = `${res.stdout}${res.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/Failed to connect to bus|not booted with systemd|Documentation=/.test(l));
      expect(problems, product).toEqual([]);
    }
  });

  it('uninstall keeps config and data; purge removes them', () => {
    install(r('opt', 'vigia-edge', 'current'), '--uninstall');
    expect(existsSync(r('opt', 'vigia-edge'))).toBe(false);
    expect(existsSync(r('usr', 'local', 'bin', 'vigia-edge'))).toBe(false);
    expect(existsSync(r('etc', 'systemd', 'system', 'vigia-edge.service'))).toBe(false);
    expect(existsSync(r('etc', 'vigia', 'edge.yaml'))).toBe(true);
    expect(existsSync(r('var', 'lib', 'vigia', 'edge', 'buffer.db'))).toBe(true);
    install(unpacked[V2].edge, '--purge');
    expect(existsSync(r('etc', 'vigia', 'edge.yaml'))).toBe(false);
    expect(existsSync(r('var', 'lib', 'vigia', 'edge'))).toBe(false);
    // The server on the same machine is untouched.
    expect(existsSync(r('etc', 'vigia', 'server.yaml'))).toBe(true);
    expect(readlinkSync(r('opt', 'vigia-server', 'current'))).toBe(V1);
  });
});
