/**
 * @module signed-in — what a signed-in user sees: the header, the section tabs and the page
 * the location hash names. Owns the live stream, so switching tabs keeps it open.
 */
import { logout, type Me } from '../api.ts';
import { BreachesPage } from '../pages/breaches-page.tsx';
import { DevicesPage } from '../pages/devices-page.tsx';
import { LivePage } from '../pages/live-page.tsx';
import { ReportPage } from '../pages/report-page.tsx';
import { useLive } from '../use-live.ts';
import { useRoute } from '../use-route.ts';
import { Header } from './header.tsx';
import { NavTabs } from './nav-tabs.tsx';

export type SignedInProps = { me: Me; onToggleLang: () => void; onLoggedOut: () => void };

export function SignedIn({ me, onToggleLang, onLoggedOut }: SignedInProps) {
  const { live, snapshot } = useLive();
  const route = useRoute();

  const signOut = () => {
    logout()
      .catch(() => {})
      .finally(onLoggedOut);
  };

  return (
    <div class="page">
      <Header
        sites={me.sites}
        allSites={me.all_sites}
        user={me.user}
        connection={snapshot.state}
        onToggleLang={onToggleLang}
        onLogout={signOut}
      />
      <NavTabs route={route} />
      {route === 'live' && <LivePage me={me} live={live} snapshot={snapshot} />}
      {route === 'breaches' && <BreachesPage me={me} />}
      {route === 'report' && <ReportPage me={me} />}
      {route === 'devices' && <DevicesPage snapshot={snapshot} />}
    </div>
  );
}
