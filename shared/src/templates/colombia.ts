/**
 * @module templates/colombia
 * DATA TABLE (docs/design.md C13 exception): Colombian permit templates, written by hand from
 * reference/permit-templates.json and reference/regulatory-limits.md (same research, with
 * sources and confidence marks). A number appears only where the reference gives it with a
 * source; every limit the reference marks unconfirmed (Res. 0631 Art. 10 gold column, all of
 * Decreto 1886) is `null` with the article and a note: the site enters it from its own permit.
 * templates.test.ts checks every number here against the reference file.
 */
import type { TemplateInput, TemplateSource } from './schema.ts';

const RES631_TRANSCRIPTION: TemplateSource = {
  title: 'GitHub franyer98/asistente-emisiones-fugitivas, data/normativa/resolucion_0631_2015.txt (transcription)',
  article: 'Art. 5',
  url: 'github:franyer98/asistente-emisiones-fugitivas@6af7423e137a905fa49ba36007ae3063732fc334:data/normativa/resolucion_0631_2015.txt',
};
const RES631_DIARIO: TemplateSource = {
  title: 'Resolución número 0631 de 2015, Diario Oficial 49.486 (vLex)',
  url: 'https://diario-oficial.vlex.com.co/vid/resolucion-numero-0631-2015-567960994',
};
const RES631_ART10: TemplateSource = {
  ...RES631_DIARIO,
  article: 'Art. 10, column "Extracción de oro y otros metales preciosos"',
};
const RES631_SCAN: TemplateSource = {
  title: 'Resolución Minambiente Nacional 631 de 2015 (Scribd scan)',
  url: 'https://ja.scribd.com/document/330463748/Resolucion-Minambiente-Nacional-631-de-2015',
};
const GOLD_NOTE =
  'Unconfirmed: the Res. 0631/2015 Art. 10 gold-mining value could not be read. Enter the limit from your discharge permit (permiso de vertimientos) or the official text of Art. 10.';

/** One Res. 0631 Art. 10 parameter with its number left to the site. */
const gold = (id: string, quantity: string, unit: string) => ({
  id,
  parameter: id,
  quantity,
  unit,
  kind: 'max' as const,
  value: null,
  averaging: null,
  severity: 'breach' as const,
  confidence: 'unconfirmed' as const,
  source: [RES631_ART10, RES631_SCAN],
  note: `${GOLD_NOTE} Averaging: the resolution's sampling rules were not read; choose the one your permit states.`,
});

const D1886: TemplateSource[] = [
  {
    title:
      'Decreto 1886 de 2015, Reglamento de Seguridad en las Labores Mineras Subterráneas (Función Pública, norma.php?i=65325)',
    article: 'ventilation and gas articles: article numbers unconfirmed',
  },
  {
    title: 'Seguridad en las Labores Mineras Subterráneas, Decreto 1886 (MinMinas booklet, Studenta)',
    url: 'https://es.studenta.com/content/143219558/seguridad-labores-mineras-subterraneas',
  },
  {
    title: 'Decreto 944 de 2022 (amends Decreto 1886)',
    url: 'https://dmsjuridica.com/buscador_20179478954/legislacion/decretos/2023/08/23/decreto-944-de-2022',
  },
];
const D1886_NOTE =
  'Unconfirmed: no Decreto 1886/2015 number could be checked and third-party claims conflict. Enter the value from the official text (and Decreto 944/2022) or your mine safety plan.';

/** One Decreto 1886 limit with its number (and, unless given, its averaging) left to the site. */
const d1886 = (
  id: string,
  parameter: string,
  quantity: string,
  unit: string,
  kind: 'max' | 'min',
  averaging: string | null = null,
) => ({
  id,
  parameter,
  quantity,
  unit,
  kind,
  value: null,
  averaging,
  severity: 'critical' as const,
  confidence: 'unconfirmed' as const,
  source: D1886,
  note: averaging
    ? D1886_NOTE
    : `${D1886_NOTE} Whether it is TWA or instantaneous is also unconfirmed: choose the averaging.`,
});

