/**
 * @module pi/server-check — "Probar la conexión al servidor": asks the agent (`POST
 * /server-check`) to try the configured server URL with the configured token, and shows what it
 * found: reachable, HTTP status, token accepted or refused, round trip, clock offset, and each
 * problem in words that say what to do (Spanish, or English when the page is in English).
 */
import type { EdgeServerCheck } from '@vigia/shared';
import { useState } from 'preact/hooks';
import type { I18n } from '../i18n.ts';

type Answer = { status: number; body: Record<string, unknown> & { error?: { message?: string } } };

export function ServerCheck({
  i18n,
  call,
}: {
  i18n: I18n;
  call: (method: string, path: string, body?: unknown) => Promise<Answer>;
}) {
  const [result, setResult] = useState<EdgeServerCheck | string | null>(null);
  const [busy, setBusy] = useState(false);
  const en = i18n.lang === 'en';
  const yes = en ? 'yes' : 'sí';
  const tokenWords = { accepted: en ? 'accepted' : 'aceptado', refused: en ? 'refused' : 'rechazado', unknown: '—' };

  async function run() {
    setBusy(true);
    setResult(null);
    const r = await call('POST', 'server-check');
    setBusy(false);
    setResult(
      r.status === 200 ? (r.body as unknown as EdgeServerCheck) : (r.body.error?.message ?? `HTTP ${r.status}`),
    );
  }

  return (
    <section class="pi-server-check" data-server-check={typeof result === 'object' && result ? String(result.ok) : ''}>
      <button type="button" onClick={run} disabled={busy}>
        {en ? 'Test the server connection' : 'Probar la conexión al servidor'}
      </button>
      {busy && <p>{en ? 'Trying…' : 'Probando…'}</p>}
      {typeof result === 'string' && <p role="alert">{result}</p>}
      {result && typeof result === 'object' && (
        <dl>
          <dt>URL</dt>
          <dd>{result.url}</dd>
          <dt>{en ? 'Reachable' : 'Alcanzable'}</dt>
          <dd data-check="reachable">{result.reachable ? yes : 'no'}</dd>
          <dt>HTTP</dt>
          <dd>{result.http_status ?? '—'}</dd>
          <dt>Token</dt>
          <dd data-check="token">{tokenWords[result.token]}</dd>
          <dt>{en ? 'Round trip' : 'Ida y vuelta'}</dt>
          <dd>{result.rtt_ms === null ? '—' : `${result.rtt_ms} ms`}</dd>
          <dt>{en ? 'Clock offset (server − this device)' : 'Diferencia de reloj (servidor − este equipo)'}</dt>
          <dd>
            {result.clock_offset_ms === null
              ? '—'
              : `${i18n.value(result.clock_offset_ms / 1000)} s ± ${i18n.value((result.clock_uncertainty_ms ?? 0) / 1000)} s`}
          </dd>
          {result.problems.map((p) => (
            <dd key={p.code} data-problem={p.code} class="pi-tech-problem">
              <span role="alert">{en ? p.en : p.es}</span>
            </dd>
          ))}
          {result.ok && (
            <dd data-check="ok">{en ? 'The link to the server works.' : 'La conexión al servidor funciona.'}</dd>
          )}
        </dl>
      )}
    </section>
  );
}
