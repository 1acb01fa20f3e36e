/**
 * @module lazy-page — a page fetched only when first opened (a dynamic import, its own chunk):
 * pages only admins or officers use stay out of the first load every operator's phone pays for
 * (the ≤ 100 KB gzipped budget). A failed fetch (no signal) says so, with a retry.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';

export function LazyPage({ load }: { load: () => Promise<ComponentType> }) {
  const { t } = useI18n();
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setFailed(false);
    load().then(
      (p) => setPage(() => p),
      () => setFailed(true),
    );
  }, [attempt]);
  if (Page) return <Page />;
  if (failed)
    return (
      <main class="main">
        <p class="message message--error" role="alert">
          {t('errorOffline')}
        </p>
        <button type="button" class="button" onClick={() => setAttempt((a) => a + 1)}>
          {t('retry')}
        </button>
      </main>
    );
  return null;
}
