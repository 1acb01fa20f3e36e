import { describe, expect, it } from 'vitest';
import { derivedArea, groupTiles, layoutOfGroups, moveArea, moveSensor, moveToArea } from './tile-areas.ts';

const s = (id: string, quantity: string, site = 'plant') => ({ id, site, quantity });
const SENSORS = [s('a.ph', 'ph'), s('b.co', 'carbon_monoxide'), s('c.out_ph', 'ph'), s('d.temp', 'temperature')];

describe('groupTiles', () => {
  it('groups by quantity when the site has no layout: water, tunnel air, other', () => {
    const groups = groupTiles(SENSORS, () => null);
    expect(groups.map((g) => [g.derived, g.sensors.map((x) => x.id)])).toEqual([
      ['water', ['a.ph', 'c.out_ph']],
      ['air', ['b.co']],
      ['other', ['d.temp']],
    ]);
  });

  it("follows the site's named areas and order, and puts the rest after them by quantity", () => {
    const layout = {
      areas: [
        { name: 'Vertimiento', sensors: ['c.out_ph', 'gone.sensor'] },
        { name: 'Túnel', sensors: ['b.co'] },
      ],
    };
    const groups = groupTiles(SENSORS, (site) => (site === 'plant' ? layout : null));
    expect(groups.map((g) => [g.name, g.sensors.map((x) => x.id)])).toEqual([
      ['Vertimiento', ['c.out_ph']],
      ['Túnel', ['b.co']],
      ['water', ['a.ph']],
      ['other', ['d.temp']],
    ]);
  });

  it('keeps sites apart', () => {
    const groups = groupTiles([s('x', 'ph', 'one'), s('y', 'ph', 'two')], () => null);
    expect(groups.map((g) => g.key)).toEqual(['one/~water', 'two/~water']);
  });

  it('derives areas from quantities', () => {
    expect([derivedArea('oxygen'), derivedArea('turbidity'), derivedArea('state')]).toEqual(['air', 'water', 'other']);
  });
});

describe('arranging', () => {
  const groups = groupTiles(SENSORS, () => null);
  const layout = layoutOfGroups(groups, { water: 'Agua', air: 'Aire', other: 'Otros' });

  it('writes the current grouping out as a layout with names', () => {
    expect(layout).toEqual({
      areas: [
        { name: 'Agua', sensors: ['a.ph', 'c.out_ph'] },
        { name: 'Aire', sensors: ['b.co'] },
        { name: 'Otros', sensors: ['d.temp'] },
      ],
    });
  });

  it('moves a sensor up and down within its area, not past its ends', () => {
    expect(moveSensor(layout, 'c.out_ph', -1).areas[0]!.sensors).toEqual(['c.out_ph', 'a.ph']);
    expect(moveSensor(layout, 'a.ph', -1)).toEqual(layout);
    expect(moveSensor(layout, 'b.co', 1)).toEqual(layout);
  });

  it('moves a sensor to another area, and areas up and down', () => {
    const moved = moveToArea(layout, 'a.ph', 2);
    expect(moved.areas.map((a) => a.sensors)).toEqual([['c.out_ph'], ['b.co'], ['d.temp', 'a.ph']]);
    expect(moveArea(layout, 2, -1).areas.map((a) => a.name)).toEqual(['Agua', 'Otros', 'Aire']);
    expect(moveArea(layout, 0, -1)).toEqual(layout);
  });
});
