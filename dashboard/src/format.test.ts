import { describe, expect, it } from 'vitest';
import { formatClock, formatTick, formatUnit, formatValue, fractionDigitsFor, localeFor } from './format.ts';

describe('formatValue', () => {
  it('writes comma decimals in Spanish (es-CO) and point decimals in English', () => {
    expect(localeFor('es')).toBe('es-CO');
    expect(formatValue(7.25, 'es')).toBe('7,25');
    expect(formatValue(7.25, 'en')).toBe('7.25');
  });

  it('keeps a fixed number of decimals per magnitude so a live value does not jump', () => {
    expect(formatValue(7.1, 'es')).toBe('7,10');
    expect(formatValue(0.0456, 'es')).toBe('0,046');
    expect(formatValue(123.44, 'es')).toBe('123,4');
    expect(fractionDigitsFor(12_345)).toBe(0);
  });

  it('groups thousands the local way', () => {
    expect(formatValue(12_345.6, 'es')).toBe('12.346');
    expect(formatValue(12_345.6, 'en')).toBe('12,346');
  });

  it('never prints a negative zero', () => {
    expect(formatValue(-0, 'es')).toBe('0,00');
    expect(formatValue(-0.0001, 'en', 2)).toBe('-0.00');
  });
});

describe('formatTick', () => {
  it('uses as many decimals as the tick step needs', () => {
    expect(formatTick(7.5, 0.5, 'es')).toBe('7,5');
    expect(formatTick(7.25, 0.05, 'es')).toBe('7,25');
    expect(formatTick(100, 20, 'en')).toBe('100');
  });
});

describe('formatUnit', () => {
  it('writes wire units the way people read them and passes unknown ones through', () => {
    expect(formatUnit('m3/h')).toBe('m³/h');
    expect(formatUnit('degC')).toBe('°C');
    expect(formatUnit('pH')).toBe('pH');
  });
});

describe('formatClock', () => {
  const now = Date.UTC(2026, 10, 29, 19, 30); // 14:30 in Bogotá (UTC-5)
  it('shows a 24-hour time for today', () => {
    expect(formatClock(Date.UTC(2026, 10, 29, 19, 5), now, 'es', 'America/Bogota')).toBe('14:05');
    expect(formatClock(Date.UTC(2026, 10, 29, 19, 5), now, 'en', 'America/Bogota')).toBe('14:05');
  });

  it('puts the day first when the time is not today', () => {
    expect(formatClock(Date.UTC(2026, 10, 28, 19, 5), now, 'es', 'America/Bogota')).toBe('28/11 14:05');
  });
});
