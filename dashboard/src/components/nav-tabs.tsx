/**
 * @module nav-tabs — the sections as links (hash routing), only those the role is offered; the
 * breaches tab carries the count of unacknowledged breaches when it is given (officers, admins).
 */
import { useI18n } from '../i18n.ts';
import { hrefOf, offered, type Route, TAB_ROUTES } from '../route.ts';

const LABEL = {
  live: 'navLive',
  breaches: 'navBreaches',
  report: 'navReport',
  devices: 'navDevices',
  sites: 'navSites',
  users: 'navUsers',
  permits: 'navPermits',
  notifications: 'navNotifications',
} as const;

export function NavTabs({ route, role, unacked = null }: { route: Route; role: string; unacked?: number | null }) {
  const { t } = useI18n();
  return (
    <nav class="tabs" aria-label={t('navLabel')}>
      {TAB_ROUTES.filter((r) => offered(r, role)).map((r) => (
        <a
          key={r}
          class={`tabs__tab${r === route ? ' tabs__tab--current' : ''}`}
          href={hrefOf(r)}
          data-route={r}
          aria-current={r === route ? 'page' : undefined}
        >
          {t(LABEL[r])}
          {r === 'breaches' && unacked !== null && unacked > 0 && (
            <span class="tabs__badge" data-unacked={unacked} title={t('navUnacked', { count: unacked })}>
              {unacked}
              <span class="visually-hidden"> {t('navUnacked', { count: unacked })}</span>
            </span>
          )}
        </a>
      ))}
    </nav>
  );
}
