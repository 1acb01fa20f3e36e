/**
 * @module vigia-config
 * The technician's command line. Talks to the agent only over its local HTTP API and reads
 * config files with the same validator the agent uses (shared), so "valid here" means
 * "the agent will start".
 */
import { parseArgs } from 'node:util';
import { apply } from './commands/apply.ts';
import { ports } from './commands/ports.ts';
import { status } from './commands/status.ts';
import { validate } from './commands/validate.ts';

type Command = { summary: string; run: (args: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  ports: { summary: 'list the serial ports of this machine (USB-RS485 adapters, ...)', run: ports },
  validate: { summary: 'validate <edge.yaml>: check an agent config, naming each bad key and the fix', run: validate },
  apply: {
    summary: 'apply <edge.yaml> [--api URL]: validate here, then make the running agent use it (rolls back on failure)',
    run: apply,
  },
  status: { summary: 'status [--api URL]: what the running agent reports (sensors, buffer, server link)', run: status },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: vigia-config <command> [options]\n\ncommands:\n${lines.join('\n')}`;
}

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv.slice(0, 1), allowPositionals: true, strict: false });
  const name = positionals[0];
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`vigia-config: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(argv.slice(1));
}

process.exitCode = await main(process.argv.slice(2));
