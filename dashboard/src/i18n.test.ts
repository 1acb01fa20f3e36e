import { QUANTITIES } from '@vigia/shared';
import { describe, expect, it } from 'vitest';
import { makeI18n, quantityLabel, translate } from './i18n.ts';

describe('i18n', () => {
  it('says the connection and silence states in Spanish by default words', () => {
    expect(translate('es', 'liveOpen')).toBe('En vivo');
    expect(translate('es', 'liveRetrying')).toBe('Sin conexión — reintentando');
    expect(translate('es', 'staleSince', { time: '14:05' })).toBe('Sin datos desde 14:05');
    expect(translate('en', 'staleSince', { time: '14:05' })).toBe('No data since 14:05');
  });

  it('takes quantity labels from the shared units table', () => {
    expect(quantityLabel('es', 'volumetric_flow')).toBe(QUANTITIES.volumetric_flow.es);
    expect(quantityLabel('en', 'volumetric_flow')).toBe('Flow');
    expect(quantityLabel('es', 'not_a_quantity')).toBe('not_a_quantity');
  });

  it('formats values for the language', () => {
    expect(makeI18n('es').value(7.25)).toBe('7,25');
    expect(makeI18n('en').value(7.25)).toBe('7.25');
  });
});
