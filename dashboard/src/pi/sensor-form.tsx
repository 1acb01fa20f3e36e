/**
 * @module pi/sensor-form — add or edit one sensor, every driver (modbus-rtu, modbus-tcp,
 * serial-line, mqtt). The fields are generated from the shared zod schemas (schema-fields.ts);
 * before anything is sent the sensor is checked with the same `SensorConfig` schema as the
 * config file, and each problem is shown at its field with the file's path, in Spanish and
 * English. "Probar" reads the source once through the running agent (`POST /probe`).
 * Editing keeps what the form does not show. `calibrate:` is shown, kept, and set by the
 * two-point helper (calibrator.tsx) before saving.
 */
import { DRIVER_NAMES, type DriverName, SensorConfig, SOURCES } from '@vigia/shared';
import { useState } from 'preact/hooks';
import type { I18n } from '../i18n.ts';
import { Calibrator } from './calibrator.tsx';
import {
  type Field,
  type FormIssue,
  formIssues,
  objectToValues,
  sensorFields,
  sourceFields,
  valuesToObject,
} from './schema-fields.ts';

export type SensorObject = Record<string, unknown> & { source?: Record<string, unknown> };
type Answer = { status: number; body: { error?: { message?: string }; raw?: unknown; ms?: unknown } };

/** What a new sensor starts with: a Modbus RTU flow meter on the first known serial port. */
function blank(ports: readonly string[]): SensorObject {
  return {
    quantity: 'volumetric_flow',
    unit: 'm3/h',
    interval: '1s',
    source: { driver: 'modbus-rtu', port: ports[0] ?? '', unit_id: 1, register: 0, type: 'float32' },
  };
}

