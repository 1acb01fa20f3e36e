import { describe, expect, it } from 'vitest';
import { fromWallInput, toWallInput } from './zone-wall.ts';

describe('wall time in the site zone', () => {
  it('reads a Bogotá wall time as UTC−5, whatever the browser zone', () => {
    expect(fromWallInput('2026-12-04T07:45', 'America/Bogota')).toBe(Date.UTC(2026, 11, 4, 12, 45));
    expect(toWallInput(Date.UTC(2026, 11, 4, 12, 45), 'America/Bogota')).toBe('2026-12-04T07:45');
  });

  it('follows daylight saving where the zone has it, and refuses what is not a time', () => {
    // Madrid: UTC+2 in July, UTC+1 in December.
    expect(fromWallInput('2026-07-01T12:00', 'Europe/Madrid')).toBe(Date.UTC(2026, 6, 1, 10, 0));
    expect(fromWallInput('2026-12-01T12:00', 'Europe/Madrid')).toBe(Date.UTC(2026, 11, 1, 11, 0));
    expect(fromWallInput('ayer', 'America/Bogota')).toBeNull();
    expect(fromWallInput('', 'America/Bogota')).toBeNull();
  });
});
