import { describe, expect, it } from 'vitest';
import { hrefOf, offered, routeOf, TAB_ROUTES } from './route.ts';

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

  it('offers the notification settings to every role from the header, not as a tab', () => {
    // The e-mail's link lands on the breaches page whatever its query says.
    expect(routeOf('#/breaches?breach=42')).toBe('breaches');
    expect(routeOf('#/notifications')).toBe('notifications');
    for (const role of ['operator', 'officer', 'admin']) expect(offered('notifications', role)).toBe(true);
    expect(TAB_ROUTES).not.toContain('notifications');
  });
});
