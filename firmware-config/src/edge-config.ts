/**
 * @module edge-config
 * Reads an agent config file with the agent's own validator (shared `EdgeConfig`), so "valid
 * here" means "the agent will start". Returns the messages to print; never prints itself.
 */
import { readFile } from 'node:fs/promises';
import { EdgeConfig, formatIssuesText } from '@vigia/shared';
import { parse as parseYaml, YAMLParseError } from 'yaml';

export type Loaded = { ok: true; config: EdgeConfig; text: string } | { ok: false; message: string };

export async function loadEdgeConfig(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      message: `${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err}); check the path`,
    };
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      return {
        ok: false,
        message: `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`,
      };
    }
    throw err;
  }
  const result = EdgeConfig.safeParse(data);
  if (!result.success) return { ok: false, message: formatIssuesText(result.error, file) };
  return { ok: true, config: result.data, text };
}
