/** @module header — site and user (with the link to their notification settings), the live connection state, language switch, sign out. */

import { useI18n } from '../i18n.ts';
import type { LiveState } from '../live.ts';
import { hrefOf } from '../route.ts';

export type HeaderProps = {
  sites: string[];
  /** The user sees every site (`--all-sites`); otherwise only `sites`, and none when it is empty. */
  allSites: boolean;
  user: string;
  connection: LiveState;
  onToggleLang: () => void;
  onLogout: () => void;
};

export function Header({ sites, allSites, user, connection, onToggleLang, onLogout }: HeaderProps) {
  const { t } = useI18n();
  const label =
    connection === 'open' ? t('liveOpen') : connection === 'connecting' ? t('liveConnecting') : t('liveRetrying');
  return (
    <header class="header">
      <div class="header__who">
        <span class="header__brand">{t('appName')}</span>
        <span class="header__site">
          {allSites ? t('allSites') : sites.length > 0 ? sites.join(', ') : t('noSites')}
        </span>
        <span class="header__user">{user}</span>
        <a class="header__link" href={hrefOf('notifications')} data-route="notifications">
          {t('navNotifications')}
        </a>
      </div>
      <div class="header__actions">
        <output class={`connection connection--${connection}`} data-connection={connection} aria-live="polite">
          <span class="connection__dot" aria-hidden="true" />
          {label}
        </output>
        <button type="button" class="button button--quiet" onClick={onToggleLang} aria-label={t('languageSwitchLabel')}>
          {t('languageSwitch')}
        </button>
        <button type="button" class="button button--quiet" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}
