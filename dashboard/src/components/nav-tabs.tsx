/** @module nav-tabs — the sections as links (hash routing): live, breaches, report, devices, and sites for admins. */
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

export function NavTabs({ route, role }: { route: Route; role: string }) {
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
        </a>
      ))}
    </nav>
  );
}
