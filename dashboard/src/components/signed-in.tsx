/**
 * @module signed-in — what a signed-in user sees: the header, the section tabs and the page
 * the location hash names. Owns the live stream, so switching tabs keeps it open.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { sites as fetchSites, logout, type Me, type SiteInfo } from '../api.ts';
import { useLinkedBreach } from '../linked-breach.ts';
import { BreachesPage } from '../pages/breaches-page.tsx';
import { DevicesPage } from '../pages/devices-page.tsx';
import { LivePage } from '../pages/live-page.tsx';
import { ReportPage } from '../pages/report-page.tsx';
import { SitesPage } from '../pages/sites-page.tsx';
import { offered } from '../route.ts';
import { setSiteZone, siteZone, zoneOfSites } from '../site-zone.ts';
import { useCompliance } from '../use-compliance.ts';
import { useLive } from '../use-live.ts';
import { useRoute } from '../use-route.ts';
import { useUnacked } from '../use-unacked.ts';
import { AlarmBar } from './alarm-bar.tsx';
import { Header } from './header.tsx';
import { LazyPage } from './lazy-page.tsx';
import { NavTabs } from './nav-tabs.tsx';
import { NoAccess } from './no-access.tsx';

const loadUsersPage = () => import('../pages/users-page.tsx').then((m) => m.UsersPage);
const loadPermitsPage = () => import('../pages/permits-page.tsx').then((m) => m.PermitsPage);
const loadNotificationsPage = () => import('../pages/notifications-page.tsx').then((m) => m.NotificationsPage);

export type SignedInProps = { me: Me; onToggleLang: () => void; onLoggedOut: () => void };

export function SignedIn({ me, onToggleLang, onLoggedOut }: SignedInProps) {
  const { live, snapshot } = useLive();
  const route = useRoute();
  // An e-mail's link to a breach: its card is scrolled to and marked once the page shows it.
  useLinkedBreach(route);
  // One compliance state for the alarm bar (every page), the live page's tiles and the permits
  // page's rule states.
  const compliance = useCompliance(live);
  // The badge is for those who acknowledge: officers and admins.
  const unacked = useUnacked(live, me.role === 'officer' || me.role === 'admin');
  const allowed = offered(route, me.role);
  // The sensor the alarm bar asked the live page to show; the counter re-focuses the same one.
  const [focus, setFocus] = useState<{ sensor: string; n: number } | null>(null);
  const goToAlarm = (sensor: string) => {
    setFocus((f) => ({ sensor, n: (f?.n ?? 0) + 1 }));
    if (route !== 'live') location.hash = '#/live';
  };
  // Times are shown in the sites' zone: until GET /api/v1/sites answers, the default (Bogotá).
  const [zone, setZone] = useState(siteZone());
  const [siteList, setSiteList] = useState<SiteInfo[] | null>(null);
  const [sitesError, setSitesError] = useState<unknown>(null);
  const applySites = (list: SiteInfo[]) => {
    setSiteList(list);
    setSiteZone(zoneOfSites(list));
    setZone(siteZone());
  };
  // One request for every page: the live page's tile layouts read the same answer.
  useEffect(() => {
    fetchSites().then(applySites, setSitesError);
  }, []);
  const saveSite = (site: SiteInfo) => applySites((siteList ?? []).map((s) => (s.id === site.id ? site : s)));

  const signOut = () => {
    logout()
      .catch(() => {})
      .finally(onLoggedOut);
  };

  return (
    <div class="page" data-zone={zone}>
      <Header
        sites={me.sites}
        allSites={me.all_sites}
        user={me.user}
        connection={snapshot.state}
        onToggleLang={onToggleLang}
        onLogout={signOut}
      />
      <AlarmBar live={live} compliance={compliance} onGo={goToAlarm} />
      <NavTabs route={route} role={me.role} unacked={unacked} />
      {!allowed && <NoAccess role={me.role} />}
      {/* A new zone redraws the pages (charts place their ticks in it when created). */}
      <Fragment key={zone}>
        {route === 'live' && (
          <LivePage
            me={me}
            live={live}
            snapshot={snapshot}
            compliance={compliance}
            sites={siteList}
            onSiteSaved={saveSite}
            focus={focus}
          />
        )}
        {route === 'breaches' && <BreachesPage me={me} live={live} />}
        {route === 'report' && <ReportPage me={me} />}
        {route === 'devices' && <DevicesPage snapshot={snapshot} />}
      </Fragment>
      {route === 'users' && allowed && <LazyPage load={loadUsersPage} />}
      {route === 'permits' && allowed && <LazyPage load={loadPermitsPage} props={{ statuses: compliance.statuses }} />}
      {route === 'notifications' && <LazyPage load={loadNotificationsPage} />}
      {route === 'sites' && allowed && <SitesPage me={me} sites={siteList} error={sitesError} onSaved={saveSite} />}
    </div>
  );
}
