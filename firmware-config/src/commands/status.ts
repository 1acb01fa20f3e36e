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
  const body = (await res.json()) as { link?: { encrypted: boolean; trust: string; warning?: string } };
  console.log(JSON.stringify(body, null, 2));
  // One line for the technician (stderr: stdout stays JSON for scripts).
  const link = body.link;
  if (link)
    console.error(
      link.warning
        ? `Enlace al servidor: SIN CIFRAR / link to server: NOT encrypted — ${link.warning}`
        : link.encrypted
          ? `Enlace al servidor: cifrado (https, ${link.trust === 'ca_file' ? 'CA del sitio / site CA' : 'CA del sistema / system CAs'}) / link to server: encrypted`
          : 'Enlace al servidor: http en esta misma máquina / link to server: plain http on this machine (loopback)',
    );
  return 0;
}
