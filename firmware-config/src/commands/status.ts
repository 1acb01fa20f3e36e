/** `vigia-config status`: what the agent on this device reports over its local API. */
import { parseArgs } from 'node:util';

export async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { api: { type: 'string', default: 'http://127.0.0.1:8081' } } });
  const url = new URL('/status', values.api);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch {
    console.error(`No answer from the agent at ${url.origin}. Is vigia-edge running? (systemctl status vigia-edge)`);
    return 1;
  }
  if (!res.ok) {
    console.error(`The agent answered ${res.status} at ${url}: ${await res.text()}`);
    return 1;
  }
  console.log(JSON.stringify(await res.json(), null, 2));
  return 0;
}
