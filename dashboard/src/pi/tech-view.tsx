/**
 * @module pi/tech-view — the technician view of the page on the Pi (loaded on demand, so the
 * operator's first load stays small): log in, the sensor list with raw and calibrated value,
 * last read and the driver's problem in words (the table scrolls inside its own box on a narrow
 * phone); add or edit a sensor in place with a form generated from the shared schemas
 * (sensor-form.tsx), probe it through the running agent before saving, save through the agent's
 * atomic apply (422 names the field; the running config is unchanged); remove a sensor; the
 * form's two-point calibration helper (calibrator.tsx); "test the server connection" (server-check.tsx). Every change
 * goes with the session cookie and this page's Origin (the agent checks both).
 */
import type { EdgeLiveEvent } from '@vigia/shared';
import { useEffect, useState } from 'preact/hooks';
import type { I18n } from '../i18n.ts';
import { SensorForm, type SensorObject } from './sensor-form.tsx';
import { ServerCheck } from './server-check.tsx';

type Config = { sensors: SensorObject[] } & Record<string, unknown>;
type ErrorAnswer = { error?: { message?: string; path?: string } };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as ErrorAnswer & Record<string, unknown> };
}

const errorText = (r: { status: number; body: ErrorAnswer }) =>
  `${r.body.error?.path ? `${r.body.error.path}: ` : ''}${r.body.error?.message ?? `HTTP ${r.status}`}`;

function Login({ onIn }: { onIn: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  return (
    <form
      class="pi-tech-login"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await call('POST', 'login', { password });
        if (r.status === 200 && r.body.role === 'technician') onIn();
        else setError(r.status === 200 ? 'Esa contraseña es de operador / viewer password' : errorText(r));
      }}
    >
      <label>
        Contraseña de técnico
        <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit">Entrar</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

export function TechView({ event, i18n }: { event: EdgeLiveEvent | null; i18n: I18n }) {
  const [config, setConfig] = useState<Config | null>(null);
  const [needLogin, setNeedLogin] = useState(false);
  const [message, setMessage] = useState('');
  /** The sensor being edited (its index in `sensors:`), or null: the form adds one. */
  const [editing, setEditing] = useState<number | null>(null);
  const [formKey, setFormKey] = useState(0);
  const en = i18n.lang === 'en';
  const ports = [
    ...new Set(
      (config?.sensors ?? [])
        .map((s) => s.source as { driver?: string; port?: unknown })
        .filter((s) => s.driver === 'modbus-rtu' || s.driver === 'serial-line')
        .map((s) => String(s.port ?? '')),
    ),
  ];

  async function load() {
    const r = await call('GET', 'config');
    if (r.status === 401) return setNeedLogin(true);
    setNeedLogin(false);
    if (r.status === 200) setConfig(r.body.config as Config);
    else setMessage(errorText(r));
  }
  useEffect(() => {
    void load();
  }, []);

  /** Applies `next` through the agent; the refusal in words, or null once it runs. */
  async function save(next: Config, done: string): Promise<string | null> {
    const r = await call('PUT', 'config', next);
    if (r.status !== 200) return `No se guardó / not saved — ${errorText(r)}`;
    setMessage(done);
    setEditing(null);
    setFormKey((k) => k + 1); // a fresh form
    await load();
    return null;
  }

  if (needLogin) return <Login onIn={load} />;
  if (!config) return <p>{message || '…'}</p>;
  const sensors = event?.sensors.sensors ?? [];
  const drivers = event?.status.drivers ?? [];
  const index = editing ?? config.sensors.length;
  return (
    <section class="pi-tech" data-tech="ready">
      {message && (
        <p role="status" data-tech-message>
          {message}
        </p>
      )}
      <div class="pi-tech-scroll" data-tech-scroll>
        <table class="pi-tech-sensors">
          <thead>
            <tr>
              <th>Sensor</th>
              <th>{en ? 'Raw' : 'Crudo'}</th>
              <th>{en ? 'Value' : 'Valor'}</th>
              <th>{en ? 'Read' : 'Leído'}</th>
              <th>{en ? 'Source' : 'Fuente'}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sensors.map((s) => {
              const problem = drivers.find((d) => d.sensors.includes(s.id) && d.state !== 'ok');
              const at = config.sensors.findIndex((c) => c.id === s.id);
              const src = config.sensors[at]?.source ?? {};
              return (
                <tr key={s.id} data-tech-sensor={s.id}>
                  <td>
                    {s.id}
                    {problem && (
                      <div class="pi-tech-problem" data-problem-since={problem.since}>
                        {problem.detail} ({en ? 'since' : 'desde'} {i18n.clock(problem.since, Date.now())})
                      </div>
                    )}
                  </td>
                  <td>{s.latest ? i18n.value(s.latest.raw) : '—'}</td>
                  <td data-value={s.latest ? String(s.latest.value) : ''}>
                    {s.latest ? i18n.value(s.latest.value) : '—'}
                  </td>
                  <td>{s.latest ? i18n.clock(s.latest.ts, Date.now()) : en ? 'never' : 'nunca'}</td>
                  <td class="pi-tech-source">
                    {Object.entries(src)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join(', ')}
                  </td>
                  <td class="pi-tech-actions">
                    <button
                      type="button"
                      disabled={at < 0}
                      onClick={() => {
                        setMessage('');
                        setEditing(at);
                      }}
                    >
                      {en ? 'Edit' : 'Editar'}
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void save(
                          { ...config, sensors: config.sensors.filter((c) => c.id !== s.id) },
                          `${en ? 'Removed' : 'Quitado'}: ${s.id}`,
                        ).then((refused) => refused && setMessage(refused))
                      }
                    >
                      {en ? 'Remove' : 'Quitar'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <SensorForm
        key={`${editing ?? 'new'}-${formKey}`}
        i18n={i18n}
        index={index}
        initial={editing === null ? null : config.sensors[editing]}
        ports={ports}
        call={call}
        onCancel={editing === null ? undefined : () => setEditing(null)}
        onSave={(sensor) => {
          const list = [...config.sensors];
          list.splice(index, editing === null ? 0 : 1, sensor);
          return save({ ...config, sensors: list }, `${en ? 'Saved' : 'Guardado'}: ${String(sensor.id)}`);
        }}
      />
      <ServerCheck i18n={i18n} call={call} />
    </section>
  );
}
