/**
 * @module api — the dashboard's only door to the server over fetch (docs/api.md).
 * Every JSON answer is parsed with its shared wire schema (shared/src/wire): one that does not
 * fit is an `ApiError` with code `bad_answer` saying where (error-text.ts puts it in words),
 * never a crash further on. A 401 on any session route calls the handler set with
 * `onUnauthorized` so the app shows the login form. Never retries on its own: callers
 * decide, because a retry loop on poor signal drains a cheap tablet's battery.
 */
import {
  BreachesAnswer,
  BreachWithNotes,
  type DeviceHealthView,
  type DeviceSensorHealth,
  DevicesAnswer,
  ErrorBody,
  NotificationSettingsAnswer,
  type NotificationSettingsInput,
  type Permit,
  PermitHistoryAnswer,
  PermitsAnswer,
  type PermitVersionView,
  PreviewAnswer,
  parseWire,
  type RuleStatusView,
  RulesStatusAnswer,
  SensorsAnswer,
  type SensorView,
  SeriesResponse,
  SessionUser,
  SiteAnswer,
  SitesAnswer,
  SiteTilesAnswer,
  type SiteView,
  type Template,
  TemplatesAnswer,
  type TileLayout,
  UnacknowledgedAnswer,
  UsersAnswer,
  UserView,
  type PreviewBreach as WirePreviewBreach,
  type WireSchema,
} from '@vigia/shared';
import { type BreachRow, type PermitInfo, toBreachRow } from './compliance.ts';

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

// The answers by the names the pages use: each is its shared wire type, or derived from it
// where the dashboard holds it otherwise; never a second copy of a shape.

/** Who is signed in (`POST /api/v1/login`, `GET /api/v1/me`). */
export type Me = SessionUser;
/**
 * One row of `GET /api/v1/sensors`, with quantity and unit `''` while the edge has not declared
 * them (the wire says null): the tiles and charts then show the bare value.
 */
export type SensorInfo = Omit<SensorView, 'quantity' | 'unit'> & { quantity: string; unit: string };
/** One row of `GET /api/v1/sites`: the site's name (null until set) and IANA time zone. */
export type SiteInfo = SiteView;
/** A user as `GET /api/v1/users` lists it (admin only). */
export type UserInfo = UserView;
/** One row of `GET /api/v1/rules/status`. */
export type RuleStatus = RuleStatusView;
/** A breach `POST /api/v1/permits/preview` would find (never stored: `id` null). */
export type PreviewBreach = WirePreviewBreach;
/** A device as the Devices page holds it: the `GET /api/v1/devices` row with its sensors as a list. */
export type DeviceHealth = Omit<DeviceHealthView, 'sensors'> & { sensors: DeviceSensorHealth[] };

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
    // The server's error body (shared `ErrorBody`); anything else (a proxy's page) keeps the status.
    const error = ErrorBody.safeParse(body).data?.error;
    if (res.status === 401 && handle401) unauthorized();
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText);
  }
  return body;
}

/**
 * `body`, the answer of `path`, parsed with its wire schema; an answer that does not fit (a
 * server of another version, a proxy's page) is an ApiError `bad_answer` naming what.
 */
export function parseAnswer<T>(schema: WireSchema<T>, body: unknown, path: string): T {
  const parsed = parseWire(schema, body);
  if (parsed.ok) return parsed.value;
  throw new ApiError(200, 'bad_answer', `${path.split('?')[0]}: ${parsed.problem}`);
}

async function answer<T>(schema: WireSchema<T>, path: string, init?: RequestInit, handle401?: boolean): Promise<T> {
  return parseAnswer(schema, await request(path, init, handle401), path);
}

/** POST /api/v1/login. A 401 here means wrong credentials, not an expired session. */
export async function login(user: string, password: string): Promise<Me> {
  const init = { method: 'POST', body: JSON.stringify({ user, password }) };
  return answer(SessionUser, '/api/v1/login', init, false);
}

