/**
 * @module storage/influxdb/line-protocol
 * The text InfluxDB 1.x reads: line-protocol series keys and lines for readings, InfluxQL
 * string literals. Must never produce text influxd parses differently from what was meant:
 * 1.x stores the lines it can parse and drops the rest ("partial write"), so a bad escape
 * is lost data, not an error.
 *
 * Tag values. 1.6 unescapes only `\,` `\ ` `\=` in tags: a backslash is otherwise kept as
 * is, a value ending in one swallows the next separator, and a newline ends the line. So
 * before escaping, what 1.x cannot carry is percent-encoded: `\` → `%5C`, LF → `%0A`,
 * CR → `%0D`. In the `sensor` tag `%` also becomes `%25`, so an id decodes back exactly
 * (the store reads sensor ids back from the tag); the label tags keep `%` ("%vol" is a
 * unit) and are never decoded. Ids on the wire (`[a-z0-9_.-]`) are stored verbatim.
 */
import type { SeriesLabels } from '../store.ts';

export const MEASUREMENT = 'reading';

const PLAIN = /^[a-z0-9_.-]+$/;

/** The `sensor` tag value for an id (before line-protocol escaping); reversible. */
export function encodeSensorTag(id: string): string {
  if (PLAIN.test(id)) return id;
  return id.replace(/[%\\\n\r]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The id a `sensor` tag value (as influxd returns it) stands for. */
export function decodeSensorTag(tag: string): string {
  if (!tag.includes('%')) return tag;
  return tag.replace(/%(25|5C|0A|0D)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A label tag value (site, device, quantity, unit): only what 1.x cannot carry is encoded. */
export function encodeLabelTag(value: string): string {
  return value.replace(/[\\\n\r]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Line-protocol escaping of a tag value that no longer holds a backslash or line break. */
function escapeTag(value: string): string {
  return value.replace(/[,= ]/g, '\\$&');
}

/**
 * The series key of a sensor: measurement and tags sorted by key (the order influxd keeps),
 * empty labels left out. It is also the start of every line written for the sensor.
 * @example seriesKey('plant.ph', { site: 'mobile-plant', device: 'plant-01', unit: 'pH' })
 * // 'reading,device=plant-01,sensor=plant.ph,site=mobile-plant,unit=pH'
 */
export function seriesKey(sensor: string, labels?: SeriesLabels): string {
  const tags: [string, string | undefined][] = [
    ['device', labels?.device],
    ['quantity', labels?.quantity],
    ['sensor', undefined],
    ['site', labels?.site],
    ['unit', labels?.unit],
  ];
  let key = MEASUREMENT;
  for (const [name, value] of tags) {
    if (name === 'sensor') key += `,sensor=${escapeTag(encodeSensorTag(sensor))}`;
    else if (value) key += `,${name}=${escapeTag(encodeLabelTag(value))}`;
  }
  return key;
}

/** The sensor id of a series key as `SHOW SERIES` lists it; undefined for another measurement. */
export function sensorOfKey(key: string): string | undefined {
  // Segments split at unescaped commas; in each tag, the first unescaped "=" splits name from value.
  const segments: { text: string; eq: number }[] = [{ text: '', eq: -1 }];
  for (let i = 0; i < key.length; i++) {
    const seg = segments[segments.length - 1];
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      const next = key[++i];
      seg.text += next === ',' || next === '=' || next === ' ' ? next : c + next;
    } else if (c === ',') segments.push({ text: '', eq: -1 });
    else {
      if (c === '=' && seg.eq < 0) seg.eq = seg.text.length;
      seg.text += c;
    }
  }
  if (segments[0].text !== MEASUREMENT) return undefined;
  const tag = segments.find((s) => s.eq >= 0 && s.text.slice(0, s.eq) === 'sensor');
  return tag && decodeSensorTag(tag.text.slice(tag.eq + 1));
}

/** A string field value: quotes and backslashes escaped. */
export function fieldString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** An InfluxQL single-quoted string literal. */
export function influxqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** `sensor = '…'` for the sensor tag of an id. */
export function sensorIs(id: string): string {
  return `sensor = ${influxqlString(encodeSensorTag(id))}`;
}
