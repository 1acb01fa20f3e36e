/**
 * @module site-zone — the time zone the dashboard shows times in: the zone of the signed-in
 * user's sites, from `GET /api/v1/sites` (America/Bogota until it is known, the server's default
 * for a new site). When the user's sites are in different zones, the first site's (by id) is
 * used and every time that matters names its zone, so none is ambiguous.
 */
import { DEFAULT_TIME_ZONE } from '@vigia/shared';

let zone = DEFAULT_TIME_ZONE;

export function siteZone(): string {
  return zone;
}

/** The zone to show for these sites (as `GET /api/v1/sites` lists them, by id). */
export function zoneOfSites(sites: readonly { id: string; time_zone: string }[]): string {
  return sites[0]?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Set by the signed-in shell once the sites are known; callers re-render after. */
export function setSiteZone(timeZone: string): void {
  zone = timeZone;
}
