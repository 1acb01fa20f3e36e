/**
 * @module routes/readings-export
 * The raw readings of one sensor over [from, to) as a byte stream (CSV or JSON), for
 * `GET /api/v1/readings` (routes/readings.ts). Invariants:
 * - bounded memory whatever the range (a year of 1 Hz is 31.5 M rows): the store is read in
 *   time slices aimed at TARGET_ROWS rows each, and the next slice is read only when the client
 *   pulled the previous one (a pull-based ReadableStream: a slow client slows the reads, it never
 *   makes the server buffer);
 * - every reading is exported with its quality, and `corrected` says whether a correction
 *   replaced its first value (the store's revisions over the same slice);
 * - CSV is RFC 4180 with CRLF; `locale=es` writes `;` and a decimal comma (Spanish spreadsheets),
 *   `en` `,` and a dot. Text cells are quoted, `"` doubled, and a cell starting with = + - @ (or
 *   tab / CR) gets a leading `'` so a spreadsheet never runs it as a formula (reports/csv.ts);
 * - times are epoch ms and ISO 8601 with the site's offset, never the host's zone.
 */
import type { Reading } from '@vigia/shared';
import { csvText } from '../reports/csv.ts';
import { isoLocal } from '../reports/format.ts';
import { aimSlice } from '../reports/read-chunks.ts';
import type { Store } from '../storage/store.ts';

export type ExportFormat = 'csv' | 'json';
export type ExportLocale = 'es' | 'en';
export type ExportRequest = {
  sensor: string;
  name: string;
  from: number;
  to: number;
  timeZone: string;
  format: ExportFormat;
  locale: ExportLocale;
};

/** Rows one slice aims at: a few MB of text at most. */
export const TARGET_ROWS = 10_000;
const FIRST_SLICE_MS = 3_600_000;
const MIN_SLICE_MS = 1_000;

type Row = Pick<Reading, 'ts' | 'value'> & { q: Reading['q'] | '' };

/** Slices of readings of [from, to), each with the set of corrected ts in it. */
export async function* exportSlices(
  store: Store,
  sensor: string,
  from: number,
  to: number,
): AsyncGenerator<{ rows: Row[]; corrected: Set<number> }> {
  let slice = FIRST_SLICE_MS;
  for (let at = from; at < to; ) {
    const end = Math.min(to, at + slice);
    const rows: Row[] = await store.readings(sensor, at, end);
    if (rows.length > 0) {
      const corrected = new Set((await store.revisions(sensor, at, end)).map((r) => r.ts));
      yield { rows, corrected };
    }
    slice = aimSlice(slice, at, end, rows.length, TARGET_ROWS, MIN_SLICE_MS);
    at = end;
  }
}

const CSV_HEADER = ['sensor', 'name', 'ts_ms', 'time', 'value', 'q', 'corrected'];

function csvFormatter(req: ExportRequest) {
  const sep = req.locale === 'es' ? ';' : ',';
  const num = (v: number) => (req.locale === 'es' ? String(v).replace('.', ',') : String(v));
  const sensor = csvText(req.sensor);
  const name = csvText(req.name);
  return {
    head: `\uFEFF${CSV_HEADER.join(sep)}\r\n`,
    row: (r: Row, corrected: boolean) =>
      [sensor, name, String(r.ts), isoLocal(r.ts, req.timeZone), num(r.value), r.q, corrected ? '1' : '0'].join(sep) +
      '\r\n',
    tail: '',
  };
}

function jsonFormatter(req: ExportRequest) {
  let first = true;
  const meta = JSON.stringify({
    sensor: req.sensor,
    name: req.name,
    from: req.from,
    to: req.to,
    time_zone: req.timeZone,
  });
  return {
    head: `${meta.slice(0, -1)},"readings":[\n`,
    row: (r: Row, corrected: boolean) => {
      const text = `${first ? '' : ',\n'}${JSON.stringify({ ts: r.ts, value: r.value, q: r.q || null, corrected })}`;
      first = false;
      return text;
    },
    tail: '\n]}\n',
  };
}

/**
 * The export as a pull-based byte stream: one store slice per pull. `onEnd` runs once, when the
 * stream closes, is cancelled (the client went away) or fails (a store error ends the body early:
 * the client sees a truncated download, the server logs it).
 */
export function exportStream(
  store: Store,
  req: ExportRequest,
  onEnd: () => void = () => {},
): ReadableStream<Uint8Array> {
  const fmt = req.format === 'csv' ? csvFormatter(req) : jsonFormatter(req);
  const slices = exportSlices(store, req.sensor, req.from, req.to);
  const encoder = new TextEncoder();
  let started = false;
  let ended = false;
  const end = () => {
    if (!ended) onEnd();
    ended = true;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(fmt.head));
          return;
        }
        let next: IteratorResult<{ rows: Row[]; corrected: Set<number> }>;
        try {
          next = await slices.next();
        } catch (err) {
          end();
          throw err;
        }
        if (next.done) {
          if (fmt.tail) controller.enqueue(encoder.encode(fmt.tail));
          controller.close();
          end();
          return;
        }
        const { rows, corrected } = next.value;
        let text = '';
        for (const r of rows) text += fmt.row(r, corrected.has(r.ts));
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        end();
        await slices.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** `plant.ph_2025-11-03_2025-11-04.csv` (ids are [a-z0-9_.-], safe in a header). */
export function exportFilename(req: ExportRequest): string {
  const day = (ms: number) => isoLocal(ms, req.timeZone).slice(0, 10);
  return `${req.sensor}_${day(req.from)}_${day(req.to)}.${req.format}`;
}
