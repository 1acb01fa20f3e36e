/**
 * @module no-access — what a page the user's role is not offered shows when reached by its
 * address: no access, in words, and who to ask. The server refuses its routes anyway (403);
 * this only keeps a typed or shared link from showing an empty or broken page.
 */
import { useI18n } from '../i18n.ts';

export function NoAccess({ role }: { role: string }) {
  const { t } = useI18n();
  return (
    <main class="main main--narrow" data-page="no-access">
      <h1 class="page-head__title">{t('noAccessTitle')}</h1>
      <p class="message message--error" role="alert">
        {t('noAccess', { role })}
      </p>
    </main>
  );
}
