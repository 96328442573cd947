/** The read audit as CSV (RFC 4180, ; separated as Dutch spreadsheets expect, with a BOM so Excel reads UTF-8). */
import type { AuditRow } from './store.js';

function cell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would make a spreadsheet run it as a formula.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(rows: readonly AuditRow[], time: (ms: number) => string): string {
  const lines = [['tijd', 'zender', 'gebruiker', 'operatie', 'soort', 'identificatie', 'bericht'].join(';')];
  for (const r of rows) lines.push([time(r.at), r.zender, r.gebruiker, r.operation, r.kind, r.identificatie, r.berichtId].map(cell).join(';'));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
