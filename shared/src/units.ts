/**
 * @module units
 * The quantities Vigía measures and the units each may be reported in. A data table:
 * adding a sensor kind means adding a row here. Labels are shown to people (es, en).
 */
export type QuantityInfo = { units: readonly string[]; es: string; en: string };

export const QUANTITIES = {
  mass_flow: { units: ['t/h', 'kg/h'], es: 'Flujo de mineral', en: 'Ore throughput' },
  volumetric_flow: { units: ['m3/h', 'L/s', 'L/min', 'm3/min'], es: 'Caudal', en: 'Flow' },
  volume: { units: ['m3', 'L'], es: 'Volumen', en: 'Volume' },
  ph: { units: ['pH'], es: 'pH', en: 'pH' },
  turbidity: { units: ['NTU'], es: 'Turbiedad', en: 'Turbidity' },
  total_suspended_solids: { units: ['mg/L'], es: 'Sólidos suspendidos', en: 'Suspended solids' },
  conductivity: { units: ['uS/cm'], es: 'Conductividad', en: 'Conductivity' },
  temperature: { units: ['degC'], es: 'Temperatura', en: 'Temperature' },
  temperature_difference: { units: ['degC'], es: 'Diferencia de temperatura', en: 'Temperature difference' },
  methane: { units: ['%vol', '%LEL'], es: 'Metano (CH4)', en: 'Methane (CH4)' },
  carbon_monoxide: { units: ['ppm'], es: 'Monóxido de carbono (CO)', en: 'Carbon monoxide (CO)' },
  carbon_dioxide: { units: ['ppm', '%vol'], es: 'Dióxido de carbono (CO2)', en: 'Carbon dioxide (CO2)' },
  oxygen: { units: ['%vol'], es: 'Oxígeno (O2)', en: 'Oxygen (O2)' },
  nitrogen_dioxide: { units: ['ppm'], es: 'Dióxido de nitrógeno (NO2)', en: 'Nitrogen dioxide (NO2)' },
  hydrogen_sulfide: { units: ['ppm'], es: 'Sulfuro de hidrógeno (H2S)', en: 'Hydrogen sulfide (H2S)' },
  air_velocity: { units: ['m/s'], es: 'Velocidad del aire', en: 'Air velocity' },
  air_flow: { units: ['m3/min', 'm3/s'], es: 'Caudal de aire', en: 'Air flow' },
  air_flow_per_person: { units: ['m3/min'], es: 'Aire por persona', en: 'Air per person' },
  pm10: { units: ['ug/m3'], es: 'PM10', en: 'PM10' },
  pm2_5: { units: ['ug/m3'], es: 'PM2.5', en: 'PM2.5' },
  sound_level: { units: ['dB', 'dB(A)'], es: 'Nivel sonoro', en: 'Sound level' },
  level: { units: ['m', 'cm', '%'], es: 'Nivel', en: 'Level' },
  pressure: { units: ['kPa', 'bar'], es: 'Presión', en: 'Pressure' },
  state: { units: ['on/off'], es: 'Estado', en: 'State' },
  process_attestation: { units: ['kg'], es: 'Declaración de proceso', en: 'Process attestation' },
} as const satisfies Record<string, QuantityInfo>;

export type Quantity = keyof typeof QUANTITIES;
export const QUANTITY_NAMES = Object.keys(QUANTITIES) as Quantity[];

/** Whether `unit` is one a `quantity` may be reported in. */
export function isUnitOf(quantity: string, unit: string): boolean {
  const info = (QUANTITIES as Record<string, QuantityInfo>)[quantity];
  return info?.units.includes(unit) ?? false;
}
