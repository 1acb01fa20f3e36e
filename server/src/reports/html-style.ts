/**
 * @module reports/html-style
 * The report's only stylesheet, inlined: no external asset, fonts the system has, and print
 * rules for A4 (margins, a page break before each permit after the first, table headers
 * repeated on every page, rows never split).
 */
export const REPORT_CSS = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #111; margin: 0; line-height: 1.35; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 12mm; } }
header.report { border-bottom: 2px solid #1f4e79; margin-bottom: 4mm; padding-bottom: 2mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; color: #1f4e79; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; color: #1f4e79; break-after: avoid; }
h3 { font-size: 10pt; margin: 4mm 0 1.5mm; break-after: avoid; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
section.permit { break-before: page; }
section.permit.first { break-before: auto; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; table-layout: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.6pt solid #999; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #e8eef5; font-weight: bold; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.t { white-space: nowrap; }
td.src { font-size: 7.5pt; overflow-wrap: anywhere; }
tbody.breach { break-inside: avoid; page-break-inside: avoid; }
tr.ack td { background: #f6f8fa; border-top: 0; }
.low { color: #9c2a00; font-weight: bold; }
.note, p.note { font-size: 7.5pt; color: #444; margin: 1mm 0; }
.warn { border-left: 3px solid #c77700; padding-left: 2mm; }
.sev-critical { color: #9c0000; font-weight: bold; }
`;
