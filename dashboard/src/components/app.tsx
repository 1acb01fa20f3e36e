/**
 * @module app — the language, the session, and which screen shows: checking, login,
 * server unreachable, or the signed-in pages.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Me, me, onUnauthorized } from '../api.ts';
import { I18nContext, type Lang, loadLang, makeI18n, saveLang } from '../i18n.ts';
import { LoginForm } from './login-form.tsx';
import { SignedIn } from './signed-in.tsx';
import { Unreachable } from './unreachable.tsx';

type Session = { kind: 'checking' } | { kind: 'out' } | { kind: 'unreachable' } | { kind: 'in'; me: Me };

export function App() {
  const [lang, setLang] = useState<Lang>(loadLang);
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  const [session, setSession] = useState<Session>({ kind: 'checking' });

  const check = useCallback(() => {
    me()
      .then((who) => setSession({ kind: 'in', me: who }))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setSession({ kind: 'out' });
        else setSession({ kind: 'unreachable' });
      });
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    onUnauthorized(() => setSession({ kind: 'out' }));
    check();
  }, [check]);

  const toggleLang = () => {
    const next: Lang = lang === 'es' ? 'en' : 'es';
    saveLang(next);
    setLang(next);
  };

  let screen = null;
  if (session.kind === 'out')
    screen = <LoginForm onLoggedIn={(who) => setSession({ kind: 'in', me: who })} onToggleLang={toggleLang} />;
  else if (session.kind === 'unreachable') screen = <Unreachable onRetry={check} />;
  else if (session.kind === 'in')
    screen = <SignedIn me={session.me} onToggleLang={toggleLang} onLoggedOut={() => setSession({ kind: 'out' })} />;

  return <I18nContext.Provider value={i18n}>{screen}</I18nContext.Provider>;
}
