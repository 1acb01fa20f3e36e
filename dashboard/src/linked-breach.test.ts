import { describe, expect, it } from 'vitest';
import { linkedBreach } from './linked-breach.ts';

describe('linkedBreach', () => {
  it('reads the breach id of an e-mail link, and nothing else', () => {
    expect(linkedBreach('#/breaches?breach=42')).toBe('42');
    expect(linkedBreach('#/breaches?month=2026-11&breach=7')).toBe('7');
    expect(linkedBreach('#/breaches')).toBeNull();
    expect(linkedBreach('#/breaches?breach=42"]')).toBeNull();
    expect(linkedBreach('')).toBeNull();
  });
});
