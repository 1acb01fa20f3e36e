/**
 * @module pi/calibrator — the two-point calibration helper of the sensor form: the raw value at
 * two reference levels (typed, or read now through the agent with "Leer crudo": the same probe
 * as "Probar"), their true values, and the line through them shown before anything is saved
 * (`value = raw × scale + offset`, and what each raw point gives). "Usar en este sensor" puts the
 * `calibrate:` block into the sensor being edited; it is saved with it.
 */
import { useState } from 'preact/hooks';
import type { I18n } from '../i18n.ts';

export type LineCalibration = { scale: number; offset: number };
type Point = 'r1' | 'v1' | 'r2' | 'v2';

const round = (x: number) => +x.toPrecision(6);

export function Calibrator({
  i18n,
  readRaw,
  onUse,
}: {
  i18n: I18n;
  /** The source's raw value now (the agent's probe), or why not. */
  readRaw: () => Promise<number | string>;
  onUse: (cal: LineCalibration) => void;
}) {
  const en = i18n.lang === 'en';
  const [p, setP] = useState<Record<Point, string>>({ r1: '', v1: '', r2: '', v2: '' });
  const [problem, setProblem] = useState('');
  const n = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Number(v)])) as Record<Point, number>;
  const filled = Object.values(p).every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  const ok = filled && n.r1 !== n.r2;
  const scale = ok ? (n.v2 - n.v1) / (n.r2 - n.r1) : 0;
  const offset = ok ? n.v1 - scale * n.r1 : 0;
  const labels: Record<Point, string> = en
    ? { r1: 'Raw 1', v1: 'True value 1', r2: 'Raw 2', v2: 'True value 2' }
    : { r1: 'Crudo 1', v1: 'Valor real 1', r2: 'Crudo 2', v2: 'Valor real 2' };

  async function read(k: 'r1' | 'r2') {
    setProblem('');
    const r = await readRaw();
    if (typeof r === 'number') setP((old) => ({ ...old, [k]: String(r) }));
    else setProblem(r);
  }

  return (
    <fieldset class="pi-cal">
      <legend>{en ? 'Two-point calibration' : 'Calibración en dos puntos'}</legend>
      {(['r1', 'v1', 'r2', 'v2'] as const).map((k) => (
        <div key={k} class="pi-field">
          <label htmlFor={`pi-cal-${k}`}>{labels[k]}</label>
          <input
            id={`pi-cal-${k}`}
            name={`cal-${k}`}
            inputMode="decimal"
            value={p[k]}
            onInput={(e) => setP({ ...p, [k]: e.currentTarget.value })}
          />
          {(k === 'r1' || k === 'r2') && (
            <button type="button" onClick={() => read(k)}>
              {en ? `Read raw ${k[1]}` : `Leer crudo ${k[1]}`}
            </button>
          )}
        </div>
      ))}
      {problem && <p class="pi-field-issue">{problem}</p>}
      <output data-calibration>
        {ok
          ? `calibrate: { scale: ${round(scale)}, offset: ${round(offset)} } — ${en ? 'raw' : 'crudo'} ${n.r1} → ${round(n.r1 * scale + offset)}, ${n.r2} → ${round(n.r2 * scale + offset)}`
          : filled
            ? en
              ? 'The two raw values must differ: measure the second point at a clearly different level'
              : 'Los dos crudos deben ser distintos: mida el segundo punto en un nivel claramente distinto'
            : en
              ? 'Two different raw values and their true values'
              : 'Dos crudos distintos y sus valores reales'}
      </output>
      {ok && (
        <button type="button" onClick={() => onUse({ scale: round(scale), offset: round(offset) })}>
          {en ? 'Use in this sensor' : 'Usar en este sensor'}
        </button>
      )}
    </fieldset>
  );
}
