/**
 * @module probe/via-agent
 * `vigia-config probe --modbus` while the agent runs: the port is the agent's, so the probe goes
 * through its `POST /probe` (one request between its polls, the gas alarms keep running) instead
 * of opening the port a second time. Only when no agent answers, or the agent holds no line on
 * that port (`line_not_held`), does the command open the port itself (the caller's job).
 */
import type { ModbusRtuSource } from '@vigia/shared';
import { PASSWORD_HELP, technicianAuth } from '../password.ts';

type Answer = { raw?: number; ms?: number; error?: { code?: string; message?: string } };

/** One probe through the agent: the answer, or `'no_agent'` when nothing listens at `api`. */
async function once(api: string, source: ModbusRtuSource, auth: Record<string, string>) {
  try {
    const res = await fetch(new URL('/probe', api), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ source }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer };
  } catch {
    return 'no_agent' as const;
  }
}

/**
 * Probes `planned` times, once a second, through the agent. Returns the exit code, or null when
 * the caller should open the port itself (no agent, or the agent does not hold the port).
 */
export async function probeViaAgent(
  api: string,
  passwordFile: string | undefined,
  source: ModbusRtuSource,
  planned: number,
): Promise<number | null> {
  const first = await once(api, source, {});
  if (first === 'no_agent') return null;
  if (first.body.error?.code === 'line_not_held') return null;
  let auth: Record<string, string> = {};
  if (first.status === 401 || first.status === 403 || passwordFile) {
    const got = await technicianAuth(passwordFile);
    if (typeof got === 'string') {
      console.error(got);
      return 2;
    }
    auth = got;
  }
  console.log(
    `el agente usa ${source.port}: la prueba pasa por el agente (${api}), entre sus lecturas; la unidad ${source.unit_id}, registro ${source.register}, una vez por segundo…`,
  );
  let good = 0;
  for (let n = 1; n <= planned; n++) {
    const started = Date.now();
    const r = await once(api, source, auth);
    if (r === 'no_agent') {
      console.error(`the agent at ${api} stopped answering / el agente dejó de responder`);
      return 1;
    }
    if (r.status === 401) {
      console.error(`${r.body.error?.message ?? 'HTTP 401'}\n${PASSWORD_HELP}`);
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
