import { describe, expect, it } from 'vitest';
import { breachViewHref, breachViewOf, hrefOf, offered, routeOf, ruleAnchor, ruleTarget, TAB_ROUTES } from './route.ts';

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

  it('names the permit rule a breach card links to', () => {
    expect(ruleAnchor('vertimiento-oro', 'ph')).toBe('#/permits/vertimiento-oro/ph');
    expect(routeOf(ruleAnchor('vertimiento-oro', 'ph'))).toBe('permits');
    expect(ruleTarget('#/permits/vertimiento-oro/ph')).toEqual({ permit: 'vertimiento-oro', rule: 'ph' });
    expect(ruleTarget('#/permits/vertimiento-oro')).toEqual({ permit: 'vertimiento-oro', rule: null });
    expect(ruleTarget('#/permits')).toBeNull();
    expect(ruleTarget('#/breaches/x/y')).toBeNull();
  });

  it('keeps the breaches view in the hash, and reads back what it wrote', () => {
    const view = { month: '2026-11', state: 'open' as const, unacked: true, permit: 'p', sensor: 'plant.ph' };
    const href = breachViewHref(view);
    expect(href).toBe('#/breaches?month=2026-11&state=open&unacked=1&permit=p&sensor=plant.ph');
    expect(routeOf(href)).toBe('breaches');
    expect(breachViewOf(href)).toEqual(view);
    const none = { month: null, state: null, unacked: false, permit: null, sensor: null };
    expect(breachViewHref(none)).toBe('#/breaches');
    expect(breachViewOf('#/breaches?state=maybe&month=2026-13&unacked=yes')).toEqual(none);
  });
});
