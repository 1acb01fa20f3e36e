/**
 * @module test/support/stack
 * The whole system on one machine, each part its own process, as `npm start` shows it and
 * the end-to-end tests and benchmarks use it: vigia-server on the embedded store, a device
 * registered with `vigia-server device add`, vigia-edge with its embedded MQTT broker and
 * (when socat is present) serial ptys, and the plant simulator feeding it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alarmTopic, type EdgeConfigInput } from '@vigia/shared';
import { stringify } from 'yaml';
import { type PtyPair, startPtyPair } from '../services/socat.ts';
import { freePort } from '../services/util.ts';
import { demoSensors } from '../simulator/sensors.ts';
import { type Proc, REPO, runNode, startNode } from './process.ts';

export const SERVER_BIN = join(REPO, 'server', 'bin', 'vigia-server.mjs');
export const EDGE_BIN = join(REPO, 'edge', 'bin', 'vigia-edge.mjs');
export const SIMULATOR = join(REPO, 'test', 'simulator', 'main.ts');

export const DEMO_USER = { user: 'demo', password: 'vigia-demo-2026', role: 'admin' } as const;

export type StackOptions = {
  /** Folder for data, configs and logs (created if missing). */
  dir: string;
  serverPort?: number;
  brokerPort?: number;
  apiPort?: number;
  /** Serial ptys for the simulator's ASCII-line probe and Modbus slave (needs socat). */
  serial?: boolean;
  /** With `serial`: also the Modbus RTU pty (default true). */
  modbus?: boolean;
  /** Start the simulator (default true). */
  simulator?: boolean;
  /** Extra simulator arguments, e.g. ['--rate-ms', '200']. */
  simulatorArgs?: string[];
  /** Sensors for the edge; default: what the simulator emits. */
  sensors?: (ptys: { serialLinePort?: string; modbusPort?: string }) => EdgeConfigInput['sensors'];
  /** Echo process output to this process's stdout. */
  echo?: boolean;
  device?: { id: string; site: string };
  /** Edge config sections to override, e.g. `{ buffer: { max_mb: 0.1 }, forward: { backlog_rate: 200 } }`. */
  edgeConfig?: Partial<Pick<EdgeConfigInput, 'buffer' | 'forward' | 'safety' | 'api'>>;
  /** Where the edge forwards to (default: the server itself), e.g. a TLS proxy in front of it. */
  edgeServerUrl?: string;
  /** The edge's `server.ca_file`: the site CA or pinned certificate it trusts for `edgeServerUrl`. */
  edgeServerCaFile?: string;
  /** Extra environment of the server process (e.g. `VIGIA_INFLUX_URL` for the InfluxDB store). */
  serverEnv?: Record<string, string>;
  /** Extra environment of the edge process (e.g. the wrong-clock test hook). */
  edgeEnv?: Record<string, string>;
  /** Start the server with the stack (default true); false: no network at start, `startServer()` later. */
  server?: boolean;
  /**
   * How the agent runs: Node flags and the script (default: edge/bin/vigia-edge.mjs, which runs
   * the bundle when it is fresh, else the sources through tsx). Benchmarks compare the two.
   */
  edgeRun?: {
    nodeArgs?: string[];
    script?: string;
    /** Runs the script instead of this Node (see StartOptions.command), e.g. a release's Node under qemu. */
    command?: string[];
    /** How long the agent may take to answer /status (default 30 s; emulation is slower). */
    startTimeoutMs?: number;
  };
};

export type Stack = {
  dir: string;
  serverUrl: string;
  brokerUrl: string;
  apiUrl: string;
  token: string;
  mqttUser: { username: string; password: string };
  server: Proc;
  edge: Proc;
  simulator?: Proc;
  recordFile: string;
  edgeConfigFile: string;
  readingsDb: string;
  /** The sensor ends of the serial ptys (with `serial`), for tests that write to them. */
  sensorPorts: { serialLine?: string; modbus?: string };
  startEdge: () => Promise<Proc>;
  startServer: () => Promise<Proc>;
  /** Start the simulator now (with `simulator: false`): its scripted episode is timed from here. */
  startSimulator: () => Proc;
  stop: () => Promise<void>;
};