export async function logout(): Promise<void> {
  await request('/api/v1/logout', { method: 'POST' }, false);
}

/** GET /api/v1/me: who is signed in (401, and the login form, without a session). */
export async function me(): Promise<Me> {
  return answer(SessionUser, '/api/v1/me');
}

let sensorsInFlight: Promise<SensorInfo[]> | null = null;

/**
 * GET /api/v1/sensors. Callers that ask while a request is out share it (the alarm bar and the
 * live page both ask on first show): one request, not one each. Each caller gets its own array.
 */
export async function sensors(): Promise<SensorInfo[]> {
  sensorsInFlight ??= answer(SensorsAnswer, '/api/v1/sensors')
    .then((body) => body.sensors.map((s) => ({ ...s, quantity: s.quantity ?? '', unit: s.unit ?? '' })))
    .finally(() => {
      sensorsInFlight = null;
    });
  return [...(await sensorsInFlight)];
}

/** `GET/PUT /api/v1/me/notifications`: the user's e-mail settings and how their e-mails fare. */
export type NotificationSettings = NotificationSettingsAnswer;

export async function notificationSettings(): Promise<NotificationSettings> {
  return answer(NotificationSettingsAnswer, '/api/v1/me/notifications');
}

export async function putNotificationSettings(body: NotificationSettingsInput): Promise<NotificationSettings> {
  return answer(NotificationSettingsAnswer, '/api/v1/me/notifications', { method: 'PUT', body: JSON.stringify(body) });
}

/** GET /api/v1/sites: the user's sites, by id. */
export async function sites(): Promise<SiteInfo[]> {
  return (await answer(SitesAnswer, '/api/v1/sites')).sites;
}

/** PUT /api/v1/sites/:id (admin): name and zone; answers the stored site. */
export async function putSite(id: string, name: string, timeZone: string): Promise<SiteInfo> {
  const init = { method: 'PUT', body: JSON.stringify({ name, time_zone: timeZone }) };
  return (await answer(SiteAnswer, `/api/v1/sites/${encodeURIComponent(id)}`, init)).site;
}

/** PUT /api/v1/sites/:id/tiles (admin): the site's tile areas and order; `null` groups by quantity. */
export async function putTileLayout(id: string, layout: TileLayout | null): Promise<SiteInfo> {
  const init = { method: 'PUT', body: JSON.stringify({ tile_layout: layout }) };
  return (await answer(SiteTilesAnswer, `/api/v1/sites/${encodeURIComponent(id)}/tiles`, init)).site;
}

/** GET /api/v1/devices: each device's health (docs/api.md, "Device health"). */
export async function devices(): Promise<DeviceHealth[]> {
  const body = await answer(DevicesAnswer, '/api/v1/devices');
  return body.devices.map((d) => ({ ...d, sensors: d.sensors.list }));
}

/** GET /api/v1/series: at most `points` min/mean/max buckets; empty buckets left out. */
export async function series(sensor: string, from: number, to: number, points: number): Promise<SeriesResponse> {
  const query = new URLSearchParams({ sensor, from: String(from), to: String(to), points: String(points) });
  return answer(SeriesResponse, `/api/v1/series?${query}`);
}

/** GET /api/v1/permits: the current version of each permit. */
export async function permits(): Promise<PermitInfo[]> {
  return (await answer(PermitsAnswer, '/api/v1/permits')).permits;
}

/** GET /api/v1/rules/status: the state of every rule the user may see. */
export async function rulesStatus(): Promise<RuleStatus[]> {
  return (await answer(RulesStatusAnswer, '/api/v1/rules/status')).rules;
}

/** The server-side filters of GET /api/v1/breaches (docs/api.md). */
export type BreachFilter = {
  state?: 'open' | 'closed' | 'withdrawn';
  permit?: string;
  sensor?: string;
  unacked?: boolean;
};

