/**
 * The demo behind `npm start`: the whole system on this machine with the plant simulator,
 * data in .vigia-demo/ (fresh each run). Ports: VIGIA_PORT (default 8080) for the dashboard.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, hasCommand, portInUse } from '../test/services/util.ts';
import { DEMO_PERMITS, DEMO_SAFETY_RULES } from '../test/simulator/demo-permits.ts';
import { ApiClient } from '../test/support/client.ts';
import { REPO } from '../test/support/process.ts';
import { DEMO_USER, startStack } from '../test/support/stack.ts';

/** The preferred port, or a free one when it is taken (broker and agent API only). */
async function portOrFree(preferred: number): Promise<number> {
  return (await portInUse(preferred)) ? freePort() : preferred;
}

const serverPort = Number(process.env.VIGIA_PORT ?? 8080);
// Checked before the data folder is wiped: a demo already running there keeps its data.
if (await portInUse(serverPort)) {
  console.error(`Port ${serverPort} is busy: set VIGIA_PORT to another port, e.g. VIGIA_PORT=8090 npm start`);
  process.exit(1);
}
const dir = join(REPO, '.vigia-demo');
rmSync(dir, { recursive: true, force: true });
const serial = hasCommand('socat');

console.log('Starting Vigía (server, edge agent, plant simulator) ...');
const stack = await startStack({
  dir,
  serverPort,
  brokerPort: await portOrFree(1883),
  apiPort: await portOrFree(8081),
  serial,
  edgeConfig: { safety: { rules: DEMO_SAFETY_RULES } },
}).catch((err: Error) => {
  console.error(`The demo could not start: ${err.message}\nLogs: ${join(dir, 'logs')}`);
  process.exit(1);
});

const url = `http://localhost:${serverPort}`;

// The example permits, once the server knows the sensors they name (the first batches).
const api = new ApiClient(stack.serverUrl);
await api.login(DEMO_USER.user, DEMO_USER.password);
const names = new Set(DEMO_PERMITS.flatMap((p) => p.rules.map((r) => r.sensor)));
for (let i = 0; i < 100; i++) {
  const { sensors } = await api.get<{ sensors: { id: string }[] }>('/api/v1/sensors');
  if ([...names].every((n) => sensors.some((s) => s.id === n))) break;
  await new Promise((r) => setTimeout(r, 300));
}
await api.put('/api/v1/permits', { permits: DEMO_PERMITS }).catch((err: Error) => {
  console.error(`The example permits were not installed: ${err.message}`);
});
console.log(`
  Vigía está corriendo / Vigía is running

  Tablero / Dashboard:   ${url}
  Usuario / User:        ${DEMO_USER.user}
  Contraseña / Password: ${DEMO_USER.password}

  Permisos de ejemplo: pH 6–9 del vertimiento, CH4 ≤ 1 %vol y CO ≤ 25 ppm en el túnel
  (el simulador los cruza en los primeros dos minutos).
  Sensores: MQTT${serial ? ', línea serie (socat) y Modbus RTU (socat)' : ' (instale socat para ver también serie y Modbus)'}
  Registros / Logs:      ${join(dir, 'logs')}

  Ctrl-C para detener / to stop
`);

// A closed terminal or pipe (EPIPE on the next line written) must not end this process before
// it has stopped what it started.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log('\nDeteniendo / Stopping ...');
  await stack.stop();
  console.log('Listo / Done.');
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
// `npm start` given SIGTERM does not pass it on: its shell dies and this process would live on
// as an orphan, with server, agent and simulator. Stop when the parent is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown();
}, 1000).unref();
for (const p of [stack.server, stack.edge, stack.simulator]) {
  p?.exited.then((how) => {
    if (!stopping) {
      console.error(`${p.name} stopped unexpectedly (${how}); see ${p.logFile}`);
      void shutdown();
    }
  });
}
