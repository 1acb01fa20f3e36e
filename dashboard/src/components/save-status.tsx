/**
 * @module save-status — the state of an admin form's save (idle, busy, saved, or the refusal in
 * words) and the line that says it: the users, sites and permits pages share both.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../error-text.ts';
import { type MessageKey, useI18n } from '../i18n.ts';

export type SaveStatus = { kind: 'idle' | 'busy' | 'saved' } | { kind: 'error'; text: string };

/** "Saved." or the error, under the form; nothing while idle or busy. */
export function StatusLine({ status, saved }: { status: SaveStatus; saved: string }) {
  if (status.kind === 'saved')
    return (
      <p class="message" role="status">
        {saved}
      </p>
    );
  if (status.kind === 'error')
    return (
      <p class="message message--error" role="alert">
        {status.text}
      </p>
    );
  return null;
}

/** Runs a save: busy while it runs, then saved, or the error said with `failed` ({detail}). */
export function useSave(failed: MessageKey): [SaveStatus, (work: () => Promise<void>) => Promise<void>] {
  const { t } = useI18n();
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const run = async (work: () => Promise<void>) => {
    setStatus({ kind: 'busy' });
    try {
      await work();
      setStatus({ kind: 'saved' });
    } catch (err) {
      setStatus({ kind: 'error', text: t(failed, { detail: errorText(err, t) }) });
    }
  };
  return [status, run];
}
