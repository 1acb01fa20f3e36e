import { DevicesAnswer } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { type DeviceHealth, parseAnswer } from './api.ts';
import { GROWING_WARN_MS, growthWarning, liveWindowReadings, nextTrend } from './backlog-trend.ts';
import {
  applyLiveDevice,
  applyReadingTimes,
  backlogText,
  clockText,
  contactOf,
  droppedText,
  formatCount,
  formatEta,
  formatRange,
  lastSeenText,
  sensorsText,
} from './device-health.ts';

// 2026-11-28T19:05:00Z = 14:05 in Bogotá.
const NOW = Date.UTC(2026, 10, 28, 19, 5, 0);
const base: DeviceHealth = {
  id: 'plant-01',
  site: 'mobile-plant',
  last_seen: NOW - 35_000,
  backlog: 0,
  dropped: 0,
  clock_offset_ms: 120,
  dropped_from: null,
  dropped_to: null,
  backlog_rate: null,
  eta_s: null,
  status_at: NOW - 35_000,
  revoked_at: null,
  sensors: [],
};
const dev = (over: Partial<DeviceHealth>): DeviceHealth => ({ ...base, ...over });
const NBSP = '\u00a0';

describe('numbers and times', () => {
  it('groups counts with a space in both languages', () => {
    expect(formatCount(2340)).toBe(`2${NBSP}340`);
    expect(formatCount(1_234_567)).toBe(`1${NBSP}234${NBSP}567`);
    expect(formatCount(12)).toBe('12');
  });
  it('rounds an ETA up to coarse units', () => {
    expect(formatEta(42.2)).toBe('43 s');
    expect(formatEta(150)).toBe('3 min');
    expect(formatEta(4200)).toBe('1 h 10 min');
    expect(formatEta(7200)).toBe('2 h');
  });
  it('says a lost period in Bogotá time, one day or across midnight', () => {
    const from = Date.UTC(2026, 10, 28, 19, 5, 0);
    expect(formatRange(from, from + 120_000, 'es')).toBe('28/11/2026, de 14:05:00 a 14:07:00');
    expect(formatRange(from, from + 120_000, 'en')).toBe('11/28/2026, from 14:05:00 to 14:07:00');
    const late = Date.UTC(2026, 10, 29, 4, 50, 0); // 23:50 Bogotá
    expect(formatRange(late, late + 20 * 60_000, 'es')).toBe('del 28/11/2026 23:50:00 al 29/11/2026 00:10:00');
  });
});

describe('contact', () => {
  it('is stale after 2 minutes without a batch, never before the first, revoked above all', () => {
    expect(contactOf(dev({ last_seen: NOW - 120_000 }), NOW)).toBe('ok');
    expect(contactOf(dev({ last_seen: NOW - 120_001 }), NOW)).toBe('stale');
    expect(contactOf(dev({ last_seen: null }), NOW)).toBe('never');
    expect(contactOf(dev({ revoked_at: NOW - 1 }), NOW)).toBe('revoked');
  });
  it('says last seen relative and absolute', () => {
    expect(lastSeenText(dev({}), NOW, 'es')).toBe('hace 35 s (14:04:25)');
    expect(lastSeenText(dev({}), NOW, 'en')).toBe('35 s ago (14:04:25)');
    expect(lastSeenText(dev({ last_seen: NOW - 2 * 86_400_000 }), NOW, 'es')).toBe('hace 2 d (26/11/2026 14:05:00)');
    expect(lastSeenText(dev({ last_seen: null }), NOW, 'es')).toBe('Nunca');
  });
});

describe('backlog', () => {
  it('says the queue and when it drains: catching up is not a warning', () => {
    const d = dev({ backlog: 2340, backlog_rate: 13, eta_s: 180 });
    expect(backlogText(d, 'es')).toEqual({
      text: `2${NBSP}340 lecturas en cola — se vacía en ~3 min`,
      rate: 'Enviando 13 lecturas/s',
      tone: 'ok',
    });
    expect(backlogText(d, 'en').text).toBe(`2${NBSP}340 readings queued — drains in ~3 min`);
  });
  it('says plainly when it is not draining, empty, or unknown', () => {
    expect(backlogText(dev({ backlog: 500, backlog_rate: 0, eta_s: null }), 'es')).toMatchObject({
      text: '500 lecturas en cola — no se está vaciando',
      tone: 'warn',
    });
    expect(backlogText(dev({ backlog: 0 }), 'es').text).toBe('Sin lecturas en cola: todo enviado');
    expect(backlogText(dev({ backlog: null }), 'es').tone).toBe('unknown');
  });
});

describe('dropped readings', () => {
  it('says how many and which period was lost', () => {
    const from = Date.UTC(2026, 10, 28, 18, 0, 0); // 13:00 Bogotá
    const d = dev({ dropped: 1200, dropped_from: from, dropped_to: from + 20 * 60_000 });
    expect(droppedText(d, 'es')).toEqual({
      text: `1${NBSP}200 lecturas perdidas por falta de espacio en el equipo`,
      range: 'Se perdió el periodo 28/11/2026, de 13:00:00 a 13:20:00 (20 min)',
      tone: 'bad',
    });
    expect(droppedText(d, 'en').range).toBe('Lost the period 11/28/2026, from 13:00:00 to 13:20:00 (20 min)');
    expect(droppedText(dev({ dropped: 3 }), 'es').range).toBe('El equipo no informó qué periodo se perdió');
    expect(droppedText(dev({ dropped: 0 }), 'es')).toEqual({
      text: 'Ninguna lectura perdida',
      range: null,
      tone: 'ok',
    });
  });
});

