/** `vigia-config validate <file>`: the agent's own config check, without starting anything. */
import { readFile } from 'node:fs/promises';
import { EdgeConfig, formatIssuesText } from '@vigia/shared';
import { parse as parseYaml, YAMLParseError } from 'yaml';

export async function validate(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) {
    console.error('usage: vigia-config validate <edge.yaml>');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    console.error(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err}); check the path`);
    return 1;
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      console.error(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`);
      return 1;
    }
    throw err;
  }
  const result = EdgeConfig.safeParse(data);
  if (!result.success) {
    console.error(formatIssuesText(result.error, file));
    return 1;
  }
  const cfg = result.data;
  console.log(`${file}: valid — device ${cfg.device.id} (site ${cfg.device.site}), ${cfg.sensors.length} sensor(s)`);
  return 0;
}
