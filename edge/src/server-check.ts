/**
 * @module server-check
 * "Probar la conexión al servidor" (`POST /server-check`, technician only): tries the configured
 * `server.url` with the configured token, once, and says what it found, each problem in words
 * (es/en) that say what to do. Two requests, with the agent's own https trust (`server.ca_file`):
 * - `GET /health` (no token): reachable or not, the round trip, the server's `Date` header for
 *   the clock offset, and whether its store takes readings;
 * - `POST /api/v1/ingest` with an empty batch `{ device, readings: [] }` and the bearer token:
 *   the token accepted (2xx), refused (401: unknown or revoked) or another device's (403). It
 *   writes no reading; the server records that the device was seen, which is true
 *   (docs/decisions/2026-12-04-pi-server-check.md).
 * Never throws: every failure becomes a problem in the answer.
 */
import type { EdgeServerCheck, ServerCheckProblem } from '@vigia/shared';
import { boundsFromDate, midpoint } from './clock/server-date.ts';

export type ServerCheckDeps = {
  url: string;
  token: string;
  device: string;
  fetch: typeof fetch;
  /** Epoch ms of this device's clock (what the offset is measured against). */
  wall: () => number;
  timeoutMs?: number;
};

/** A clock further off than this is worth a word: readings would carry the wrong time. */
const CLOCK_WARN_MS = 5000;

const problem = (code: string, es: string, en: string): ServerCheckProblem => ({ code, es, en });

/** The network error behind a rejected fetch, in words. */
function networkProblem(err: unknown, url: URL): ServerCheckProblem {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code ?? '';
  const host = url.host;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return problem(
      'timeout',
      `${host} no responde (sin respuesta en el tiempo de espera): revise el enlace (módem, antena, cable de red) y el firewall; las lecturas esperan en el búfer`,
      `${host} does not answer (timed out): check the link (modem, antenna, network cable) and the firewall; readings wait in the buffer`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return problem(
      'dns',
      `no se encuentra el nombre ${url.hostname}: revise server.url y que el equipo tenga internet y DNS`,
      `cannot resolve ${url.hostname}: check server.url, and that the device has internet and DNS`,
    );
  if (code === 'ECONNREFUSED')
    return problem(
      'refused',
      `${host} rechaza la conexión: ¿está corriendo vigia-server? ¿es el puerto correcto en server.url?`,
      `${host} refuses the connection: is vigia-server running? is the port in server.url right?`,
    );
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return problem(
      'tls',
      `el certificado de ${host} no es de confianza (${code}): ponga el certificado del servidor o de su CA en server.ca_file, y revise la fecha del equipo`,
      `the certificate of ${host} is not trusted (${code}): put the server's or its CA's certificate in server.ca_file, and check the device's date`,
    );
  const detail = code || e.cause?.message || (err as Error).message;
  return problem(
    'network',
    `no se pudo llegar a ${host} (${detail}): revise el enlace y server.url`,
    `could not reach ${host} (${detail}): check the link and server.url`,
  );
}

function tokenProblem(status: number, code: string | undefined, message: string | undefined): ServerCheckProblem {
  if (status === 401 && code === 'token_revoked')
    return problem(
      'token_revoked',
      'el servidor revocó el token de este equipo: pida uno nuevo (vigia-server device add) y póngalo en server.token_file',
      "the server revoked this device's token: get a new one (vigia-server device add) and put it in server.token_file",
    );
  if (status === 401)
    return problem(
      'token_refused',
      'el servidor no reconoce el token: revise el archivo server.token_file (el token de "vigia-server device add" de este equipo)',
      'the server does not know the token: check server.token_file (this device\'s token from "vigia-server device add")',
    );
  if (status === 403)
    return problem(
      'token_other_device',
      `el token es de otro equipo (${message ?? 'device_mismatch'}): revise device.id y server.token_file`,
      `the token belongs to another device (${message ?? 'device_mismatch'}): check device.id and server.token_file`,
    );
  if (status === 404)
    return problem(
      'not_vigia',
      'en server.url responde algo que no es un servidor Vigía (404): revise la dirección',
      'something that is not a Vigía server answers at server.url (404): check the address',
    );
  return problem(
    `http_${status}`,
    `el servidor respondió ${status} al probar el token: ${message ?? 'sin detalle'}`,
    `the server answered ${status} to the token check: ${message ?? 'no detail'}`,
  );
}

export async function checkServer(deps: ServerCheckDeps): Promise<EdgeServerCheck> {
  const timeoutMs = deps.timeoutMs ?? 5000;
  const base = new URL(deps.url);
  const answer: EdgeServerCheck = {
    url: deps.url,
    ok: false,
    reachable: false,
    http_status: null,
    token: 'unknown',
    rtt_ms: null,
    clock_offset_ms: null,
    clock_uncertainty_ms: null,
    store_ok: null,
    problems: [],
  };
  const sent = deps.wall();
  let health: Response;
  try {
    health = await deps.fetch(new URL('/health', base), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    answer.problems.push(networkProblem(err, base));
    return answer;
  }
  const received = deps.wall();
  answer.reachable = true;
  answer.http_status = health.status;
  answer.rtt_ms = Math.max(0, Math.round(received - sent));
  const bounds = boundsFromDate(health.headers.get('date'), sent, received);
  if (bounds) {
    answer.clock_offset_ms = midpoint(bounds);
    answer.clock_uncertainty_ms = Math.ceil((bounds.hi - bounds.lo) / 2);
  }
  const body = (await health.json().catch(() => null)) as { ok?: unknown } | null;
  if (!health.ok || typeof body?.ok !== 'boolean') {
    answer.problems.push(
      problem(
        'not_vigia',
        `en ${base.origin}/health responde algo que no es un servidor Vigía (HTTP ${health.status}): revise server.url`,
        `something that is not a Vigía server answers at ${base.origin}/health (HTTP ${health.status}): check server.url`,
      ),
    );
    return answer;
  }
  answer.store_ok = body.ok;
  if (!body.ok)
    answer.problems.push(
      problem(
        'store_down',
        'el servidor responde pero su base de datos no recibe lecturas ahora: avise a quien administra el servidor; las lecturas esperan en el búfer',
        'the server answers but its database cannot take readings now: tell whoever runs the server; readings wait in the buffer',
      ),
    );
  try {
    const res = await deps.fetch(new URL('/api/v1/ingest', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${deps.token}` },
      body: JSON.stringify({ device: deps.device, readings: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer.http_status = res.status;
    if (res.ok) {
      answer.token = 'accepted';
      await res.body?.cancel();
    } else {
      const err = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      if (res.status === 401 || res.status === 403) answer.token = 'refused';
      answer.problems.push(tokenProblem(res.status, err?.error?.code, err?.error?.message));
    }
  } catch (err) {
    answer.problems.push(networkProblem(err, base));
  }
  if (answer.clock_offset_ms !== null && Math.abs(answer.clock_offset_ms) > CLOCK_WARN_MS) {
    const s = Math.round(answer.clock_offset_ms / 1000);
    answer.problems.push(
      problem(
        'clock_off',
        `el reloj del equipo difiere ${s} s del del servidor: revise la hora y NTP (timedatectl status)`,
        `the device clock is ${s} s off the server's: check the time and NTP (timedatectl status)`,
      ),
    );
  }
  answer.ok =
    answer.token === 'accepted' && answer.store_ok === true && !answer.problems.some((p) => p.code !== 'clock_off');
  return answer;
}
