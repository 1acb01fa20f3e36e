/**
 * @module main
 * The `vigia-edge` command: `vigia-edge --config edge.yaml`; `vigia-edge passwd` sets the local
 * API's passwords (passwd.ts). Loads and checks the config (exit
 * code 2 with a readable message when it is wrong), starts the agent, and on SIGTERM/SIGINT
 * stops it cleanly (last group commit flushed, database closed) and exits 0.
 *
 * Test hook (the only environment variable the agent reads): `VIGIA_EDGE_FAKE_CLOCK_OFFSET_MS`
 * shifts the agent's wall clock by that many ms, to play a Pi that booted with a wrong clock
 * (test/e2e/edge-wrong-clock.test.ts). Never set it in production.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '@vigia/shared';
import { createAgent } from './agent.ts';
import { loadConfig } from './config.ts';
import { passwd } from './passwd.ts';
import { createHttpFetch } from './transports/http-fetch.ts';

const USAGE = 'usage: vigia-edge --config edge.yaml | vigia-edge passwd --config edge.yaml [--viewer]';

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'passwd') {
    process.exitCode = passwd(argv.slice(1));
    return;
  }
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\nSee edge/README.md for the config file.\n`);
      return;
    }
    configPath = values.config;
  } catch (err) {
    process.stderr.write(`vigia-edge: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (!configPath) {
    process.stderr.write(`vigia-edge: missing --config\n${USAGE}\n`);
    process.exit(2);
  }

  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(configPath);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`vigia-edge: the config is not valid:\n${err.message}\n`);
    process.exit(2);
  }

  const fakeOffsetMs = Number(process.env.VIGIA_EDGE_FAKE_CLOCK_OFFSET_MS ?? 0);
  const agent = createAgent(loaded, {
    // node:http rather than the global fetch: ~20 MB less RSS (see transports/http-fetch.ts).
    fetch: createHttpFetch(),
    ...(Number.isFinite(fakeOffsetMs) && fakeOffsetMs !== 0 ? { clock: () => Date.now() + fakeOffsetMs } : {}),
  });
  try {
    await agent.start();
  } catch (err) {
    agent.telemetry.report(err, 'agent');
    process.stderr.write(`vigia-edge: could not start: ${(err as Error).message}\n`);
    await agent.stop().catch(() => undefined);
    process.exit(1);
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`vigia-edge: ${signal} again, exiting without a clean stop\n`);
      process.exit(1);
    }
    stopping = true;
    agent.telemetry.log.info({ signal }, 'signalReceived: stopping');
    agent.stop().then(
      () => process.exit(0),
      (err) => {
        agent.telemetry.report(err, 'agent');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

await main(process.argv.slice(2));
