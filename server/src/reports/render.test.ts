import { describe, expect, it } from 'vitest';
import { reportFixture } from '../../test-support/report-fixture.ts';
import { csvFilename, csvText, renderCsv } from './csv.ts';
import { esc, renderHtml } from './html.ts';
import { summarize } from './summary.ts';

/** A strict RFC 4180 reader: rows of cells, quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && cell === '') {
      for (i++; !(text[i] === '"' && text[i + 1] !== '"'); i++) cell += text[i] === '"' ? text[i++] : text[i];
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV report', () => {
  const csv = renderCsv(reportFixture());
  const rows = parseCsv(csv);
  const section = (name: string) => {
    const start = rows.findIndex((r) => r[0] === name);
    const end = rows.findIndex((r, i) => i > start && r.length === 1 && r[0] === '');
    return rows.slice(start, end < 0 ? undefined : end);
  };

  it('quotes per RFC 4180 (CRLF, doubled quotes, line breaks kept inside quotes)', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [head, b] = section('breaches');
    const note = b[head.indexOf('ack_note')];
    expect(note).toBe(`'-Cal ajustada, "dosis" +10%\nrevisado @planta <img src=x onerror=alert(2)>`);
    expect(csv).toContain('"\'-Cal ajustada, ""dosis"" +10%\nrevisado');
  });

  it('defuses cells starting with = + - @ but writes its own numbers bare', () => {
    expect(csvText('=1+1')).toBe(`"'=1+1"`);
    expect(csvText('+57 300')).toBe(`"'+57 300"`);
    expect(csvText('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvText('-2')).toBe(`"'-2"`);
    expect(csvText('pH 7')).toBe('"pH 7"');
    const [head, r] = section('rules');
    expect(r[head.indexOf('sensor_name')]).toBe(`'=HYPERLINK("http://evil.example","pH")`);
    expect(r[head.indexOf('sensor')]).toBe('plant.ph');
    expect(csv).toMatch(/,6,9,"instant"/);
  });

  it('has the daily table, the breaches with Bogotá times, the versions and the summary', () => {
    const [dh, d1] = section('daily');
    expect(d1[dh.indexOf('day')]).toBe('2025-11-03');
    expect(d1[dh.indexOf('availability_pct')]).toBe('76.04');
    const [bh, b] = section('breaches');
    expect(b[bh.indexOf('start')]).toBe('2025-11-03T09:15:00-05:00');
    expect(b[bh.indexOf('duration_min')]).toBe('45');
    expect(b[bh.indexOf('excess')]).toBe('0.9');
    expect(section('permit_versions').map((r) => r[4])).toEqual(['version', '1', '2']);
    const [sh, , total] = section('summary');
    expect(total[sh.indexOf('rule')]).toBe('*');
    expect(total[sh.indexOf('breaches')]).toBe('1');
    // (1095 min + 6 h + 9 h) / (24 h + 6 h + 18 h) = 33.25 h / 48 h.
    expect(total[sh.indexOf('availability_pct')]).toBe(String(Number(((33.25 / 48) * 100).toFixed(2))));
  });

  it('lists withdrawn breaches in their own section with when, why and which data; the summary does not count them', () => {
    const [wh, w, ...more] = section('withdrawn_breaches');
    expect(more).toEqual([]);
    expect(w[wh.indexOf('id')]).toBe('9');
    expect(w[wh.indexOf('withdrawn_at')]).toBe('2025-11-04T06:00:00-05:00');
    expect(w[wh.indexOf('withdrawn_reason')]).toBe('late_data');
    expect(w[wh.indexOf('data_from')]).toBe('2025-11-03T20:06:00-05:00');
    expect(section('breaches').map((r) => r[3])).toEqual(['id', '7']);
    const [bh, b] = section('breaches');
    expect(b[bh.indexOf('availability_pct')]).toBe('100');
    const [sh, , total] = section('summary');
    expect(total[sh.indexOf('breaches')]).toBe('1');
  });

  it('names the file by site and local dates', () => {
    expect(csvFilename(reportFixture())).toBe('vigia-compliance-mobile-plant-2025-11-03-2025-11-04.csv');
  });
});

describe('HTML report', () => {
  const es = renderHtml(reportFixture(), 'es');
  const en = renderHtml(reportFixture(), 'en');

  it('escapes all user text', () => {
    expect(esc(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    for (const html of [es, en]) {
      expect(html).not.toMatch(/<script|<img|<b>CAR/);
      expect(html).toContain('Permiso de vertimientos &#60;script&#62;alert(1)&#60;/script&#62;');
      expect(html).toContain('revisado @planta &#60;img src=x onerror=alert(2)&#62;');
      expect(html).toContain('Res. 0631/2015, Art. 10 &#60;b&#62;CAR&#60;/b&#62;');
    }
  });

  it('speaks Spanish or English by lang, with local number formats', () => {
    expect(es).toContain('<html lang="es">');
    expect(es).toContain('Informe de cumplimiento ambiental');
    expect(es).toContain('Disponibilidad de datos');
    expect(es).toContain('76,0 %');
    expect(en).toContain('Environmental compliance report');
    expect(en).toContain('Data availability');
    expect(en).toContain('76.0 %');
    expect(en).not.toContain('Disponibilidad');
  });

  it('gives the breach in Bogotá time with its acknowledgement, and each version span', () => {
    expect(es).toContain('2025-11-03 09:15');
    expect(es).toContain('45 min');
    expect(es).toContain('maria, 2025-11-03 11:00');
    expect(es).toContain('America/Bogota (UTC-05:00)');
    expect(es).toContain('El permiso cambió dentro del periodo');
    expect(es).toMatch(/2025-11-04 06:00<\/td>.*2025-11-05 00:00/s);
  });

  it('lists withdrawn breaches apart, with the reason and the late data, in each language', () => {
    const part = (html: string, title: string) =>
      html.slice(html.indexOf(title), html.indexOf('</table>', html.indexOf(title)));
    const es9 = part(es, 'Incumplimientos retirados');
    expect(es9).toContain('datos tardíos: plant.ph, 2025-11-03 20:06 – 2025-11-03 20:18');
    expect(es9).toContain('2025-11-04 06:00');
    expect(part(en, 'Withdrawn breaches')).toContain('late data: plant.ph');
    expect(es).toContain('Un incumplimiento retirado ya no se encuentra al reevaluar');
    const none = reportFixture();
    none.permits[0].withdrawn = [];
    expect(renderHtml(none, 'en')).toContain('No withdrawn breaches in the period.');
  });

  it('is self-contained and prints to A4 with repeated headers and page breaks', () => {
    expect(es).not.toMatch(/<link|<script|src="http|url\(/);
    expect(es).toContain('@page { size: A4;');
    expect(es).toContain('thead { display: table-header-group; }');
    expect(es).toContain('section.permit { break-before: page; }');
  });
});

describe('summary', () => {
  it('counts breaches, time in breach within the period and the worst exceedance', () => {
    const data = reportFixture();
    data.permits[0].breaches.push({
      ...data.permits[0].breaches[0],
      id: 8,
      start: data.from - 3_600_000,
      peak: 5,
      limit: 6,
    });
    const [s] = summarize(data);
    expect(s.breaches).toBe(2);
    // 45 min + (the second starts 1 h before the period and ends at 10:00 local: 10 h inside).
    expect(s.timeInBreachMs).toBe(45 * 60_000 + 10 * 3_600_000);
    // 0.9 above 9 is 10 %; 1 below 6 is 16.7 %: the second is worse.
    expect(s.worst?.breach).toBe(8);
    expect(s.worst?.pct).toBeCloseTo(100 / 6, 9);
  });
});
