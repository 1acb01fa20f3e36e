/**
 * @module route — pure: the page a location hash names. Plain hash routing ("#/breaches"),
 * no router library: a handful of pages, and a reload or a shared link lands on the same one —
 * with what the page shows: the breaches page's filters (`#/breaches?month=…&state=open`) and
 * the permit rule a breach card points at (`#/permits/<permit>/<rule>`).
 */
import { isMonth } from './month.ts';

export type Route = 'live' | 'breaches' | 'report' | 'devices' | 'sites' | 'users' | 'permits' | 'notifications';

export const ROUTES: readonly Route[] = [
  'live',
  'breaches',
  'report',
  'devices',
  'sites',
  'users',
  'permits',
  'notifications',
];

/** The sections offered as tabs; the others (one's own settings) are reached from the header. */
export const TAB_ROUTES: readonly Route[] = ROUTES.filter((r) => r !== 'notifications');

/** Pages only some roles are offered (the server refuses the others anyway). */
const ROUTE_ROLES: Partial<Record<Route, readonly string[]>> = {
  sites: ['admin'],
  users: ['admin'],
  permits: ['officer', 'admin'],
};

/** Whether `role` is offered `route` (ROUTE_ROLES; every role for the others). */
export function offered(route: Route, role: string): boolean {
  return ROUTE_ROLES[route]?.includes(role) ?? true;
}

/** `#/breaches` → "breaches"; anything unknown (or empty) is the live page. */
export function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'live';
}

export function hrefOf(route: Route): string {
  return `#/${route}`;
}

/** The link to one rule on the permits page (its element's id is the same text without "#"). */
export function ruleAnchor(permit: string, rule: string): string {
  return `#/permits/${encodeURIComponent(permit)}/${encodeURIComponent(rule)}`;
}

/** The permit and rule `#/permits/<permit>/<rule>` names; null for plain `#/permits`. */
export function ruleTarget(hash: string): { permit: string; rule: string | null } | null {
  const [name, permit, rule] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  if (name !== 'permits' || !permit) return null;
  return { permit: decodeURIComponent(permit), rule: rule ? decodeURIComponent(rule) : null };
}

/** What the breaches page shows: the month and the filters. */
export type BreachView = {
  month: string | null;
  state: 'open' | 'closed' | 'withdrawn' | null;
  unacked: boolean;
  permit: string | null;
  sensor: string | null;
};

const STATES = ['open', 'closed', 'withdrawn'] as const;

/** Whether any filter narrows `view` (the month aside). */
export function isFiltered(view: BreachView): boolean {
  return view.state !== null || view.unacked || view.permit !== null || view.sensor !== null;
}

/** `view` with every filter cleared: every breach of its month. */
export function unfiltered(view: BreachView): BreachView {
  return { ...view, state: null, unacked: false, permit: null, sensor: null };
}

/** `#/breaches?month=2026-11&state=open&unacked=1&permit=p&sensor=s` → the view; unknown values dropped. */
export function breachViewOf(hash: string): BreachView {
  const query = new URLSearchParams(hash.split('?')[1] ?? '');
  const state = query.get('state');
  const month = query.get('month');
  return {
    month: month && isMonth(month) ? month : null,
    state: (STATES as readonly string[]).includes(state ?? '') ? (state as BreachView['state']) : null,
    unacked: query.get('unacked') === '1',
    permit: query.get('permit') || null,
    sensor: query.get('sensor') || null,
  };
}

/** The hash that reproduces `view` (only what is set, so a plain link stays `#/breaches`). */
export function breachViewHref(view: BreachView): string {
  const query = new URLSearchParams();
  if (view.month) query.set('month', view.month);
  if (view.state) query.set('state', view.state);
  if (view.unacked) query.set('unacked', '1');
  if (view.permit) query.set('permit', view.permit);
  if (view.sensor) query.set('sensor', view.sensor);
  const text = query.toString();
  return text ? `#/breaches?${text}` : '#/breaches';
}
