import { describe, expect, it } from 'vitest';
import { translate } from './i18n.ts';
import { tileLook } from './tile-look.ts';

describe('tileLook', () => {
  it('is plain ok without rules, or with every rule ok', () => {
    expect(tileLook('ok', null)).toEqual({ kind: 'ok', headline: null, statusKey: null, icon: null });
    expect(tileLook('ok', { state: 'ok', severity: 'breach' }).kind).toBe('ok');
  });

  it('tells a permit breach from a safety alarm, each with its own words and icon', () => {
    const breach = tileLook('ok', { state: 'breach', severity: 'breach' });
    expect(breach).toEqual({ kind: 'breach', headline: 'breachHeadline', statusKey: null, icon: 'breach' });
    expect(translate('es', breach.headline!)).toBe('Fuera de límite del permiso');
    for (const severity of ['alarm', 'critical']) {
      const alarm = tileLook('ok', { state: 'breach', severity });
      expect(alarm).toEqual({ kind: 'alarm', headline: 'alarmHeadline', statusKey: null, icon: 'alarm' });
      expect(translate('es', alarm.headline!)).toBe('ALARMA');
    }
    expect(tileLook('ok', { state: 'breach', severity: 'warning' }).kind).toBe('breach');
  });

  it('keeps a breach red even when the tile has gone quiet (the server knows it is open)', () => {
    expect(tileLook('stale', { state: 'breach', severity: 'alarm' }).kind).toBe('alarm');
    expect(tileLook('never', { state: 'breach', severity: 'breach' }).kind).toBe('breach');
  });

  it('says silence before pending or clearing, and the rule’s own no_data as "Sin datos"', () => {
    expect(tileLook('stale', { state: 'pending', severity: 'breach' }).kind).toBe('stale');
    expect(tileLook('never', null).kind).toBe('never');
    const noData = tileLook('ok', { state: 'no_data', severity: 'breach' });
    expect(noData).toMatchObject({ kind: 'no_data', statusKey: 'ruleNoData' });
    expect(translate('es', 'ruleNoData')).toBe('Sin datos');
  });

  it('says a rule waiting for its sensor unit in words, in Spanish and English', () => {
    expect(tileLook('ok', { state: 'waiting_unit', severity: 'breach' })).toMatchObject({
      kind: 'no_data',
      statusKey: 'ruleWaitingUnit',
    });
    expect(tileLook('stale', { state: 'waiting_unit', severity: 'breach' }).kind).toBe('stale');
    expect(translate('es', 'ruleWaitingUnit')).toMatch(/^Esperando la unidad del sensor/);
    expect(translate('en', 'ruleWaitingUnit')).toMatch(/^Waiting for the sensor's unit/);
  });

  it('says pending and clearing in words, pending with an icon', () => {
    expect(tileLook('ok', { state: 'pending', severity: 'breach' })).toEqual({
      kind: 'pending',
      headline: null,
      statusKey: 'rulePending',
      icon: 'pending',
    });
    expect(translate('es', 'rulePending', { duration: '5 min' })).toBe('Fuera de límite — esperando 5 min');
    expect(tileLook('ok', { state: 'clearing', severity: 'breach' })).toMatchObject({
      kind: 'clearing',
      statusKey: 'ruleClearing',
    });
  });
});
