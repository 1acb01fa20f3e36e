/**
 * @module templates/anchors
 * DATA TABLE (docs/design.md C13 exception): certification rules and comparison anchors (US, Spain),
 * written by hand from reference/permit-templates.json. Anchors are not Colombian
 * law: use them only where the site's own permit or safety plan adopts them. Every number has
 * its source and confidence from the reference; templates.test.ts checks them against it.
 */
import type { TemplateInput, TemplateSource } from './schema.ts';

const r = (
  id: string,
  parameter: string,
  unit: string,
  kind: 'max' | 'min',
  value: number,
  averaging: string,
  severity: 'warning' | 'breach' | 'critical',
  confidence: 'primary' | 'secondary',
  source: TemplateSource[],
  extra: { note?: string; action?: string; quantity?: string } = {},
) => ({
  id,
  parameter,
  quantity: extra.quantity ?? parameter,
  unit,
  kind,
  value,
  averaging,
  severity,
  confidence,
  source,
  note: extra.note,
  action: extra.action,
});

const FAIRMINED: TemplateSource[] = [
  {
    title: 'mining.com: Fairmined Ecological Gold available from Mongolia and Colombia',
    url: 'http://mining.com/web/fairmined-ecological-gold-available-from-mongolia-and-colombia',
  },
  {
    title: 'ARM: Fairmined Standard (v2.0, 5 Apr 2014)',
    url: 'https://www.responsiblemines.org/en/our-work/standards-and-certification/fairmined-standard/',
  },
];
const USC863: TemplateSource[] = [
  {
    title: '30 U.S.C. § 863(i), GitHub codexstanford/markdonw-chunck-of-the-usa-code',
    article: '§ 863(i)(1)-(3)',
    url: 'github:codexstanford/markdonw-chunck-of-the-usa-code:chuncks/title-30/chunck-535.md',
  },
];
const CFR57_22232: TemplateSource = { title: '30 CFR § 57.22232', url: 'http://www.msha.gov/30cfr/57.22232.htm' };
const CFR57_22235: TemplateSource = {
  title: '30 CFR § 57.22235',
  url: 'https://self-law.org/code/us/cfr/t30/s%C2%A7%2057.22235',
};
const CFR75_1324: TemplateSource = {
  title: '30 CFR § 75.1324 (LexBuild eCFR copy)',
  url: 'https://lexbuild.dev/ecfr/title-30/chapter-I/part-75/section-75.1324',
};
const OSHA_O2: TemplateSource[] = [
  {
    title: 'GitHub regulatory verification suite quoting 29 CFR 1910.146(b), 2014 edition',
    article: '29 CFR 1910.146(b)',
  },
  {
    title: 'OSHA standard interpretation 2007-04-02 (1910.134(d)(2)(iii))',
    url: 'https://www.osha.gov/pls/oshaweb/owadisp.show_document?p_id=25743&p_table=INTERPRETATIONS',
  },
];
const ILLINOIS: TemplateSource = {
  title: 'Illinois 225 ILCS 705/31.01',
  url: 'https://www.ilga.gov/legislation/ilcs/documents/022507050K31.01.htm',
};
const CALIFORNIA: TemplateSource = {
  title: 'California Title 8 §7098 Ventilation',
  article: '§7098(b)',
  url: 'https://www.dir.ca.gov/Title8/7098.html',
};
const ARIZONA: TemplateSource = { title: 'Arizona R11-1-407', url: 'http://azrules.elaws.us/rule/r11-1-407' };
const CFR57_22211: TemplateSource[] = [{ title: '30 CFR § 57.22211', url: 'http://www.msha.gov/30cfr/57.22211.htm' }];
const H2S: TemplateSource = {
  title: 'H2S exposure limits, Table 3 (PMC5777517)',
  url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC5777517/table/T3',
};
const NIOSH_CO: TemplateSource = {
  title: 'NIOSH criteria: occupational exposure to carbon monoxide (1972)',
  url: 'https://stacks.cdc.gov/view/cdc/19324',
};
const CO_LIMITS: TemplateSource = {
  title: 'Allowable (legal) limits for carbon monoxide',
  url: 'https://www.wallturner.com/webapp/p/83/legal-limits',
};
const CO2: TemplateSource = {
  title: 'Carbon dioxide (OSHA 1989 preamble text)',
  url: 'http://www.opensourcesafety.training/course/info.php?id=52',
};
const RGNBSM: TemplateSource[] = [
  {
    title: 'Reglamento General de Normas Básicas de Seguridad Minera (RD 863/1985), 4.7 Ventilación y desagüe',
    article: 'Arts. 68-69',
    url: 'https://papelea.com/es/leyes/reglamento-general-de-normas-basicas-de-seguridad-minera/reglamento-general-de-normas-basicas-de-seguridad-minera_capitulo-iv_47-ventilacion-y-desague',
  },
];

