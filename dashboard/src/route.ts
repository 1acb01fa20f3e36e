/**
 * @module route — pure: the page a location hash names. Plain hash routing ("#/breaches"),
 * no router library: five pages, and a reload or a shared link lands on the same one.
 */
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