async function ok(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}

/** Wait until `url` answers, failing at once (with the log) if the process exits first. */
async function started(proc: Proc, url: string, timeoutMs = 30_000): Promise<void> {
  let exited: number | string | undefined;
  void proc.exited.then((how) => {
    exited = how;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`${proc.name} exited (${exited}) while starting:\n${proc.log()}`);
    if (await ok(url).catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${proc.name} did not answer at ${url} in ${timeoutMs} ms:\n${proc.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A process slot not started yet: stopping it is a no-op. */
function notStarted(name: string): Proc {
  const exited = Promise.resolve('not started' as number | string);
  return {
    name,
    child: undefined as unknown as Proc['child'],
    logFile: '',
    log: () => '',
    exited,
    stop: () => exited,
    kill9: () => exited,
  };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dir = opts.dir;
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const device = opts.device ?? { id: 'plant-01', site: 'mobile-plant' };
  const serverPort = opts.serverPort ?? (await freePort());
  const brokerPort = opts.brokerPort ?? (await freePort());
  const apiPort = opts.apiPort ?? (await freePort());
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const brokerUrl = `mqtt://127.0.0.1:${brokerPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const serverEnv = {
    VIGIA_PORT: String(serverPort),
    VIGIA_HOST: '127.0.0.1',
    VIGIA_DATA_DIR: join(dir, 'server-data'),
    ...opts.serverEnv,
  };
  const ptys: PtyPair[] = [];
  const procs: Proc[] = [];

  try {
    // Accounts first (the server CLI works on the data dir without a running server).
    const add = await runNode(SERVER_BIN, ['device', 'add', device.id, '--site', device.site], { env: serverEnv });
    if (add.code !== 0) throw new Error(`vigia-server device add failed: ${add.stderr}`);
    const token = add.stdout.trim().split('\n').at(-1) ?? '';
    writeFileSync(join(dir, 'device.token'), `${token}\n`, { mode: 0o600 });
    const user = await runNode(
      SERVER_BIN,
      ['user', 'add', DEMO_USER.user, '--role', DEMO_USER.role, '--all-sites', '--password-stdin'],
      {
        env: serverEnv,
        input: `${DEMO_USER.password}\n`,
      },
    );
    if (user.code !== 0 && !/exists/i.test(user.stderr))
      throw new Error(`vigia-server user add failed: ${user.stderr}`);

    const startServer = async () => {
      const server = startNode('server', SERVER_BIN, [], {
        env: serverEnv,
        logFile: join(logs, 'server.log'),
        echo: opts.echo,
      });
      procs.push(server);
      await started(server, `${serverUrl}/health`);
      return server;
    };
    const server: Proc = opts.server === false ? notStarted('server') : await startServer();

    let serialLinePort: string | undefined;
    let modbusPort: string | undefined;
    let simSerial: string | undefined;
    let simModbus: string | undefined;
    if (opts.serial) {
      const line = await startPtyPair();
      ptys.push(line);
      serialLinePort = line.a;
      simSerial = line.b;
      if (opts.modbus !== false) {
        const modbus = await startPtyPair();
        ptys.push(modbus);
        modbusPort = modbus.a;
        simModbus = modbus.b;
      }
    }

    const mqttUser = { username: 'sim-node', password: randomBytes(12).toString('base64url') };
    writeFileSync(join(dir, 'mqtt-sim-node.password'), `${mqttUser.password}\n`, { mode: 0o600 });
    const sensors = (opts.sensors ?? demoSensors)({ serialLinePort, modbusPort });
    const edgeConfig: EdgeConfigInput = {
      device,
      server: {
        url: opts.edgeServerUrl ?? serverUrl,
        token_file: './device.token',
        ...(opts.edgeServerCaFile ? { ca_file: opts.edgeServerCaFile } : {}),
      },
      buffer: { path: './edge-data/buffer.db', max_mb: 512 },
      broker: {
        port: brokerPort,
        host: '127.0.0.1',
        allow_anonymous: false,
        users: [
          {
            username: mqttUser.username,
            password_file: './mqtt-sim-node.password',
            // The simulated nodes publish every MQTT sensor's topic (broker/permissions.ts).
            topics: sensors.flatMap((s) => (s.source.driver === 'mqtt' ? [s.source.topic] : [])),
            retain: true,
            // and, like a siren node, may read the agent's alarms.
            subscribe: [alarmTopic(opts.edgeConfig?.safety ?? {}, device.id)],
          },
        ],
      },
      api: { port: apiPort, host: '127.0.0.1' },
      sensors,
      ...opts.edgeConfig,
    };
    const edgeConfigFile = join(dir, 'edge.yaml');
    writeFileSync(edgeConfigFile, stringify(edgeConfig));

    const startEdge = async () => {
      const edge = startNode('edge', opts.edgeRun?.script ?? EDGE_BIN, ['--config', edgeConfigFile], {
        nodeArgs: opts.edgeRun?.nodeArgs,
        command: opts.edgeRun?.command,
        env: opts.edgeEnv,
        logFile: join(logs, 'edge.log'),
        echo: opts.echo,
      });
      procs.push(edge);
      await started(edge, `${apiUrl}/status`, opts.edgeRun?.startTimeoutMs);
      return edge;
    };
    const edge = await startEdge();

    const recordFile = join(dir, 'simulator-sent.jsonl');
    const startSimulator = (): Proc => {
      const args = [
        '--mqtt',
        brokerUrl,
        // `--name=value`: a base64url password starts with "-" one time in 32, and parseArgs
        // would take "--mqtt-password -x…" for a missing value (the simulator then exits 2).
        `--mqtt-user=${mqttUser.username}`,
        `--mqtt-password=${mqttUser.password}`,
        '--record',
        recordFile,
        ...(simSerial ? ['--serial-line', simSerial] : []),
        ...(simModbus ? ['--modbus', simModbus] : []),
        ...(opts.simulatorArgs ?? []),
      ];
      const simulator = startNode('simulator', SIMULATOR, args, {
        nodeArgs: ['--import', 'tsx'],
        logFile: join(logs, 'simulator.log'),
        echo: opts.echo,
      });
      procs.push(simulator);
      return simulator;
    };
    const simulator = opts.simulator !== false ? startSimulator() : undefined;

    const stack: Stack = {
      dir,
      serverUrl,
      brokerUrl,
      apiUrl,
      token,
      mqttUser,
      server,
      edge,
      simulator,
      recordFile,
      edgeConfigFile,
      readingsDb: join(serverEnv.VIGIA_DATA_DIR, 'readings.db'),
      sensorPorts: { serialLine: simSerial, modbus: simModbus },
      startEdge: async () => {
        stack.edge = await startEdge();
        return stack.edge;
      },
      startServer: async () => {
        stack.server = await startServer();
        return stack.server;
      },
      startSimulator: () => {
        stack.simulator = startSimulator();
        return stack.simulator;
      },
      stop: async () => {
        // Sensors first, then the agent (flushes its buffer), then the server.
        await stack.simulator?.stop();
        await stack.edge.stop();
        await stack.server.stop();
        await Promise.all(procs.map((p) => p.kill9()));
        await Promise.all(ptys.map((p) => p.stop()));
      },
    };
    return stack;
  } catch (err) {
    await Promise.all(procs.map((p) => p.kill9()));
    await Promise.all(ptys.map((p) => p.stop()));
    throw err;
  }
}
