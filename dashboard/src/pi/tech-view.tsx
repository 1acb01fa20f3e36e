/**
 * @module pi/tech-view — the technician view of the page on the Pi (loaded on demand, so the
 * operator's first load stays small): log in, the sensor list with raw and calibrated value,
 * last read and the driver's problem in words; add a Modbus RTU sensor from a form whose choices
 * come from the shared schemas, probe it through the running agent before saving, save through
 * the agent's atomic apply (422 names the field; the running config is unchanged); remove a
 * sensor; a two-point calibration helper. Every change goes with the session cookie and this
 * page's Origin (the agent checks both).
 */
import { type EdgeLiveEvent, ModbusRtuSource, QUANTITIES } from '@vigia/shared';
import { useEffect, useState } from 'preact/hooks';
import type { I18n } from '../i18n.ts';

type Config = { sensors: Record<string, unknown>[] } & Record<string, unknown>;
type ErrorAnswer = { error?: { message?: string; path?: string } };

const TYPES = ModbusRtuSource.shape.type.unwrap().options;
const FIELDS = ['id', 'name', 'quantity', 'unit', 'port', 'unit_id', 'register', 'type', 'interval'] as const;
type Form = Record<(typeof FIELDS)[number], string>;

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

function Calibrator() {
  const [p, setP] = useState({ r1: '', v1: '', r2: '', v2: '' });
  const n = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Number(v)])) as Record<keyof typeof p, number>;
  const ok = Object.values(p).every((v) => v.trim() !== '' && Number.isFinite(Number(v))) && n.r1 !== n.r2;
  const scale = ok ? (n.v2 - n.v1) / (n.r2 - n.r1) : 0;
  const offset = ok ? n.v1 - scale * n.r1 : 0;
  return (
    <fieldset class="pi-cal">
      <legend>Calibración en dos puntos</legend>
      {(['r1', 'v1', 'r2', 'v2'] as const).map((k) => (
        <label key={k}>
          {{ r1: 'Crudo 1', v1: 'Valor real 1', r2: 'Crudo 2', v2: 'Valor real 2' }[k]}
          <input inputMode="decimal" value={p[k]} onInput={(e) => setP({ ...p, [k]: e.currentTarget.value })} />
        </label>
      ))}
      <output data-calibration>
        {ok
          ? `calibrate: { scale: ${+scale.toPrecision(6)}, offset: ${+offset.toPrecision(6)} }`
          : 'Dos crudos distintos y sus valores reales'}
      </output>
    </fieldset>
  );
}

export function TechView({ event, i18n }: { event: EdgeLiveEvent | null; i18n: I18n }) {
  const [config, setConfig] = useState<Config | null>(null);
  const [needLogin, setNeedLogin] = useState(false);
  const [message, setMessage] = useState('');
  const ports = [
    ...new Set(
      (config?.sensors ?? [])
        .map((s) => s.source as { driver?: string; port?: string })
        .filter((s) => s.driver === 'modbus-rtu')
        .map((s) => s.port ?? ''),
    ),
  ];
  const [form, setForm] = useState<Form>({
    id: '',
    name: '',
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    port: '',
    unit_id: '1',
    register: '0',
    type: 'float32',
    interval: '1s',
  });

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

  const source = () => ({
    driver: 'modbus-rtu',
    port: form.port || ports[0],
    unit_id: Number(form.unit_id),
    register: Number(form.register),
    type: form.type,
  });
  async function save(next: Config, done: string) {
    const r = await call('PUT', 'config', next);
    setMessage(r.status === 200 ? done : `No se guardó / not saved — ${errorText(r)}`);
    if (r.status === 200) await load();
  }

  if (needLogin) return <Login onIn={load} />;
  if (!config) return <p>{message || '…'}</p>;
  const sensors = event?.sensors.sensors ?? [];
  const drivers = event?.status.drivers ?? [];
  return (
    <section class="pi-tech" data-tech="ready">
      {message && (
        <p role="status" data-tech-message>
          {message}
        </p>
      )}
      <table class="pi-tech-sensors">
        <thead>
          <tr>
            <th>Sensor</th>
            <th>Crudo</th>
            <th>Valor</th>
            <th>Leído</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sensors.map((s) => {
            const problem = drivers.find((d) => d.sensors.includes(s.id) && d.state !== 'ok');
            return (
              <tr key={s.id} data-tech-sensor={s.id}>
                <td>
                  {s.id}
                  {problem && <div class="pi-tech-problem">{problem.detail}</div>}
                </td>
                <td>{s.latest ? i18n.value(s.latest.raw) : '—'}</td>
                <td data-value={s.latest ? String(s.latest.value) : ''}>
                  {s.latest ? i18n.value(s.latest.value) : '—'}
                </td>
                <td>{s.latest ? i18n.clock(s.latest.ts, Date.now()) : 'nunca'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      save({ ...config, sensors: config.sensors.filter((c) => c.id !== s.id) }, `Quitado: ${s.id}`)
                    }
                  >
                    Quitar
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form
        class="pi-tech-add"
        onSubmit={(e) => {
          e.preventDefault();
          const sensor = {
            id: form.id,
            ...(form.name ? { name: form.name } : {}),
            quantity: form.quantity,
            unit: form.unit,
            interval: form.interval,
            source: source(),
          };
          void save({ ...config, sensors: [...config.sensors, sensor] }, `Guardado: ${form.id}`);
        }}
      >
        <fieldset>
          <legend>Agregar sensor Modbus RTU</legend>
          {(['id', 'name', 'unit', 'unit_id', 'register', 'interval'] as const).map((k) => (
            <label key={k}>
              {k}
              <input name={k} value={form[k]} onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })} />
            </label>
          ))}
          <label>
            quantity
            <select
              name="quantity"
              value={form.quantity}
              onChange={(e) => setForm({ ...form, quantity: e.currentTarget.value })}
            >
              {Object.keys(QUANTITIES).map((q) => (
                <option key={q} value={q}>
                  {i18n.quantity(q)}
                </option>
              ))}
            </select>
          </label>
          <label>
            port
            <select
              name="port"
              value={form.port || ports[0]}
              onChange={(e) => setForm({ ...form, port: e.currentTarget.value })}
            >
              {ports.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <label>
            type
            <select name="type" value={form.type} onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}>
              {TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={async () => {
              const r = await call('POST', 'probe', { source: source() });
              setMessage(r.status === 200 ? `Valor leído: ${r.body.raw} (${r.body.ms} ms)` : errorText(r));
            }}
          >
            Probar
          </button>
          <button type="submit">Guardar</button>
        </fieldset>
      </form>
      <Calibrator />
    </section>
  );
}