function Input({
  field,
  value,
  issue,
  label,
  onChange,
}: {
  field: Field;
  value: string;
  issue?: FormIssue;
  label: (key: string, value: string) => string;
  onChange: (v: string) => void;
}) {
  const id = `pi-field-${field.key}`;
  const common = { id, name: field.key, 'aria-invalid': issue ? true : undefined, title: field.hint };
  let control: preact.JSX.Element;
  if (field.kind === 'select')
    control = (
      <select {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {!field.required && <option value="">{field.placeholder ? `(${field.placeholder})` : '—'}</option>}
        {field.options?.map((o) => (
          <option key={o} value={o}>
            {label(field.key, o)}
          </option>
        ))}
      </select>
    );
  else if (field.kind === 'checkbox')
    control = (
      <input
        {...common}
        type="checkbox"
        checked={value === 'true'}
        onChange={(e) => onChange(String(e.currentTarget.checked))}
      />
    );
  else
    control = (
      <input
        {...common}
        {...(field.kind === 'number'
          ? { type: 'number', inputMode: 'decimal', min: field.min, max: field.max, step: field.integer ? 1 : 'any' }
          : { type: 'text' })}
        required={field.required}
        placeholder={field.placeholder}
        value={value}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
    );
  return (
    <div class="pi-field">
      <label htmlFor={id}>
        {field.key}
        {field.required ? ' *' : ''}
      </label>
      {control}
      {issue && (
        <span class="pi-field-issue" data-issue={issue.path}>
          {issue.es} / {issue.en}
        </span>
      )}
    </div>
  );
}

export function SensorForm({
  i18n,
  index,
  initial,
  ports,
  call,
  onSave,
  onCancel,
}: {
  i18n: I18n;
  /** Where the sensor is (or goes) in `sensors:`, for paths named as in the file. */
  index: number;
  initial: SensorObject | null;
  ports: readonly string[];
  call: (method: string, path: string, body?: unknown) => Promise<Answer>;
  onSave: (sensor: SensorObject) => Promise<string | null>;
  onCancel?: () => void;
}) {
  const start = initial ?? blank(ports);
  const startDriver = (start.source?.driver as DriverName) ?? 'modbus-rtu';
  const [driver, setDriver] = useState<DriverName>(startDriver);
  const [values, setValues] = useState(() => objectToValues(sensorFields(true), start));
  // One set of source values per driver, so switching back and forth loses nothing typed.
  const [sources, setSources] = useState<Record<string, Record<string, string>>>(() => ({
    [startDriver]: objectToValues(sourceFields(startDriver), start.source ?? {}),
  }));
  const [calibration, setCalibration] = useState<unknown>(start.calibrate);
  const [issues, setIssues] = useState<FormIssue[]>([]);
  const [message, setMessage] = useState('');
  const en = i18n.lang === 'en';
  const polled = SOURCES[driver].polled;
  const ownFields = sensorFields(polled);
  const srcFields = sourceFields(driver);
  const srcValues = sources[driver] ?? {};
  const prefix = `sensors[${index}]`;

  const source = () => ({ driver, ...valuesToObject(srcFields, srcValues) });
  const sensor = (): SensorObject => {
    const { source: _old, interval: _interval, calibrate: _cal, ...kept } = start;
    return {
      ...kept,
      ...valuesToObject(ownFields, values),
      source: source(),
      ...(calibration === undefined ? {} : { calibrate: calibration }),
    };
  };
  const issueAt = (path: string) => issues.find((i) => i.path === path);
  const label = (key: string, v: string) => (key === 'quantity' ? i18n.quantity(v) : v);
  const words = (list: FormIssue[]) => list.map((i) => `${i.path}: ${i.es} / ${i.en}`).join('\n');

  async function submit(e: Event) {
    e.preventDefault();
    const next = sensor();
    const checked = SensorConfig.safeParse(next);
    if (!checked.success) {
      const found = formIssues(checked.error, prefix);
      setIssues(found);
      setMessage(`No se guardó / not saved — ${words(found)}`);
      return;
    }
    setIssues([]);
    const refused = await onSave(next);
    setMessage(refused ?? '');
  }

  /** The source read once through the agent: its raw value, or why not (in words). */
  async function readRaw(): Promise<{ raw: number; ms: unknown } | string> {
    const checked = SOURCES[driver].schema.safeParse(source());
    if (!checked.success) {
      const found = formIssues(checked.error, `${prefix}.source`);
      setIssues(found);
      return words(found);
    }
    const r = await call('POST', 'probe', { source: source() });
    return r.status === 200 && typeof r.body.raw === 'number'
      ? { raw: r.body.raw, ms: r.body.ms }
      : (r.body.error?.message ?? `HTTP ${r.status}`);
  }

  async function probe() {
    const r = await readRaw();
    setMessage(typeof r === 'string' ? r : `${en ? 'Value read' : 'Valor leído'}: ${r.raw} (${r.ms} ms)`);
  }

  return (
    <form class="pi-tech-add" data-editing={initial ? String(initial.id) : ''} onSubmit={submit}>
      <fieldset>
        <legend>
          {initial ? `${en ? 'Edit' : 'Editar'} ${String(initial.id)}` : en ? 'Add a sensor' : 'Agregar sensor'}
        </legend>
        <label class="pi-field">
          driver
          <select
            name="driver"
            value={driver}
            onChange={(e) => {
              const d = e.currentTarget.value as DriverName;
              setSources((all) => ({
                ...all,
                [d]: all[d] ?? objectToValues(sourceFields(d), blank(ports).source ?? {}),
              }));
              setDriver(d);
            }}
          >
            {DRIVER_NAMES.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        {ownFields.map((f) => (
          <Input
            key={f.key}
            field={f}
            value={values[f.key] ?? ''}
            issue={issueAt(`${prefix}.${f.key}`)}
            label={label}
            onChange={(v) => setValues({ ...values, [f.key]: v })}
          />
        ))}
        {srcFields.map((f) => (
          <Input
            key={`${driver}.${f.key}`}
            field={f}
            value={srcValues[f.key] ?? ''}
            issue={issueAt(`${prefix}.source.${f.key}`)}
            label={label}
            onChange={(v) => setSources({ ...sources, [driver]: { ...srcValues, [f.key]: v } })}
          />
        ))}
        <p data-form-calibrate>
          calibrate: {calibration === undefined ? (en ? 'none' : 'ninguna') : JSON.stringify(calibration)}
          {calibration !== undefined && (
            <button type="button" onClick={() => setCalibration(undefined)}>
              {en ? 'Remove' : 'Quitar'}
            </button>
          )}
        </p>
        <Calibrator
          i18n={i18n}
          readRaw={async () => {
            const r = await readRaw();
            return typeof r === 'string' ? r : r.raw;
          }}
          onUse={setCalibration}
        />
        {message && (
          <p role="status" data-form-message class="pi-form-message">
            {message}
          </p>
        )}
        <div class="pi-form-actions">
          <button type="button" onClick={probe}>
            Probar
          </button>
          <button type="submit">Guardar</button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {en ? 'Cancel' : 'Cancelar'}
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}
