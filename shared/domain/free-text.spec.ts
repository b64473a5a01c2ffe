import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestSchemas } from '../ipc/contract';
import { cleanDeviceText, cleanFreeText, MAX_NOTE_CHARS, MAX_NOTE_INPUT_CHARS } from './free-text';

describe('cleanFreeText', () => {
  it.each([
    ['plain text', 'Patient asleep, rechecked at 08:10', 'Patient asleep, rechecked at 08:10'],
    ['CR LF', 'line 1\r\nline 2', 'line 1\nline 2'],
    ['a lone CR', 'line 1\rline 2', 'line 1\nline 2'],
    ['LF', 'line 1\nline 2', 'line 1\nline 2'],
    ['CR CR LF', 'a\r\r\nb', 'a\n\nb'],
    ['a tab', 'HR\t130', 'HR 130'],
    ['NUL', 'ok\u0000 done', 'ok done'],
    ['other C0 controls', 'a\u0001\u0007\u0008\u000b\u000c\u001b[31mb\u001f', 'a[31mb'],
    ['DEL and C1 controls', 'a\u007f\u0080\u0085\u009fb', 'ab'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'abc'],
    ['a right-to-left override', 'checked P\u202E1gnp.exe', 'checked P1gnp.exe'],
    [
      'every bidi control',
      '\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl',
      'abcdefghijkl',
    ],
    ['trailing blanks and newlines', 'done  \n\n\t \r\n', 'done'],
    ['leading indentation (kept)', '  - item', '  - item'],
    ['an unpaired surrogate', 'half \uD83D emoji', 'half  emoji'],
    ['a whole emoji and a ZWJ sequence (kept)', 'ok 😀 👩\u200D⚕️', 'ok 😀 👩\u200D⚕️'],
    [
      'other scripts (kept)',
      'Patientin schläft · 患者已睡 · المريض نائم',
      'Patientin schläft · 患者已睡 · المريض نائم',
    ],
    ['only controls', '\u0000\u0001\r\n\t', ''],
  ])('%s', (_name, input, expected) => {
    expect(cleanFreeText(input)).toBe(expected);
  });

  it('leaves no control, separator or bidi character, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const c = cleanFreeText(s);
        expect(c).not.toMatch(
          // eslint-disable-next-line no-control-regex
          /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/,
        );
        // no unpaired surrogate
        expect(c).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        expect(c).toBe(c.trimEnd());
        expect(cleanFreeText(c)).toBe(c);
      }),
    );
  });
});

describe('the acknowledgement note in the IPC contract', () => {
  const schema = requestSchemas['alerts:acknowledge'];
  const parse = (note: unknown) =>
    schema.safeParse({ alertId: '0123456789abcdef0123456789abcdef', action: 'confirm', note });

  it('stores the cleaned note', () => {
    const r = parse('Rechecked\r\nHR\t95\u0000 \u202Eok\n\n');
    expect(r.success && r.data.note).toBe('Rechecked\nHR 95 ok');
  });

  it('keeps the note optional', () => {
    const r = parse(undefined);
    expect(r.success).toBe(true);
    expect(r.success && r.data.note).toBeUndefined();
  });

  it(`accepts ${MAX_NOTE_CHARS} characters after cleaning, and refuses more`, () => {
    expect(parse('x'.repeat(MAX_NOTE_CHARS)).success).toBe(true);
    // controls do not count: they are removed first
    expect(parse('x'.repeat(MAX_NOTE_CHARS) + '\u0000'.repeat(500) + ' \n').success).toBe(true);
    const long = parse('x'.repeat(MAX_NOTE_CHARS + 1));
    expect(long.success).toBe(false);
  });

  it(`refuses more than ${MAX_NOTE_INPUT_CHARS} characters before cleaning`, () => {
    expect(parse('\u0000'.repeat(MAX_NOTE_INPUT_CHARS)).success).toBe(true);
    expect(parse('\u0000'.repeat(MAX_NOTE_INPUT_CHARS + 1)).success).toBe(false);
  });

  it('refuses a note that is not text', () => {
    expect(parse(42).success).toBe(false);
    expect(parse(null).success).toBe(false);
  });
});

describe('cleanDeviceText', () => {
  it('keeps a plain detail as it is', () => {
    expect(cleanDeviceText('Heart rate too high: 131 bpm')).toBe('Heart rate too high: 131 bpm');
  });

  it('removes controls, bidi and invisible characters, and makes one line', () => {
    expect(cleanDeviceText('Bed P001:\u0000 heart\u202e rate\u2066 190\u200b bpm\ufeff\r\nsecond line')).toBe(
      'Bed P001: heart rate 190 bpm second line',
    );
  });

  it('cuts at a whole character', () => {
    const out = cleanDeviceText('a' + '\ud83d\ude00'.repeat(300), 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out).toBe('a' + '\ud83d\ude00'.repeat(249));
  });

  it('is idempotent and never keeps an unsafe character', () => {
    const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u; // eslint-disable-line no-control-regex
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 700 }), (s) => {
        const once = cleanDeviceText(s);
        expect(cleanDeviceText(once)).toBe(once);
        expect(unsafe.test(once)).toBe(false);
        expect(once.length).toBeLessThanOrEqual(500);
      }),
    );
  });
});
