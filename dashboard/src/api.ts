/**
 * @module api — the dashboard's only door to the server over fetch (docs/api.md).
 * Typed with the shared schemas; a 401 on any session route calls the handler set with
 * `onUnauthorized` so the app shows the login form. Never retries on its own: callers
 * decide, because a retry loop on poor signal drains a cheap tablet's battery.
 */
import {
  type NotificationSettingsInput,
  type Permit,
  type Quality,
  type Quantity,
  SeriesResponse,
  type Template,
} from '@vigia/shared';
import { type BreachRow, type PermitInfo, type RuleStatus, toBreachRow, toRuleStatus } from './compliance.ts';
import { type DeviceHealth, toDeviceHealth } from './device-health.ts';

/** `{ error: { code, message, path? } }` from the server, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Me = { user: string; role: string; sites: string[]; all_sites: boolean };

/** One row of `GET /api/v1/sensors`. */
export type SensorInfo = {
  id: string;
  device: string;
  site: string;
  name?: string | null;
  quantity: Quantity | string;
  unit: string;
  /** Typical interval between readings (learnt by the server); null or absent while unknown. */
  interval_ms?: number | null;
  last: { ts: number; value: number; q: Quality } | null;
};

let unauthorized: () => void = () => {};
let clockOffsetMs = 0;

/** Called whenever the session is missing or expired. */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

/**
 * Now on the server's clock, estimated from the `Date` header of the last answer (1 s
 * resolution). Staleness and the chart window use it, so a tablet with a wrong clock still
 * shows live sensors as live.
 */
export function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

function noteServerClock(res: Response): void {
  const date = res.headers.get('date');
  const serverMs = date ? Date.parse(date) : Number.NaN;
  // Date has whole seconds: ignore differences below 2 s rather than chase rounding.
  if (Number.isFinite(serverMs)) {
    const offset = serverMs - Date.now();
    clockOffsetMs = Math.abs(offset) < 2000 ? 0 : offset;
  }
}

async function request(path: string, init: RequestInit = {}, handle401 = true): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  noteServerClock(res);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && handle401) unauthorized();
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText);
  }
  return body;
}

/** POST /api/v1/login. A 401 here means wrong credentials, not an expired session. */
export async function login(user: string, password: string): Promise<Me> {
  return (await request('/api/v1/login', { method: 'POST', body: JSON.stringify({ user, password }) }, false)) as Me;
}

export async function logout(): Promise<void> {
  await request('/api/v1/logout', { method: 'POST' }, false);
}

/** GET /api/v1/me: who is signed in (401, and the login form, without a session). */
export async function me(): Promise<Me> {
  return (await request('/api/v1/me')) as Me;
}

export async function sensors(): Promise<SensorInfo[]> {
  const body = (await request('/api/v1/sensors')) as { sensors: SensorInfo[] };
  return body.sensors;
}

/** `GET/PUT /api/v1/me/notifications`: the user's e-mail settings and how their e-mails fare. */
export type NotificationSettings = NotificationSettingsInput & {
  updated_at: number | null;
  email_enabled: boolean;
  delivery: { pending: number; gave_up: number; last_error: string | null };
};

export async function notificationSettings(): Promise<NotificationSettings> {
  return (await request('/api/v1/me/notifications')) as NotificationSettings;
}

export async function putNotificationSettings(body: NotificationSettingsInput): Promise<NotificationSettings> {
  return (await request('/api/v1/me/notifications', {
    method: 'PUT',
    body: JSON.stringify(body),
  })) as NotificationSettings;
}

/** One row of `GET /api/v1/sites`: the site's name (null until set) and IANA time zone. */
export type SiteInfo = { id: string; name: string | null; time_zone: string };

/** GET /api/v1/sites: the user's sites, by id. */
export async function sites(): Promise<SiteInfo[]> {
  const body = (await request('/api/v1/sites')) as { sites?: SiteInfo[] };
  return (body?.sites ?? []).filter((s) => typeof s?.id === 'string' && typeof s.time_zone === 'string');
}