describe('clock', () => {
  it('says "reloj corregido" beyond 2 s, and which way the device clock was off', () => {
    expect(clockText(dev({ clock_offset_ms: 1500 }), 'es')).toMatchObject({
      corrected: false,
      text: 'En hora (diferencia 1,5 s)',
    });
    expect(clockText(dev({ clock_offset_ms: 3200 }), 'es')).toMatchObject({
      corrected: true,
      headline: 'Reloj corregido',
      text: 'El reloj del equipo estaba 3,2 s atrasado; las lecturas llevan la hora corregida',
    });
    expect(clockText(dev({ clock_offset_ms: -125_000 }), 'en')).toMatchObject({
      corrected: true,
      text: 'The device clock was 2 min 05 s ahead; readings carry the corrected time',
    });
    expect(clockText(dev({ clock_offset_ms: 40 }), 'es').text).toBe('En hora (diferencia < 0,1 s)');
    expect(clockText(dev({ clock_offset_ms: null }), 'es').tone).toBe('unknown');
  });
});

describe('silent sensors', () => {
  const silence = { interval_ms: null, silent_after_ms: 300_000 };
  const sensors = [
    { id: 'plant.ph', name: 'pH descarga', last_ts: NOW - 10_000, ...silence, silent: false },
    { id: 'plant.flow', name: null, last_ts: NOW - 600_000, ...silence, silent: true },
    { id: 'plant.turb', name: 'Turbiedad', last_ts: null, ...silence, silent: true },
  ];
  it('lists the silent ones with since when', () => {
    const out = sensorsText(dev({ sensors }), NOW, 'es');
    expect(out.text).toBe('2 de 3 sin datos');
    expect(out.silent).toEqual([
      { id: 'plant.flow', label: 'plant.flow', since: 'desde 13:55:00' },
      { id: 'plant.turb', label: 'Turbiedad', since: 'nunca ha enviado' },
    ]);
    expect(sensorsText(dev({ sensors: sensors.slice(0, 1) }), NOW, 'en').text).toBe('The sensor is sending data');
  });
  it('a live reading makes a silent sensor speak again', () => {
    const d = applyReadingTimes(dev({ sensors }), (id) => (id === 'plant.flow' ? NOW - 1000 : undefined));
    expect(sensorsText(d, NOW, 'en').text).toBe('1 of 3 silent');
  });
});

describe('server rows and live events', () => {
  it('parses a row of GET /api/v1/devices with the wire schema, and refuses one with a field missing', () => {
    const list = [{ id: 'x', name: 'X', last_ts: 4, interval_ms: null, silent_after_ms: 300_000, silent: false }];
    const row = { ...base, id: 'p', site: 's', sensors: { total: 1, silent: 0, list } };
    expect(parseAnswer(DevicesAnswer, { devices: [row], now: NOW }, '/api/v1/devices').devices[0]).toEqual(row);
    const { eta_s: _, ...older } = row;
    expect(() => parseAnswer(DevicesAnswer, { devices: [older], now: NOW }, '/api/v1/devices')).toThrow(
      /devices\[0\]\.eta_s/,
    );
  });
  it('applies a newer device event as the server stores it, and ignores an older one', () => {
    const d = dev({ clock_offset_ms: 3000, dropped_from: 1, dropped_to: 2, backlog_rate: 9, eta_s: 9 });
    const next = applyLiveDevice(d, {
      device: 'plant-01',
      last_seen: NOW,
      status: { backlog: 10, dropped: 5, dropped_from: 100, dropped_to: 200 },
    });
    expect(next).toMatchObject({
      last_seen: NOW,
      status_at: NOW,
      backlog: 10,
      dropped: 5,
      clock_offset_ms: 3000,
      dropped_from: 100,
      dropped_to: 200,
      backlog_rate: null,
      eta_s: null,
    });
    expect(
      applyLiveDevice(d, { device: 'plant-01', last_seen: NOW - 60_000, status: { backlog: 1, dropped: 0 } }),
    ).toBe(d);
    expect(applyLiveDevice(d, { device: 'plant-01', last_seen: NOW })).toMatchObject({ last_seen: NOW, backlog: 0 });
  });
});

describe('backlog: a warning only when it keeps growing', () => {
  it('calls the live lane of a connected device normal, not a queue that is not draining', () => {
    // "10 lecturas en cola — no se está vaciando" in red was shown for a healthy device.
    expect(backlogText(dev({ backlog: 10, backlog_rate: 0, eta_s: null }), 'es')).toEqual({
      text: '10 lecturas en envío (normal en vivo)',
      rate: null,
      tone: 'ok',
    });
  });
  it('warns when it grew for longer than the threshold, saying by how much', () => {
    let trend = nextTrend(undefined, 500, NOW);
    trend = nextTrend(trend, 800, NOW + 60_000);
    expect(backlogText(dev({ backlog: 800, backlog_rate: 0, eta_s: null }), 'es', trend).tone).toBe('warn');
    trend = nextTrend(trend, 1400, NOW + GROWING_WARN_MS);
    expect(backlogText(dev({ backlog: 1400, backlog_rate: 0, eta_s: null }), 'es', trend)).toEqual({
      text: `1${NBSP}400 lecturas en cola — creció 900 en 2 min`,
      rate: null,
      tone: 'bad',
    });
    // Any drop restarts the run: draining again is no longer a warning.
    trend = nextTrend(trend, 1300, NOW + GROWING_WARN_MS + 1000);
    expect(growthWarning(trend)).toBeNull();
  });
  it('sizes the live window from the sensors: 2 s of readings each, at least 10', () => {
    expect(liveWindowReadings([])).toBe(10);
    expect(liveWindowReadings([100, 100, 1000, null])).toBe(43);
  });
});
