/**
 * @module breach-notes — on a breach: the operators' notes of what was done, oldest first, and
 * a form to add one (POST /api/v1/breaches/:id/notes). A note never acknowledges the breach:
 * that stays with officers (ack-form.tsx). Every failure is said in words.
 */
import { useState } from 'preact/hooks';
import { addBreachNote } from '../api.ts';
import type { BreachRow } from '../compliance.ts';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';
import { NoteForm } from './ack-form.tsx';

export type BreachNotesProps = {
  breach: BreachRow;
  canNote: boolean;
  /** The breach with its new note; null when the answer did not carry it (reload). */
  onSaved: (breach: BreachRow | null) => void;
};

export function BreachNotes({ breach, canNote, onSaved }: BreachNotesProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notes = breach.notes ?? [];
  if (notes.length === 0 && !canNote) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    const text = note.trim();
    if (!text) {
      setError(t('noteMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(await addBreachNote(breach.id, text));
      setNote('');
      setOpen(false);
    } catch (err) {
      setError(t('noteFailed', { detail: errorText(err, t) }));
    }
    setBusy(false);
  };
  return (
    <section class="breach__notes" data-notes={notes.length}>
      <h3 class="breach__ack-title">{t('notesTitle')}</h3>
      {notes.length > 0 && (
        <ul class="breach__note-list">
          {notes.map((n) => (
            <li key={`${n.at}-${n.by}`}>
              <blockquote class="breach__ack-note">{n.note}</blockquote>
              <p class="breach__ack-by">{t('noteBy', { by: n.by, at: i18n.siteDateTime(n.at) })}</p>
            </li>
          ))}
        </ul>
      )}
      {canNote && !open && (
        <button type="button" class="button button--quiet" onClick={() => setOpen(true)}>
          {t('noteAdd')}
        </button>
      )}
      {canNote && open && (
        <NoteForm
          id={`note-${breach.id}`}
          label={t('noteLabel')}
          rows={2}
          maxLength={2000}
          value={note}
          onInput={setNote}
          error={error}
          busy={busy}
          saveLabel={busy ? t('noteSaving') : t('noteSave')}
          onSubmit={submit}
          onCancel={() => setOpen(false)}
        />
      )}
    </section>
  );
}