/** PUT /api/v1/sites/:id (admin): name and zone; answers the stored site. */
export async function putSite(id: string, name: string, timeZone: string): Promise<SiteInfo> {
  const body = (await request(`/api/v1/sites/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: JSON.stringify({ name, time_zone: timeZone }),
  })) as { site: SiteInfo };
  return body.site;
}

/** GET /api/v1/devices: each device's health (docs/api.md, "Device health"). */
export async function devices(): Promise<DeviceHealth[]> {
  const body = (await request('/api/v1/devices')) as { devices?: unknown[] };
  return (body?.devices ?? []).map(toDeviceHealth).filter((d): d is DeviceHealth => d !== null);
}

/** GET /api/v1/series: at most `points` min/mean/max buckets; empty buckets left out. */
export async function series(sensor: string, from: number, to: number, points: number): Promise<SeriesResponse> {
  const query = new URLSearchParams({ sensor, from: String(from), to: String(to), points: String(points) });
  return SeriesResponse.parse(await request(`/api/v1/series?${query}`));
}

/** GET /api/v1/permits: the current version of each permit. */
export async function permits(): Promise<PermitInfo[]> {
  const body = (await request('/api/v1/permits')) as { permits?: PermitInfo[] };
  return Array.isArray(body?.permits) ? body.permits.filter((p) => p && Array.isArray(p.rules)) : [];
}

/** GET /api/v1/rules/status: the state of every rule the user may see. */
export async function rulesStatus(): Promise<RuleStatus[]> {
  const body = (await request('/api/v1/rules/status')) as { rules?: unknown[] };
  return (body?.rules ?? []).map((r) => toRuleStatus(r)).filter((r): r is RuleStatus => r !== null);
}

/** GET /api/v1/breaches?from&to: breaches overlapping `[from, to)`, newest first. */
export async function breaches(from: number, to: number): Promise<BreachRow[]> {
  const query = new URLSearchParams({ from: String(from), to: String(to) });
  const body = (await request(`/api/v1/breaches?${query}`)) as { breaches?: unknown[] };
  const now = serverNow();
  return (body?.breaches ?? [])
    .map((b) => toBreachRow(b, now))
    .filter((b): b is BreachRow => b !== null)
    .sort((a, b) => b.start - a.start);
}

/** POST /api/v1/breaches/:id/ack with a non-empty note; answers the acknowledged breach. */
export async function ackBreach(id: string, note: string): Promise<BreachRow | null> {
  const body = await request(`/api/v1/breaches/${encodeURIComponent(id)}/ack`, {
    method: 'POST',
    body: JSON.stringify({ note }),
  });
  const raw = (body as { breach?: unknown } | null)?.breach ?? body;
  return toBreachRow(raw, serverNow());
}

/** POST /api/v1/breaches/:id/notes: an operator's note (never an acknowledgement); answers the breach. */
export async function addBreachNote(id: string, note: string): Promise<BreachRow | null> {
  const body = await request(`/api/v1/breaches/${encodeURIComponent(id)}/notes`, {
    method: 'POST',
    body: JSON.stringify({ note }),
  });
  return toBreachRow(body, serverNow());
}

/** The link to the monthly compliance report (a download, not a fetch: the browser opens it). */
export function reportUrl(from: number, to: number, format: 'csv' | 'html', lang: string): string {
  const query = new URLSearchParams({ from: String(from), to: String(to), format, lang });
  return `/api/v1/reports/compliance?${query}`;
}

/** A user as GET /api/v1/users lists it (admin only). */
export type UserInfo = {
  user: string;
  role: string;
  sites: string[];
  all_sites: boolean;
  disabled: boolean;
  disabled_at: number | null;
};

export async function users(): Promise<UserInfo[]> {
  return ((await request('/api/v1/users')) as { users: UserInfo[] }).users;
}

export async function addUser(body: {
  user: string;
  role: string;
  sites: string[];
  all_sites: boolean;
  password: string;
}): Promise<UserInfo> {
  return (await request('/api/v1/users', { method: 'POST', body: JSON.stringify(body) })) as UserInfo;
}

/** PATCH /api/v1/users/:user: disabling or a new password signs the user out everywhere at once. */
export async function patchUser(
  name: string,
  patch: { role?: string; sites?: string[]; all_sites?: boolean; disabled?: boolean; password?: string },
): Promise<UserInfo> {
  return (await request(`/api/v1/users/${encodeURIComponent(name)}`, {
    method: 'PATCH',
    body: JSON.stringify(patch),
  })) as UserInfo;
}

/** GET /api/v1/templates (officer, admin): the permit templates with every rule's sources. */
export async function templates(): Promise<Template[]> {
  return ((await request('/api/v1/templates')) as { templates: Template[] }).templates;
}

/** A previewed breach: the GET /api/v1/breaches shape, never stored (`id` null). */
export type PreviewBreach = {
  rule: string;
  sensor: string;
  start: number;
  end: number | null;
  peak: number;
  limit: number;
  unit: string | null;
};

/** POST /api/v1/permits/preview: what `permit` would have found over [from, to); stores nothing. */
export async function previewPermit(
  permit: Permit,
  from: number,
  to: number,
): Promise<{ breaches: PreviewBreach[]; truncated: boolean }> {
  return (await request('/api/v1/permits/preview', { method: 'POST', body: JSON.stringify({ permit, from, to }) })) as {
    breaches: PreviewBreach[];
    truncated: boolean;
  };
}

/** PUT /api/v1/permits with one permit: a new version when it changed. */
export async function putPermit(permit: Permit): Promise<void> {
  await request('/api/v1/permits', { method: 'PUT', body: JSON.stringify({ permits: [permit] }) });
}

/** The link to a sensor's raw readings as CSV (a download): `;` and decimal comma for `es`. */
export function readingsUrl(sensor: string, from: number, to: number, locale: string): string {
  const query = new URLSearchParams({ sensor, from: String(from), to: String(to), format: 'csv', locale });
  return `/api/v1/readings?${query}`;
}
