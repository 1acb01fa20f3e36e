/**
 * @module vigia-config
 * The technician's command line. Talks to the agent only over its local HTTP API and reads
 * config files with the same validator the agent uses (shared), so "valid here" means
 * "the agent will start".
 */
import { apply } from './commands/apply.ts';
import { calibrate } from './commands/calibrate.ts';
import { esphome } from './commands/esphome.ts';
import { ports } from './commands/ports.ts';
import { probe } from './commands/probe.ts';
import { status } from './commands/status.ts';
import { validate } from './commands/validate.ts';

type Command = { summary: string; run: (args: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  ports: { summary: 'list the serial ports of this machine: find the USB-RS485 adapter', run: ports },
  probe: {
    summary:
      'probe <port> [--baud 9600] [--pattern ...|--csv-column N|--json-path p | --modbus --unit 3 --register 16 --type float32]:\n' +
      '             see what a sensor sends: raw lines or Modbus registers, and the value the agent would read',
    run: probe,
  },
  calibrate: {
    summary:
      'calibrate --raw1 a --value1 b --raw2 c --value2 d | --scale s --offset o [--raw x] [--sensor id --api URL]:\n' +
      '             work out the calibrate: block for a sensor (two-point or scale/offset), with the raw value now',
    run: calibrate,
  },
  validate: { summary: 'validate <edge.yaml>: check an agent config, naming each bad key and the fix', run: validate },
  apply: {
    summary: 'apply <edge.yaml> [--api URL]: validate here, then make the running agent use it (rolls back on failure)',
    run: apply,
  },
  status: {
    summary: 'status [--api URL]: what the running agent reports: sensors, buffer, whether data reaches the server',
    run: status,
  },
  esphome: {
    summary: 'esphome <edge.yaml> [--node name] [--out dir]: write ESPHome YAML for the MQTT sensor nodes (ESP32)',
    run: esphome,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: vigia-config <command> [options]   (vigia-config <command> --help for more)\n\ncommands:\n${lines.join('\n')}\n\n--api defaults to http://127.0.0.1:8081 (the agent's local API on this device)`;
}

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`vigia-config: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(1);
  if (rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help') {
    console.log(`vigia-config ${name}: ${command.summary}`);
    return 0;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
