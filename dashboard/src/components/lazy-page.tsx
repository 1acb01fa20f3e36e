/**
 * @module lazy-page — a page fetched only when first opened (a dynamic import, its own chunk):
 * pages only admins or officers use stay out of the first load every operator's phone pays for
 * (the ≤ 100 KB gzipped budget). A failed fetch (no signal) says so, with a retry. The fetch and
 * its failure block are shared with the lazily loaded chart (lazy-chart.tsx).
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';

/**
 * The component `load` answers, fetched on first show; `failed` until `retry` after a failed
 * fetch. `ready`: one already loaded, shown at once without a fetch.
 */
export function useLazy<P>(
  load: () => Promise<ComponentType<P>>,
  ready: ComponentType<P> | null = null,
): { Loaded: ComponentType<P> | null; failed: boolean; retry: () => void } {
  const [Loaded, setLoaded] = useState<ComponentType<P> | null>(() => ready);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Loaded) return;
    setFailed(false);
    load().then(
      (c) => setLoaded(() => c),
      () => setFailed(true),
    );
  }, [attempt]);
  return { Loaded, failed, retry: () => setAttempt((a) => a + 1) };
}

/** A lazy fetch that failed: no signal, and a retry. */
export function LoadFailed({
  as: Box,
  class: cls,
  onRetry,
}: {
  as: 'main' | 'section';
  class: string;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  return (
    <Box class={cls}>
      <p class="message message--error" role="alert">
        {t('errorOffline')}
      </p>
      <button type="button" class="button" onClick={onRetry}>
        {t('retry')}
      </button>
    </Box>
  );
}

/** The page `load` answers, drawn with `props` (what the signed-in shell already holds for it). */
export function LazyPage<P extends object = Record<string, never>>({
  load,
  props,
}: {
  load: () => Promise<ComponentType<P>>;
  props?: P;
}) {
  const { Loaded: Page, failed, retry } = useLazy(load);
  if (Page) return <Page {...(props as P)} />;
  if (failed) return <LoadFailed as="main" class="main" onRetry={retry} />;
  return null;
}