export const ANCHOR_TEMPLATES: TemplateInput[] = [
  {
    id: 'fairmined-ecological-gold-chemical-free',
    title: 'Fairmined Ecological Gold: no mercury and no cyanide in processing',
    jurisdiction: 'certification:Fairmined',
    rules: [
      r('mercury-used', 'mercury_used_in_process', 'kg', 'max', 0, 'daily_total', 'critical', 'secondary', FAIRMINED, {
        quantity: 'process_attestation',
      }),
      r('cyanide-used', 'cyanide_used_in_process', 'kg', 'max', 0, 'daily_total', 'critical', 'secondary', FAIRMINED, {
        quantity: 'process_attestation',
      }),
    ],
  },
  {
    id: 'us-mine-act-30usc863i-coal-return-methane',
    title: 'US Mine Act 30 U.S.C. 863(i): methane in air returning from a coal working section (comparison anchor)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      r('methane-1-0', 'methane_return_air', '%vol', 'max', 1.0, 'instant', 'warning', 'primary', USC863, {
        quantity: 'methane',
        action: 'change or adjust ventilation at once',
      }),
      r('methane-1-5', 'methane_return_air', '%vol', 'max', 1.5, 'instant', 'critical', 'primary', USC863, {
        quantity: 'methane',
        action: 'withdraw persons and cut electric power until below 1.0 %',
      }),
    ],
  },
  {
    id: 'us-30cfr57-subpartT-gassy-mnm-methane',
    title: 'US 30 CFR 57 Subpart T: methane actions in gassy metal/non-metal mines (comparison anchor)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      r('methane-0-5', 'methane_mine_atmosphere', '%vol', 'max', 0.5, 'instant', 'breach', 'primary', [CFR57_22232], {
        quantity: 'methane',
        action:
          'change ventilation; de-energise power except intrinsically safe monitors; shut off or remove diesel; stop other work (57.22232)',
      }),
      r('methane-1-0', 'methane_mine_atmosphere', '%vol', 'max', 1.0, 'instant', 'critical', 'primary', [CFR57_22235], {
        quantity: 'methane',
        action: 'withdraw everyone except competent persons until below 0.5 % (57.22235)',
      }),
    ],
  },
  {
    id: 'us-30cfr75-1324-blasting-methane',
    title: 'US 30 CFR 75.1324: no blasting at 1.0 % methane (coal; comparison anchor)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      r('methane-blast', 'methane_blast_area', '%vol', 'max', 1.0, 'instant', 'critical', 'primary', [CFR75_1324], {
        quantity: 'methane',
        action: 'no shot may be fired',
      }),
    ],
  },
  {
    id: 'us-osha-1910-146-oxygen',
    title:
      'US OSHA 29 CFR 1910.146(b): oxygen-deficient (<19.5 %) and oxygen-enriched (>23.5 %) atmospheres (comparison anchor)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      {
        id: 'oxygen',
        parameter: 'oxygen',
        quantity: 'oxygen',
        unit: '%vol',
        kind: 'range',
        values: { min: 19.5, max: 23.5 },
        averaging: 'instant',
        severity: 'critical',
        confidence: 'primary',
        source: OSHA_O2,
      },
    ],
  },
  {
    id: 'us-state-underground-air-quality',
    title: 'US state mining codes: underground air quality (comparison anchors)',
    jurisdiction: 'US-IL,US-CA,US-AZ',
    anchor: true,
    rules: [
      r('oxygen-min', 'oxygen', '%vol', 'min', 19.5, 'instant', 'critical', 'primary', [ILLINOIS, ARIZONA]),
      r('co2-max', 'carbon_dioxide', '%vol', 'max', 0.5, 'instant', 'breach', 'primary', [ILLINOIS], {
        note: 'Illinois 225 ILCS 705/31.01',
      }),
      r(
        'fresh-air-per-person',
        'fresh_air_per_person',
        'm3/min',
        'min',
        5.66,
        'instant',
        'breach',
        'primary',
        [CALIFORNIA],
        {
          quantity: 'air_flow_per_person',
          note: 'California T8 §7098(b): 200 cfm per person, converted (1 cfm = 0.02832 m3/min).',
        },
      ),
    ],
  },
  {
    id: 'us-30cfr57-22211-air-velocity-IA',
    title: 'US 30 CFR 57.22211: minimum air velocity in gassy I-A mines (comparison anchor)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      r(
        'velocity-crosscut',
        'air_velocity_last_open_crosscut',
        'm/s',
        'min',
        0.2,
        'instant',
        'breach',
        'primary',
        CFR57_22211,
        { quantity: 'air_velocity', note: '40 fpm (average), converted.' },
      ),
      r('velocity-face', 'air_velocity_at_face', 'm/s', 'min', 0.1, 'instant', 'breach', 'primary', CFR57_22211, {
        quantity: 'air_velocity',
        note: '20 fpm, converted.',
      }),
    ],
  },
  {
    id: 'acgih-osha-niosh-toxic-gases',
    title: 'Occupational exposure limits for mine gases: ACGIH / OSHA / NIOSH (comparison anchors)',
    jurisdiction: 'US',
    anchor: true,
    rules: [
      r('co-acgih-twa', 'carbon_monoxide', 'ppm', 'max', 25, 'twa:8h', 'breach', 'secondary', [CO_LIMITS], {
        note: 'ACGIH TLV-TWA',
      }),
      r('co-niosh-twa', 'carbon_monoxide', 'ppm', 'max', 35, 'twa:8h', 'breach', 'primary', [NIOSH_CO], {
        note: 'NIOSH REL (1972 criteria document)',
      }),
      r('co-niosh-ceiling', 'carbon_monoxide', 'ppm', 'max', 200, 'instant', 'critical', 'primary', [NIOSH_CO], {
        note: 'NIOSH ceiling',
      }),
      r('co-osha-pel', 'carbon_monoxide', 'ppm', 'max', 50, 'twa:8h', 'breach', 'secondary', [CO_LIMITS], {
        note: 'OSHA PEL',
      }),
      r('h2s-acgih-twa', 'hydrogen_sulfide', 'ppm', 'max', 1, 'twa:8h', 'breach', 'secondary', [H2S], {
        note: 'ACGIH TLV-TWA',
      }),
      r('h2s-acgih-stel', 'hydrogen_sulfide', 'ppm', 'max', 5, 'rolling:15m', 'breach', 'secondary', [H2S], {
        note: 'ACGIH TLV-STEL',
      }),
      r('h2s-osha-ceiling', 'hydrogen_sulfide', 'ppm', 'max', 20, 'instant', 'critical', 'secondary', [H2S], {
        note: 'OSHA PEL ceiling',
      }),
      r('h2s-niosh-idlh', 'hydrogen_sulfide', 'ppm', 'max', 100, 'instant', 'critical', 'secondary', [H2S], {
        note: 'NIOSH IDLH',
      }),
      r('co2-acgih-twa', 'carbon_dioxide', 'ppm', 'max', 5000, 'twa:8h', 'breach', 'secondary', [CO2], {
        note: 'ACGIH TLV-TWA',
      }),
      r('co2-acgih-stel', 'carbon_dioxide', 'ppm', 'max', 30000, 'rolling:15m', 'breach', 'secondary', [CO2], {
        note: 'ACGIH TLV-STEL',
      }),
    ],
  },
  {
    id: 'es-rgnbsm-underground-temperature-oxygen',
    title: 'Spain RGNBSM (RD 863/1985) Arts. 68-69: temperature and oxygen (comparison anchor)',
    jurisdiction: 'ES',
    anchor: true,
    rules: [
      r('equivalent-temperature', 'equivalent_temperature', 'degC', 'max', 33, 'instant', 'breach', 'primary', RGNBSM, {
        quantity: 'temperature',
        note: "'Temperatura equivalente' where people regularly work.",
      }),
      r('oxygen-min', 'oxygen', '%vol', 'min', 19.0, 'instant', 'critical', 'primary', RGNBSM),
    ],
  },
];
