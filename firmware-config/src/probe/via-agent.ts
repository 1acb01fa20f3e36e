/**
 * @module probe/via-agent
 * `vigia-config probe` while the agent runs: if the agent reads that port (or Modbus TCP
 * address), the probe goes through its `POST /probe` (Modbus: one request between its polls;
 * lines: the next line its open port reads; the gas alarms keep running) instead of opening the
 * port a second time. Which it is, is asked first with `GET /status`
 * (a read: no password from this machine), so the technician is asked for the password only
 * when the probe will use it:
 * - no agent answers at `--api`, or the agent reads other ports only: the caller opens the port;
 * - the agent reads the port with another driver (serial-line): refused in words;
 * - the agent reads it: the password (`--password-file`, else a prompt) and the probes; a
 *   refused password ends the command (the port is the agent's: it is never opened here).
 */
import { EdgeStatus, type SensorSource } from '@vigia/shared';
import { getAsTechnician, PASSWORD_HELP, technicianAuth } from '../password.ts';

type Answer = { raw?: number; ms?: number; error?: { code?: string; message?: string } };
type Reply = { status: number; body: Answer } | 'no_agent';

async function call(url: URL, init: RequestInit): Promise<Reply> {
  try {
    // a serial-line probe waits up to 10 s in the agent for a line
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer };
  } catch {
    return 'no_agent';
  }
}

/**
 * A parsed source as the config file writes it: a duration is parsed into milliseconds
 * (modbus-tcp `timeout`), and the agent checks the body with the file's schema, which reads "1000ms".
 */
const asWritten = (source: SensorSource) =>
  source.driver === 'modbus-tcp' ? { ...source, timeout: `${source.timeout}ms` } : source;

const once = (api: string, source: SensorSource, auth: Record<string, string>) =>
  call(new URL('/probe', api), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ source: asWritten(source) }),
  });

/** Where a source reads: the serial port, or `host:port` for Modbus TCP (the part of the agent's driver ids after the driver). */
export const whereOf = (source: SensorSource): string =>
  source.driver === 'modbus-tcp' ? `${source.host}:${source.port}` : 'port' in source ? source.port : source.topic;

/** The driver instance of the running agent that reads `where` (e.g. `modbus-rtu:/dev/ttyUSB0`), if any. */
export async function holderOf(
  api: string,
  where: string,
  auth: () => Promise<Record<string, string> | string>,
): Promise<{ id: string } | null | 'no_agent' | string> {
  const url = new URL('/status', api);
  let res: Response | string;
  try {
    res = await getAsTechnician(url, {}, auth); // a viewer password: the technician's opens it too
  } catch {
    return 'no_agent';
  }
  if (typeof res === 'string') return res;
  if (!res.ok) return `the agent at ${url.origin} answered ${res.status} to GET /status: ${await res.text()}`;
  const status = EdgeStatus.safeParse(await res.json().catch(() => null));
  if (!status.success)
    return `the agent at ${url.origin} sent an unexpected /status; is it a vigia-edge of this version?`;
  return status.data.drivers.find((d) => d.id.slice(d.id.indexOf(':') + 1) === where) ?? null;
}

/**
 * Probes `planned` times, once a second, through the agent. Returns the exit code, or null when
 * the caller should open the port itself (no agent, or the agent does not hold the port).
 */
export async function probeViaAgent(
  api: string,
  passwordFile: string | undefined,
  source: SensorSource,
  planned: number,
): Promise<number | null> {
  let auth: Record<string, string> | undefined;
  const getAuth = async () => {
    if (auth) return auth;
    const got = await technicianAuth(passwordFile);
    if (typeof got !== 'string') auth = got;
    return got;
  };
  const where = whereOf(source);
  const holder = await holderOf(api, where, getAuth);
  if (holder === 'no_agent' || holder === null) return null;
  if (typeof holder === 'string') {
    console.error(holder);
    return 1;
  }
  const held = holder.id.split(':')[0];
  if (held !== source.driver) {
    console.error(
      `the agent reads ${where} as ${held}, not ${source.driver}: check the port and the options, or change the sensor in the config / el agente lee ${where} con otro driver (${held})`,
    );
    return 1;
  }
  const got = await getAuth();
  if (typeof got === 'string') {
    console.error(got);
    return 2;
  }
  const what =
    source.driver === 'serial-line'
      ? 'la próxima línea que lee, una y otra vez'
      : 'unit_id' in source
        ? `la unidad ${source.unit_id}, registro ${source.register}, una vez por segundo`
        : 'el último mensaje';
  console.log(`el agente usa ${where}: la prueba pasa por el agente (${api}), entre sus lecturas; ${what}…`);
  let good = 0;
  for (let n = 1; n <= planned; n++) {
    const started = Date.now();
    const r = await once(api, source, got);
    if (r === 'no_agent') {
      console.error(`the agent at ${api} stopped answering / el agente dejó de responder`);
      return 1;
    }
    // Its config changed meanwhile and it no longer reads the port: open it here.
    if (n === 1 && r.body.error?.code === 'line_not_held') return null;
    if (r.status === 401 || r.status === 403 || r.status === 429) {
      console.error(`${r.body.error?.message ?? `HTTP ${r.status}`}\n${PASSWORD_HELP}`);
      return 1;
    }
    if (r.status === 200 && typeof r.body.raw === 'number') {
      good++;
      console.log(`#${n} valor ${r.body.raw} (${r.body.ms} ms, a través del agente)`);
    } else console.log(`#${n} HTTP ${r.status}: ${r.body.error?.message ?? JSON.stringify(r.body)}`);
    if (n < planned) await new Promise((res) => setTimeout(res, Math.max(0, 1000 - (Date.now() - started))));
  }
  console.log(`resumen: ${good} de ${planned} lectura(s) válidas`);
  return good > 0 ? 0 : 1;
}