/** GET /api/v1/breaches?from&to[&filters]: breaches overlapping `[from, to)`, newest first. */
export async function breaches(from: number, to: number, filter: BreachFilter = {}): Promise<BreachRow[]> {
  const query = new URLSearchParams({ from: String(from), to: String(to) });
  if (filter.state) query.set('state', filter.state);
  if (filter.permit) query.set('permit', filter.permit);
  if (filter.sensor) query.set('sensor', filter.sensor);
  if (filter.unacked) query.set('acknowledged', 'false');
  const body = await answer(BreachesAnswer, `/api/v1/breaches?${query}`);
  return body.breaches.map(toBreachRow).sort((a, b) => b.start - a.start);
}

/** POST /api/v1/breaches/:id/ack with a non-empty note; answers the acknowledged breach. */
export async function ackBreach(id: string, note: string): Promise<BreachRow> {
  const init = { method: 'POST', body: JSON.stringify({ note }) };
  return toBreachRow(await answer(BreachWithNotes, `/api/v1/breaches/${encodeURIComponent(id)}/ack`, init));
}

/** POST /api/v1/breaches/:id/notes: an operator's note (never an acknowledgement); answers the breach. */
export async function addBreachNote(id: string, note: string): Promise<BreachRow> {
  const init = { method: 'POST', body: JSON.stringify({ note }) };
  return toBreachRow(await answer(BreachWithNotes, `/api/v1/breaches/${encodeURIComponent(id)}/notes`, init));
}

/** The link to the monthly compliance report (a download, not a fetch: the browser opens it). */
export function reportUrl(from: number, to: number, format: 'csv' | 'html', lang: string): string {
  const query = new URLSearchParams({ from: String(from), to: String(to), format, lang });
  return `/api/v1/reports/compliance?${query}`;
}

export async function users(): Promise<UserInfo[]> {
  return (await answer(UsersAnswer, '/api/v1/users')).users;
}

export async function addUser(body: {
  user: string;
  role: string;
  sites: string[];
  all_sites: boolean;
  password: string;
}): Promise<UserInfo> {
  return answer(UserView, '/api/v1/users', { method: 'POST', body: JSON.stringify(body) });
}

/** PATCH /api/v1/users/:user: disabling or a new password signs the user out everywhere at once. */
export async function patchUser(
  name: string,
  patch: { role?: string; sites?: string[]; all_sites?: boolean; disabled?: boolean; password?: string },
): Promise<UserInfo> {
  const init = { method: 'PATCH', body: JSON.stringify(patch) };
  return answer(UserView, `/api/v1/users/${encodeURIComponent(name)}`, init);
}

/** GET /api/v1/templates (officer, admin): the permit templates with every rule's sources. */
export async function templates(): Promise<Template[]> {
  return (await answer(TemplatesAnswer, '/api/v1/templates')).templates;
}

/** POST /api/v1/permits/preview: what `permit` would have found over [from, to); stores nothing. */
export async function previewPermit(permit: Permit, from: number, to: number): Promise<PreviewAnswer> {
  const init = { method: 'POST', body: JSON.stringify({ permit, from, to }) };
  return answer(PreviewAnswer, '/api/v1/permits/preview', init);
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

/** GET /api/v1/breaches/unacknowledged: how many breaches in force nobody has acknowledged. */
export async function unacknowledgedCount(): Promise<number> {
  return (await answer(UnacknowledgedAnswer, '/api/v1/breaches/unacknowledged')).count;
}

/** One stored version of a permit, as GET /api/v1/permits/:id/history lists it (newest first). */
export type PermitVersionInfo = PermitVersionView;

/** GET /api/v1/permits/:id/history (officer, admin): every version, who saved it, what it changed. */
export async function permitHistory(id: string): Promise<PermitVersionInfo[]> {
  return (await answer(PermitHistoryAnswer, `/api/v1/permits/${encodeURIComponent(id)}/history`)).versions;
}
