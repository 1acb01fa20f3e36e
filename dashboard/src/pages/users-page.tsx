/**
 * @module users-page — admins list, create and change users (GET/POST/PATCH /api/v1/users):
 * role, sites, disabled, a new password. The server enforces the rules (password policy, the
 * last admin, admin only) and its refusal is shown in words; disabling a user or a new password
 * signs that user out everywhere at once (its open live pages stop). Loaded only when opened
 * (components/lazy-page.tsx), so the first load of the dashboard does not carry it.
 */
import type { InputHTMLAttributes } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { addUser, users as fetchUsers, patchUser, type UserInfo } from '../api.ts';
import { StatusLine, useSave } from '../components/save-status.tsx';
import { errorText } from '../error-text.ts';
import { useI18n } from '../i18n.ts';

const ROLES = ['operator', 'officer', 'technician', 'admin'] as const;
const siteList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const PASSWORD: InputHTMLAttributes<HTMLInputElement> = { type: 'password', autocomplete: 'new-password' };

/** One labelled text input; `password` makes it a new-password field. */
function TextField(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  password?: boolean;
}) {
  return (
    <label class="field" for={props.id}>
      <span class="field__label">{props.label}</span>
      <input
        id={props.id}
        class="field__input"
        {...(props.password ? PASSWORD : {})}
        name={props.name}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

type Access = { role: string; all: boolean; sites: string };

/** Role, all sites, and the sites (when not all): the same fields on a new user and an existing one. */
function AccessFields({ id, access, onChange }: { id: string; access: Access; onChange: (a: Access) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label class="field" for={`${id}-role`}>
        <span class="field__label">{t('userRole')}</span>
        <select
          id={`${id}-role`}
          class="field__input"
          name="role"
          value={access.role}
          onChange={(e) => onChange({ ...access, role: e.currentTarget.value })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label class="field" for={`${id}-all`}>
        <input
          id={`${id}-all`}
          type="checkbox"
          name="all_sites"
          checked={access.all}
          onChange={(e) => onChange({ ...access, all: e.currentTarget.checked })}
        />{' '}
        <span class="field__label">{t('userAllSites')}</span>
      </label>
      {!access.all && (
        <TextField
          id={`${id}-sites`}
          name="sites"
          label={t('userSites')}
          value={access.sites}
          onInput={(sites) => onChange({ ...access, sites })}
        />
      )}
    </>
  );
}

const accessBody = ({ role, all, sites }: Access) => ({ role, sites: all ? [] : siteList(sites), all_sites: all });

function UserForm({ user, onSaved }: { user: UserInfo; onSaved: (u: UserInfo) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [access, setAccess] = useState<Access>({ role: user.role, all: user.all_sites, sites: user.sites.join(', ') });
  const [password, setPassword] = useState('');
  const [status, save] = useSave('userFailed');
  const id = `user-${user.user}`;
  const submit = (e: Event) => {
    e.preventDefault();
    void save(async () => onSaved(await patchUser(user.user, accessBody(access))));
  };
  return (
    <form class="card card--wide user" data-user={user.user} onSubmit={submit} noValidate>
      <h2 class="card__title">
        {user.user}{' '}
        <span class="user__state" data-disabled={String(user.disabled)}>
          {user.disabled ? t('userDisabled', { time: i18n.siteDateTime(user.disabled_at ?? 0) }) : t('userEnabled')}
        </span>
      </h2>
      <AccessFields id={id} access={access} onChange={setAccess} />
      <button type="submit" class="button button--primary" disabled={status.kind === 'busy'}>
        {t('userSave')}
      </button>{' '}
      <button
        type="button"
        class="button"
        data-action={user.disabled ? 'enable' : 'disable'}
        disabled={status.kind === 'busy'}
        onClick={() => void save(async () => onSaved(await patchUser(user.user, { disabled: !user.disabled })))}
      >
        {user.disabled ? t('userEnable') : t('userDisable')}
      </button>
      <TextField
        id={`${id}-password`}
        name="password"
        label={t('userNewPassword')}
        value={password}
        onInput={setPassword}
        password
      />
      <button
        type="button"
        class="button"
        data-action="password"
        disabled={status.kind === 'busy' || password.length === 0}
        onClick={() =>
          void save(async () => {
            onSaved(await patchUser(user.user, { password }));
            setPassword('');
          })
        }
      >
        {t('userSetPassword')}
      </button>
      <StatusLine status={status} saved={t('userSaved')} />
    </form>
  );
}

function NewUserForm({ onAdded }: { onAdded: (u: UserInfo) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Access>({ role: 'operator', all: false, sites: '' });
  const [password, setPassword] = useState('');
  const [status, save] = useSave('userFailed');
  const submit = (e: Event) => {
    e.preventDefault();
    void save(async () => {
      onAdded(await addUser({ user: name.trim(), ...accessBody(access), password }));
      setName('');
      setPassword('');
    });
  };
  return (
    <form class="card card--wide user-new" onSubmit={submit} noValidate>
      <h2 class="card__title">{t('userAdd')}</h2>
      <TextField id="new-user-name" name="user" label={t('userName')} value={name} onInput={setName} />
      <AccessFields id="new-user" access={access} onChange={setAccess} />
      <TextField
        id="new-user-password"
        name="password"
        label={t('userPassword')}
        value={password}
        onInput={setPassword}
        password
      />
      <button type="submit" class="button button--primary" disabled={status.kind === 'busy'}>
        {t('userAdd')}
      </button>
      <StatusLine status={status} saved={t('userSaved')} />
    </form>
  );
}

export function UsersPage() {
  const { t } = useI18n();
  const [list, setList] = useState<UserInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    fetchUsers().then(setList, setError);
  }, []);
  const replace = (u: UserInfo) =>
    setList((l) => {
      const rest = (l ?? []).filter((x) => x.user !== u.user);
      return [...rest, u].sort((a, b) => a.user.localeCompare(b.user));
    });
  return (
    <main class="main main--narrow" data-page="users">
      <div class="page-head">
        <h1 class="page-head__title">{t('usersTitle')}</h1>
      </div>
      {error !== null && (
        <p class="message message--error" role="alert">
          {t('usersError', { detail: errorText(error, t) })}
        </p>
      )}
      {list === null && error === null && <p class="message">{t('usersLoading')}</p>}
      <NewUserForm onAdded={replace} />
      {list?.map((u) => (
        <UserForm key={`${u.user}:${u.disabled}`} user={u} onSaved={replace} />
      ))}
    </main>
  );
}