const RES2254: TemplateSource = {
  title: "GitHub 'Estadística Ambiental' config.py (NORMA_CO; says it was checked against the official text, ADR-020)",
  article: 'Art. 2, Table 1 and par. 1',
};
const RES627: TemplateSource = {
  title: 'Estándares máximos permisibles de emisión de ruido (Scribd summary of Res. 0627/2006)',
  article: 'Table 1',
  url: 'https://ru.scribd.com/document/267981765/Estandares-de-Ruido',
};
const MERCURY_BAN: TemplateSource[] = [
  {
    title: 'Catorce6: Hoy entra en vigencia prohibición del uso del mercurio en la minería',
    url: 'https://catorce6.com/actualidad-ambiental/15716-hoy-entra-en-vigencia-prohibicion-del-uso-del-mercurio-en-la-mineria-establecida-desde-2013',
  },
  {
    title: 'Semana: La ley de mercurio y el Convenio Minamata',
    url: 'https://www.semana.com/contenidos-editoriales/colombia-sin-mercurio/articulo/la-ley-de-mercurio-y-el-convenio-minamata-contra-el-metal/576599',
  },
];
const CONCESSION: TemplateSource = {
  title: 'Decreto 1541 de 1978, Cap. III Concesiones (compiled in Decreto 1076 de 2015)',
  article: 'Arts. 36-40',
  url: 'http://www.encolombia.com/medioambiente/hume-acuerdo154178-a.htm',
};
const CONCESSION_NOTE = 'Fixed by your concession (CAR resolution): enter the granted flow (caudal concedido).';

const noise = (id: string, value: number, note: string) => ({
  id,
  parameter: id.endsWith('night') ? 'noise_emission_night' : 'noise_emission_day',
  quantity: 'sound_level',
  unit: 'dB(A)',
  kind: 'max' as const,
  value,
  averaging: null,
  severity: 'breach' as const,
  confidence: 'secondary' as const,
  source: [RES627],
  note: `${note} Compared as LAeq per the resolution's protocol, not yet a Vigía averaging: choose one.`,
});

