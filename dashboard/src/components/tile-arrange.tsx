/**
 * @module tile-arrange — an admin arranges one site's tiles: names its areas ("Agua de planta",
 * "Vertimiento", "Aire del túnel"), moves areas and sensors up and down (buttons, not dragging:
 * they work with a thumb, a keyboard and a screen reader), moves a sensor to another area, and
 * saves the layout for the site (PUT /api/v1/sites/:id/tiles). Loaded only when opened.
 */
import type { TileLayout } from '@vigia/shared';
import { useState } from 'preact/hooks';
import { putTileLayout, type SensorInfo, type SiteInfo } from '../api.ts';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import { moveArea, moveSensor, moveToArea } from '../tile-areas.ts';
import { tileWords } from '../tile-words.ts';

export type TileArrangeProps = {
  site: SiteInfo;
  /** The layout shown now (derived areas written out with their names). */
  start: TileLayout;
  sensors: readonly SensorInfo[];
  onSaved: (site: SiteInfo) => void;
  onClose: () => void;
};

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'saved' } | { kind: 'error'; text: string };

export function TileArrange({ site, start, sensors, onSaved, onClose }: TileArrangeProps) {
  const i18n = useI18n();
  const { t } = tileWords(i18n.lang);
  const [layout, setLayout] = useState(start);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const nameOf = (id: string) => {
    const s = sensors.find((x) => x.id === id);
    return s?.name || id;
  };
  const save = async (next: TileLayout | null) => {
    if (next?.areas.some((a) => a.name.trim() === '')) {
      setStatus({ kind: 'error', text: t('emptyName') });
      return;
    }
    setStatus({ kind: 'busy' });
    try {
      const saved = await putTileLayout(
        site.id,
        next && { areas: next.areas.map((a) => ({ ...a, name: a.name.trim() })) },
      );
      setStatus({ kind: 'saved' });
      onSaved(saved);
    } catch (err) {
      setStatus({ kind: 'error', text: t('failed', { detail: errorText(err, i18n.t) }) });
    }
  };
  const rename = (i: number, name: string) =>
    setLayout((l) => ({ areas: l.areas.map((a, k) => (k === i ? { ...a, name } : a)) }));

  return (
    <section class="panel arrange" data-arrange={site.id}>
      <h2 class="panel__title">{t('arrangeTitle', { site: site.name ?? site.id })}</h2>
      <p class="chart-note">{t('arrangeHint')}</p>
      {layout.areas.map((a, i) => (
        <fieldset key={i} class="arrange__area" data-arrange-area={i}>
          <legend class="arrange__head">
            <input
              class="arrange__name"
              aria-label={t('areaName')}
              value={a.name}
              maxLength={60}
              onInput={(e) => rename(i, e.currentTarget.value)}
            />{' '}
            <button
              type="button"
              class="button button--quiet"
              aria-label={t('areaUp', { name: a.name })}
              onClick={() => setLayout((l) => moveArea(l, i, -1))}
            >
              ↑
            </button>
            <button
              type="button"
              class="button button--quiet"
              aria-label={t('areaDown', { name: a.name })}
              onClick={() => setLayout((l) => moveArea(l, i, 1))}
            >
              ↓
            </button>
          </legend>
          <ol class="arrange__sensors">
            {a.sensors.map((id) => (
              <li key={id} class="arrange__sensor" data-arrange-sensor={id}>
                <span class="arrange__sensor-name">{nameOf(id)}</span>
                <button
                  type="button"
                  class="button button--quiet"
                  aria-label={t('sensorUp', { name: nameOf(id) })}
                  onClick={() => setLayout((l) => moveSensor(l, id, -1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  class="button button--quiet"
                  aria-label={t('sensorDown', { name: nameOf(id) })}
                  onClick={() => setLayout((l) => moveSensor(l, id, 1))}
                >
                  ↓
                </button>
                <select
                  aria-label={t('moveTo', { name: nameOf(id) })}
                  value={i}
                  onChange={(e) => setLayout((l) => moveToArea(l, id, Number(e.currentTarget.value)))}
                >
                  {layout.areas.map((b, k) => (
                    <option key={k} value={k}>
                      {b.name || '—'}
                    </option>
                  ))}
                </select>
              </li>
            ))}
          </ol>
        </fieldset>
      ))}
      <p class="arrange__actions">
        <button
          type="button"
          class="button button--quiet"
          data-add-area
          onClick={() => setLayout((l) => ({ areas: [...l.areas, { name: t('newArea'), sensors: [] }] }))}
        >
          {t('addArea')}
        </button>
        <button
          type="button"
          class="button button--primary"
          data-save-arrange
          disabled={status.kind === 'busy'}
          onClick={() => save(layout)}
        >
          {t('save')}
        </button>
        <button type="button" class="button button--quiet" disabled={status.kind === 'busy'} onClick={() => save(null)}>
          {t('reset')}
        </button>
        <button type="button" class="button button--quiet" onClick={onClose}>
          {t('cancel')}
        </button>
      </p>
      {status.kind === 'busy' && <p role="status">{t('saving')}</p>}
      {status.kind === 'saved' && <p role="status">{t('saved')}</p>}
      {status.kind === 'error' && (
        <p class="message message--error" role="alert">
          {status.text}
        </p>
      )}
    </section>
  );
}
