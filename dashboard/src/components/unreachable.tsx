/** @module unreachable — the server could not be reached at start; retries by itself too. */
import { useEffect } from 'preact/hooks';
import { useI18n } from '../i18n.ts';

const AUTO_RETRY_MS = 10_000;

export function Unreachable({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    const timer = setInterval(onRetry, AUTO_RETRY_MS);
    return () => clearInterval(timer);
  }, [onRetry]);
  return (
    <main class="center-screen">
      <div class="card" role="alert">
        <h1 class="card__title">{t('appName')}</h1>
        <p class="message message--error">{t('errorOffline')}</p>
        <button type="button" class="button button--primary" onClick={onRetry}>
          {t('retry')}
        </button>
      </div>
    </main>
  );
}
