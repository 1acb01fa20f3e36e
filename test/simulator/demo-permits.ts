/**
 * @module test/simulator/demo-permits
 * The permits `npm start` installs so a newcomer sees the point within two minutes: the
 * simulator's scripted episode takes discharge pH below 6 (~24–64 s) and, after a fan trip,
 * CH4 above 1 %vol and CO above 25 ppm (~64–113 s). The numbers are EXAMPLE values for the
 * demonstration, said so in each rule's source; a real site enters its own permit (the
 * templates in shared/src/templates carry the articles and ask for the site's values).
 */
import type { Rule } from '@vigia/shared';

export const DEMO_SITE = 'mobile-plant';

const example = 'Valor de ejemplo para la demostración (no es el permiso de un sitio)';

export const DEMO_PERMITS = [
  {
    id: 'demo-vertimiento',
    title: 'Permiso de vertimientos (demostración)',
    site: DEMO_SITE,
    rules: [
      {
        id: 'ph',
        sensor: 'plant.discharge_ph',
        kind: 'range',
        min: 6,
        max: 9,
        averaging: 'instant',
        pending: '10s',
        clear: '10s',
        severity: 'breach',
        source: `${example}; el rango 6,00–9,00 aparece en la Res. 0631 de 2015, Arts. 8 y 11`,
      },
    ] satisfies Rule[],
  },
  {
    id: 'demo-atmosfera',
    title: 'Atmósfera del túnel (demostración)',
    site: DEMO_SITE,
    rules: [
      {
        id: 'ch4',
        sensor: 'tunnel.ch4',
        kind: 'max',
        max: 1,
        averaging: 'instant',
        severity: 'alarm',
        source: `${example}; 1,0 % de CH4 como en 30 U.S.C. 863(i)(1)`,
      },
      {
        id: 'co',
        sensor: 'tunnel.co',
        kind: 'max',
        max: 25,
        averaging: 'instant',
        severity: 'alarm',
        source: `${example}; 25 ppm es el TLV-TWA de la ACGIH (aquí sin promediar)`,
      },
    ] satisfies Rule[],
  },
];

/** Local safety rules for the demo edge: the CH4 alarm works on the device with no network. */
export const DEMO_SAFETY_RULES = DEMO_PERMITS[1].rules.filter((r) => r.id === 'ch4');
