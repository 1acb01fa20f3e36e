/**
 * @module ack-form — "Acusar recibo": a button that opens a required note, then
 * POST /api/v1/breaches/:id/ack. Every failure is said in words.
 */
import { useState } from 'preact/hooks';
import { ApiError, ackBreach } from '../api.ts';
import type { BreachRow } from '../compliance.ts';
import { errorText } from '../error-text.ts';
import { type I18n, useI18n } from '../i18n.ts';

export type AckFormProps = {
  breachId: string;
  /** The acknowledged breach; null when the server's answer did not carry it (reload). */
  onAcked: (breach: BreachRow | null) => void;
};

function ackError(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return t('ackForbidden');
    if (err.status === 409) return t('ackConflict');
    if (err.status === 404 && err.code !== 'not_found') return t('ackNotFound');
  }
  return t('ackFailed', { detail: errorText(err, t) });
}

export function AckForm({ breachId, onAcked }: AckFormProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open)
    return (
      <button type="button" class="button ack__open" onClick={() => setOpen(true)}>
        {t('ackButton')}
      </button>
    );

  const submit = async (e: Event) => {
    e.preventDefault();
    const text = note.trim();
    if (!text) {
      setError(t('ackNoteMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onAcked(await ackBreach(breachId, text));
    } catch (err) {
      setError(ackError(err, t));
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) onAcked(null);
    }
  };

  return (
    <NoteForm
      id={`ack-note-${breachId}`}
      label={t('ackNote')}
      rows={3}
      name="note"
      required
      value={note}
      onInput={setNote}
      error={error}
      busy={busy}
      saveLabel={busy ? t('ackSaving') : t('ackSave')}
      onSubmit={submit}
      onCancel={() => {
        setOpen(false);
        setError(null);
      }}
    />
  );
}

export type NoteFormProps = {
  id: string;
  label: string;
  rows: number;
  name?: string;
  required?: boolean;
  maxLength?: number;
  value: string;
  onInput: (note: string) => void;
  error: string | null;
  busy: boolean;
  saveLabel: string;
  onSubmit: (e: Event) => void;
  onCancel: () => void;
};

/** The note form an acknowledgement and an operator's note share: a note, its error, save and cancel. */
export function NoteForm(p: NoteFormProps) {
  const { t } = useI18n();
  return (
    <form class="ack" onSubmit={p.onSubmit} noValidate>
      <label class="field" for={p.id}>
        <span class="field__label">{p.label}</span>
      </label>
      <textarea
        id={p.id}
        class="field__input ack__note"
        name={p.name}
        rows={p.rows}
        required={p.required}
        maxLength={p.maxLength}
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
      />
      {p.error && (
        <p class="message message--error" role="alert">
          {p.error}
        </p>
      )}
      <div class="ack__actions">
        <button type="submit" class="button button--dark" disabled={p.busy}>
          {p.saveLabel}
        </button>
        <button type="button" class="button button--quiet" disabled={p.busy} onClick={p.onCancel}>
          {t('ackCancel')}
        </button>
      </div>
    </form>
  );
}
