/**
 * @module error-text — a failed request said in words for people, never a bare code:
 * no signal, a route the server does not have yet, an answer this page cannot read (another
 * version of the server), a refusal with the server's message.
 */
import { ApiError } from './api.ts';
import type { I18n } from './i18n.ts';

export function errorText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('errorOffline');
    if (err.status === 404 && err.code === 'not_found') return t('errorNotAvailable');
    if (err.code === 'bad_answer') return t('errorAnswer', { detail: err.message });
    if (err.status >= 500) return t('errorServer', { status: err.status });
    return t('errorRejected', { detail: err.message || err.code });
  }
  return t('errorServer', { status: '?' });
}
