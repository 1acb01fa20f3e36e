import { describe, expect, it } from 'vitest';
import { hrefOf, routeOf } from './route.ts';

describe('hash routes', () => {
  it('names the page from the hash, the live page by default', () => {
    expect(routeOf('')).toBe('live');
    expect(routeOf('#/')).toBe('live');
    expect(routeOf('#/breaches')).toBe('breaches');
    expect(routeOf('#breaches')).toBe('breaches');
    expect(routeOf('#/report?month=2026-11')).toBe('report');
    expect(routeOf('#/nothing')).toBe('live');
    expect(routeOf('#/devices')).toBe('devices');
    expect(hrefOf('report')).toBe('#/report');
    expect(hrefOf('devices')).toBe('#/devices');
  });
});
