/** @module login-form — user and password to POST /api/v1/login; every failure said in words. */
import { useState } from 'preact/hooks';
import { ApiError, login, type Me } from '../api.ts';
import { type I18n, useI18n } from '../i18n.ts';

function errorText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return t('loginBadCredentials');
    if (err.status === 0) return t('errorOffline');
    if (err.status >= 500) return t('errorServer', { status: err.status });
    return err.message || t('errorServer', { status: err.status });
  }
  return t('errorServer', { status: '?' });
}

export function LoginForm({ onLoggedIn, onToggleLang }: { onLoggedIn: (me: Me) => void; onToggleLang: () => void }) {
  const { t } = useI18n();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!user.trim() || !password) {
      setError(t('loginMissing'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await login(user.trim(), password));
    } catch (err) {
      setError(errorText(err, t));
      setBusy(false);
    }
  };

  return (
    <main class="center-screen">
      <form class="card login" onSubmit={submit} noValidate>
        <div class="login__top">
          <h1 class="card__title">{t('loginTitle')}</h1>
          <button
            type="button"
            class="button button--quiet"
            onClick={onToggleLang}
            aria-label={t('languageSwitchLabel')}
          >
            {t('languageSwitch')}
          </button>
        </div>
        <label class="field">
          <span class="field__label">{t('loginUser')}</span>
          <input
            class="field__input"
            name="user"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span class="field__label">{t('loginPassword')}</span>
          <input
            class="field__input"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="message message--error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? t('loginBusy') : t('loginSubmit')}
        </button>
      </form>
    </main>
  );
}