export const COLOMBIA_TEMPLATES: TemplateInput[] = [
  {
    id: 'co-res0631-2015-general-temperature',
    title: 'Res. 0631/2015, Art. 5: temperature limits for every point discharge (all activities)',
    jurisdiction: 'CO',
    appliesTo: 'point discharges to surface water or public sewer (not to soil or sea)',
    rules: [
      {
        id: 'discharge-temperature',
        parameter: 'discharge_temperature',
        quantity: 'temperature',
        unit: 'degC',
        kind: 'max',
        value: 40.0,
        averaging: 'instant',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES631_TRANSCRIPTION, RES631_DIARIO],
        note: 'Per sample at the discharge point; Res. 631 sampling rules not read.',
      },
      {
        id: 'receiving-water-temperature-rise',
        parameter: 'receiving_water_temperature_rise_within_100m',
        quantity: 'temperature_difference',
        unit: 'degC',
        kind: 'max',
        value: 5.0,
        averaging: 'instant',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES631_TRANSCRIPTION, RES631_DIARIO],
        note: 'Receiving water at most 100 m downstream vs upstream; does not apply to thermal power generation.',
      },
    ],
  },
  {
    id: 'co-res0631-2015-gold-mining',
    title: 'Res. 0631/2015, Art. 10: discharge limits for gold and precious-metal extraction (values from your permit)',
    jurisdiction: 'CO',
    appliesTo: 'point discharges of the processing plant',
    note: 'Do not use the generic placeholders (DBO5 150, DQO 400, …) or the hydrocarbons column (Art. 11) found online.',
    rules: [
      { ...gold('ph', 'ph', 'pH'), kind: 'range', value: undefined, values: { min: null, max: null } },
      gold('dqo', 'cod', 'mg/L'),
      gold('dbo5', 'bod5', 'mg/L'),
      gold('sst', 'tss', 'mg/L'),
      gold('ssed', 'settleable_solids', 'mL/L'),
      gold('grasas-aceites', 'oil_and_grease', 'mg/L'),
      gold('cianuro-total', 'total_cyanide', 'mg/L'),
      gold('mercurio', 'mercury', 'mg/L'),
      gold('arsenico', 'arsenic', 'mg/L'),
      gold('cadmio', 'cadmium', 'mg/L'),
      gold('plomo', 'lead', 'mg/L'),
      gold('cobre', 'copper', 'mg/L'),
      gold('cromo', 'chromium', 'mg/L'),
      gold('niquel', 'nickel', 'mg/L'),
      gold('zinc', 'zinc', 'mg/L'),
      gold('hierro', 'iron', 'mg/L'),
    ],
  },
  {
    id: 'co-ley1658-2013-mercury-free-process',
    title: 'Ley 1658/2013: no mercury in mining (in force since July 2018)',
    jurisdiction: 'CO',
    rules: [
      {
        id: 'mercury-used',
        parameter: 'mercury_used_in_process',
        quantity: 'process_attestation',
        unit: 'kg',
        kind: 'max',
        value: 0,
        averaging: 'daily_total',
        severity: 'critical',
        confidence: 'secondary',
        source: MERCURY_BAN,
        note: 'Attestation or inventory rule, not a sensor limit. Ban effective 15 Jul 2018 (one source says 16 Jul).',
      },
    ],
  },
  {
    id: 'co-res2254-2017-ambient-air',
    title: 'Res. 2254/2017: ambient air quality (site-boundary monitor; not for tunnels)',
    jurisdiction: 'CO',
    rules: [
      {
        id: 'pm10-24h',
        parameter: 'pm10',
        quantity: 'pm10',
        unit: 'ug/m3',
        kind: 'max',
        value: 75,
        averaging: 'daily_mean',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
      },
      {
        id: 'pm10-annual',
        parameter: 'pm10',
        quantity: 'pm10',
        unit: 'ug/m3',
        kind: 'max',
        value: 50,
        averaging: 'rolling:365d',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
        note: 'From 2030 the annual target is 30 (Art. 3, Table 2).',
      },
      {
        id: 'pm2_5-24h',
        parameter: 'pm2_5',
        quantity: 'pm2_5',
        unit: 'ug/m3',
        kind: 'max',
        value: 37,
        averaging: 'daily_mean',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
      },
      {
        id: 'pm2_5-annual',
        parameter: 'pm2_5',
        quantity: 'pm2_5',
        unit: 'ug/m3',
        kind: 'max',
        value: 25,
        averaging: 'rolling:365d',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
      },
      {
        id: 'so2-24h',
        parameter: 'so2',
        quantity: 'sulfur_dioxide',
        unit: 'ug/m3',
        kind: 'max',
        value: 50,
        averaging: 'daily_mean',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
      },
      {
        id: 'no2-annual',
        parameter: 'no2',
        quantity: 'nitrogen_dioxide',
        unit: 'ug/m3',
        kind: 'max',
        value: 60,
        averaging: 'rolling:365d',
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
        note: '2030 target: 40.',
      },
      {
        id: 'co-8h',
        parameter: 'co',
        quantity: 'carbon_monoxide',
        unit: 'mg/m3',
        kind: 'max',
        value: 5,
        averaging: null,
        severity: 'breach',
        confidence: 'secondary',
        source: [RES2254],
        note: '8 h average; the reference does not say whether moving or fixed: choose rolling:8h or twa:8h per your monitoring protocol.',
      },
    ],
  },
  {
    id: 'co-res0627-2006-noise-emission',
    title: 'Res. 0627/2006, Table 1: noise emission limits (measured 1.5 m from the property boundary)',
    jurisdiction: 'CO',
    note: 'Pick the rules of your sector. Sector D (rural/suburban), the likeliest for a mine, is unconfirmed.',
    rules: [
      noise('industrial-day', 75, 'Industrial zones, daytime 07:01-21:00.'),
      noise('industrial-night', 75, 'Industrial zones, night 21:01-07:00.'),
      noise('sector-a-day', 55, 'Sector A (tranquility and silence), daytime 07:01-21:00.'),
      noise('sector-a-night', 50, 'Sector A (tranquility and silence), night 21:01-07:00.'),
      {
        ...noise('sector-d-day', 0, ''),
        value: null,
        confidence: 'unconfirmed',
        note: 'Unconfirmed: sector D (rural/suburban) daytime value garbled in the source. Enter it from the official Res. 0627 Table 1 or your permit; choose the averaging (LAeq).',
      },
      {
        ...noise('sector-d-night', 0, ''),
        value: null,
        confidence: 'unconfirmed',
        note: 'Unconfirmed: sector D (rural/suburban) night value garbled in the source. Enter it from the official Res. 0627 Table 1 or your permit; choose the averaging (LAeq).',
      },
    ],
  },
  {
    id: 'co-res2400-1979-occupational-noise',
    title: 'Res. 2400/1979: maximum continuous noise in workplaces',
    jurisdiction: 'CO',
    rules: [
      {
        id: 'workplace-noise',
        parameter: 'workplace_continuous_noise',
        quantity: 'sound_level',
        unit: 'dB',
        kind: 'max',
        value: 85,
        averaging: null,
        severity: 'warning',
        confidence: 'secondary',
        source: [{ title: 'Proteger IPS: Ruido ocupacional', url: 'https://protegerips.com/?p=4649' }],
        note: "Measured where the worker's head is. Averaging not stated in the source: choose one.",
      },
    ],
  },
  {
    id: 'co-decreto1886-2015-underground-atmosphere',
    title: 'Decreto 1886/2015: underground mine atmosphere and ventilation (values from the official text)',
    jurisdiction: 'CO',
    note: 'Every number unconfirmed (research notes section 2.2). Comparison anchors with sources are in the US and ES templates.',
    rules: [
      d1886('o2-min', 'oxygen', 'oxygen', '%vol', 'min', 'instant'),
      d1886('o2-max', 'oxygen', 'oxygen', '%vol', 'max', 'instant'),
      d1886('ch4-alarm', 'methane', 'methane', '%vol', 'max', 'instant'),
      d1886('ch4-stop-work', 'methane', 'methane', '%vol', 'max', 'instant'),
      d1886('ch4-evacuation', 'methane', 'methane', '%vol', 'max', 'instant'),
      d1886('co', 'carbon_monoxide', 'carbon_monoxide', 'ppm', 'max'),
      d1886('co2', 'carbon_dioxide', 'carbon_dioxide', 'ppm', 'max'),
      d1886('no2', 'nitrogen_dioxide', 'nitrogen_dioxide', 'ppm', 'max'),
      d1886('h2s', 'hydrogen_sulfide', 'hydrogen_sulfide', 'ppm', 'max'),
      d1886('so2', 'sulfur_dioxide', 'sulfur_dioxide', 'ppm', 'max'),
      d1886('air-per-person', 'fresh_air_per_person', 'air_flow_per_person', 'm3/min', 'min'),
      d1886('air-velocity-min', 'air_velocity', 'air_velocity', 'm/s', 'min'),
      d1886('air-velocity-max', 'air_velocity', 'air_velocity', 'm/s', 'max'),
      d1886('temperature-max', 'temperature', 'temperature', 'degC', 'max'),
    ],
  },
  {
    id: 'co-concesion-de-aguas',
    title: 'Water concession (Decreto 1541/1978, compiled in Decreto 1076/2015): values from your CAR resolution',
    jurisdiction: 'CO',
    note: 'Concession required for mining and mineral processing (Art. 36); term at most 10 years (Art. 39). L/s is usual practice, not confirmed.',
    rules: [
      {
        id: 'abstraction-flow',
        parameter: 'abstraction_flow',
        quantity: 'volumetric_flow',
        unit: 'L/s',
        kind: 'max',
        value: null,
        averaging: 'instant',
        severity: 'breach',
        confidence: 'permit',
        source: [CONCESSION],
        note: CONCESSION_NOTE,
      },
      {
        id: 'abstraction-flow-1h',
        parameter: 'abstraction_flow',
        quantity: 'volumetric_flow',
        unit: 'L/s',
        kind: 'max',
        value: null,
        averaging: 'rolling:1h',
        severity: 'breach',
        confidence: 'permit',
        source: [CONCESSION],
        note: CONCESSION_NOTE,
      },
      {
        id: 'daily-volume',
        parameter: 'abstraction_flow',
        quantity: 'volume',
        unit: 'L',
        kind: 'max',
        value: null,
        averaging: 'daily_total',
        severity: 'breach',
        confidence: 'permit',
        source: [CONCESSION],
        note: 'Optional: the maximum daily volume if your resolution sets one, in litres (the daily total of a L/s flow; 1 m3 = 1000 L).',
      },
    ],
  },
];
