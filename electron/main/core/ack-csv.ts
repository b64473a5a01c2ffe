import type { AckRecord } from '../../../shared/domain/types';

const HEADER = [
  'ack_time',
  'action',
  'nurse',
  // the roster identifier: two members may share a name; empty for acknowledgements from before sign-in
  'nurse_id',
  'station_id',
  'note',
  'sync_state',
  'alert_id',
  'patient_id',
  'device_id',
  'alert_time',
  'alert_type',
  'alert_level',
  'alert_detail',
];

// C0 controls (NUL included) and DEL are dropped: no legitimate field needs them, and NUL lets a
// formula slip past the guard. Tab, LF and CR stay: notes may span lines, and the cell is quoted.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
// A trigger after optional whitespace (and quotes) at the start of the cell or of a `;`-separated
// piece: Excel trims leading blanks, where `;` is the list separator it splits a comma file on `;`
// even inside quotes, and it folds full-width forms (＝ ＋ － ＠) to ASCII, so those are matched
// after NFKC (which also covers small and super-/subscript forms; − is U+2212 MINUS SIGN).
const LEADING_BLANKS = /^[\s"]*/;
// "starts with": a compatibility character may fold to more than one (U+2A75 ⩵ is "==")
const TRIGGER = /^[=+\-@\u2212]/;
// OWASP lists tab (0x09), CR (0x0D) and LF (0x0A) as triggers of their own: a cell (or piece) whose
// leading blanks hold one is guarded whatever follows, since a reader that strips or splits on them
// may leave a trigger first.
const BREAKING_BLANK = /[\t\r\n]/;

function guardPiece(piece: string): string {
  const blank = LEADING_BLANKS.exec(piece)?.[0] ?? '';
  const first = piece.codePointAt(blank.length);
  const trigger = first !== undefined && TRIGGER.test(String.fromCodePoint(first).normalize('NFKC'));
  return trigger || BREAKING_BLANK.test(blank) ? `'${piece}` : piece;
}

/**
 * One CSV cell, RFC 4180-quoted (always). Text cells a spreadsheet would run as a formula get an
 * apostrophe (OWASP CSV Injection / ASVS 1.2.10): at the start of the cell, and after each `;`, when
 * the leading blanks there hold a tab, CR or LF, or the first non-blank character is a formula trigger
 * (= + - @, their full-width and compatibility forms).
 * Typed numbers are the app's own values (the alert level), so a negative one stays a number.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (typeof value !== 'number') {
    s = s.replace(CONTROLS, '');
    // each `;`-separated piece on its own (the whole cell is the first): a piece of blanks only, such
    // as "\t" or the "\r\n" of "a;\r\n", is checked too
    s = s.split(';').map(guardPiece).join(';');
  }
  return `"${s.replace(/"/g, '""')}"`;
}

/** Built once per export: a DateTimeFormat per cell made 100,000 rows take seconds (issue #19). */
function wardTimeFormat(timeZone: string): (epochMs: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (epochMs) => {
    const parts = format.formatToParts(new Date(epochMs));
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
  };
}

export function acknowledgementsCsv(rows: readonly AckRecord[], timeZone: string): string {
  const wardTime = wardTimeFormat(timeZone);
  const lines = [HEADER.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [
        wardTime(r.ackTime),
        r.action,
        r.nurse,
        r.nurseId ?? '',
        r.stationId,
        r.note,
        r.syncState,
        r.alertId,
        r.alert.patientId,
        r.alert.deviceId,
        wardTime(r.alert.alertTime),
        r.alert.alertType,
        r.alert.alertLevel,
        r.alert.alertDetail,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
