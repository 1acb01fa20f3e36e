/**
 * @module notifications-page — every user's own e-mail notifications (GET/PUT
 * /api/v1/me/notifications): which events, the address, the language of the e-mails. The
 * address is checked with the server's own schema before sending, so both say the same; the
 * server's refusal and the state of the user's queued e-mails (waiting, given up, the mail
 * server's last error) are shown in words. Loaded on demand (lazy-page.tsx).
 */
import { EmailAddress, type NotificationSettingsInput } from '@vigia/shared';
import { useEffect, useState } from 'preact/hooks';
import { type NotificationSettings, notificationSettings, putNotificationSettings } from '../api.ts';
import { StatusLine, useSave } from '../components/save-status.tsx';
import { errorText } from '../error-text.ts';
import { type MessageKey, useI18n } from '../i18n.ts';

const EVENTS = [
  ['breach_opened', 'notifyBreach'],
  ['alarm_opened', 'notifyAlarm'],
  ['device_silent', 'notifySilent'],
] as const satisfies readonly (readonly [keyof NotificationSettingsInput, MessageKey])[];

type Form = Omit<NotificationSettingsInput, 'email'> & { email: string };

/** The form's problem with the address, or null when it can be sent. */
function emailProblem(form: Form): MessageKey | null {
  const wanted = EVENTS.some(([e]) => form[e]);
  if (form.email.trim() === '') return wanted ? 'notifyEmailNeeded' : null;
  return EmailAddress.safeParse(form.email).success ? null : 'notifyEmailBad';
}

function Delivery({ d }: { d: NotificationSettings['delivery'] }) {
  const { t } = useI18n();
  if (d.pending === 0 && d.gave_up === 0) return null;
  return (
    <div class="message message--error" role="status" data-delivery>
      {d.pending > 0 && <p>{t('notifyPending', { count: d.pending })}</p>}
      {d.gave_up > 0 && <p>{t('notifyGaveUp', { count: d.gave_up })}</p>}
      {d.last_error && <p>{t('notifyLastError', { detail: d.last_error })}</p>}
    </div>
  );
}

function SettingsForm({ initial }: { initial: NotificationSettings }) {
  const { t, lang } = useI18n();
  const [saved, setSaved] = useState(initial);
  const [form, setForm] = useState<Form>({
    email: initial.email ?? '',
    // Never saved: the e-mails start in the language the user reads the dashboard in.
    lang: initial.updated_at === null ? lang : initial.lang,
    breach_opened: initial.breach_opened,
    alarm_opened: initial.alarm_opened,
    device_silent: initial.device_silent,
  });
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [state, save] = useSave('notifySaveFailed');
  const submit = (e: Event) => {
    e.preventDefault();
    const p = emailProblem(form);
    setProblem(p);
    if (p) return;
    const email = form.email.trim();
    void save(async () => setSaved(await putNotificationSettings({ ...form, email: email === '' ? null : email })));
  };
  return (
    <form class="card card--wide" data-form="notifications" onSubmit={submit} noValidate>
      {!saved.email_enabled && <p class="message">{t('notifyServerOff')}</p>}
      <Delivery d={saved.delivery} />
      <fieldset class="field">
        <legend class="field__label">{t('notifyEvents')}</legend>
        {EVENTS.map(([event, label]) => (
          <label key={event} class="check" for={`notify-${event}`}>
            <input
              id={`notify-${event}`}
              type="checkbox"
              name={event}
              checked={form[event]}
              onChange={(e) => setForm({ ...form, [event]: e.currentTarget.checked })}
            />
            <span>{t(label)}</span>
          </label>
        ))}
      </fieldset>
      <label class="field" for="notify-email">
        <span class="field__label">{t('notifyEmail')}</span>
        <input
          id="notify-email"
          class="field__input"
          type="email"
          name="email"
          autocomplete="email"
          value={form.email}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'notify-email-problem' : undefined}
          onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
      </label>
      {problem && (
        <p id="notify-email-problem" class="message message--error" role="alert">
          {t(problem)}
        </p>
      )}
      <label class="field" for="notify-lang">
        <span class="field__label">{t('notifyLang')}</span>
        <select
          id="notify-lang"
          class="field__input"
          name="lang"
          value={form.lang}
          onChange={(e) => setForm({ ...form, lang: e.currentTarget.value === 'en' ? 'en' : 'es' })}
        >
          <option value="es">{t('notifyLangEs')}</option>
          <option value="en">{t('notifyLangEn')}</option>
        </select>
      </label>
      <button type="submit" class="button button--primary" disabled={state.kind === 'busy'}>
        {t('notifySave')}
      </button>
      <StatusLine status={state} saved={t('notifySaved')} />
    </form>
  );
}

export function NotificationsPage() {
  const { t } = useI18n();
  const [settings, setSettings] = useState<NotificationSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    notificationSettings().then(setSettings, setError);
  }, []);
  return (
    <main class="main main--narrow" data-page="notifications">
      <div class="page-head">
        <h1 class="page-head__title">{t('notifyTitle')}</h1>
        <p class="page-head__note">{t('notifyIntro')}</p>
      </div>
      {error ? (
        <div class="message message--error" role="alert">
          {t('notifyLoadFailed', { detail: errorText(error, t) })}
        </div>
      ) : settings === null ? (
        <p class="message">{t('notifyLoading')}</p>
      ) : (
        <SettingsForm initial={settings} />
      )}
    </main>
  );
}
