import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backtrackingRisk,
  buildIdentifierRule,
  DEFAULT_IDENTIFIER_PATTERN,
  DEFAULT_IDENTIFIER_RULE,
  displaySafe,
  IdentifierPatternError,
} from './identifiers';
import { HOSTILE_IDS } from '../../tests/support/hostile-ids';

/** every forbidden code point class, as single characters */
const BAD_CHARS = [
  '\u0000',
  '\u001F',
  '\u007F',
  '\u0085',
  '\u009F',
  '\u00AD',
  '\u061C',
  '\u180E',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u2028',
  '\u2029',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2060',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\uFEFF',
  '\uFE00',
  '\u3000',
  '\u00A0',
  '\uE000',
  '\uD83D',
];

describe('the default identifier rule', () => {
  const rule = DEFAULT_IDENTIFIER_RULE;

  it('is the conservative alphabet of the parser and the IPC contract', () => {
    expect(rule.pattern).toBe(DEFAULT_IDENTIFIER_PATTERN);
    expect(rule.custom).toBe(false);
    for (const r of [
      buildIdentifierRule(null),
      buildIdentifierRule(undefined),
      buildIdentifierRule(DEFAULT_IDENTIFIER_PATTERN),
    ]) {
      expect(r).toMatchObject({ pattern: DEFAULT_IDENTIFIER_PATTERN, custom: false });
      expect(r.check('patient_id', 'P\u202E1')).toBe(rule.check('patient_id', 'P\u202E1'));
    }
    // a new instance each time: one per wiring (identifier-gate.ts counts per instance)
    expect(buildIdentifierRule(null)).not.toBe(buildIdentifierRule(null));
  });

  it('accepts the demo ids and every allowed character, up to 64', () => {
    for (const id of ['P001', 'D003', 'a', 'Z'.repeat(64), 'bed-4.ward_3:x', '0']) {
      expect(rule.check('patient_id', id)).toBeNull();
      expect(rule.check('device_id', id)).toBeNull();
      expect(rule.accepts(id)).toBe(true);
    }
  });

  for (const [name, value, problem] of HOSTILE_IDS) {
    it(`refuses ${name} with a displayable reason`, () => {
      const r = rule.explain('patient_id', value);
      expect(r?.problem).toBe(problem);
      expect(rule.accepts(value)).toBe(false);
      const reason = rule.check('patient_id', value);
      expect(reason).toMatch(/^patient_id /);
      // nothing but printable ASCII and the two typographic characters of the texts
      expect(reason).toMatch(/^[\x20-\x7e–…]*$/);
      expect(r?.summary).toMatch(/^patient_id [a-z]/);
    });
  }

  it('words each reason for the person who has to act on it', () => {
    expect(rule.check('patient_id', 'P\u202E1gnp.exe')).toBe(
      'patient_id contains a bidirectional control character U+202E (got "P\\u{202E}1gnp.exe")',
    );
    expect(rule.check('device_id', '<img src=x onerror=alert(1)>')).toBe(
      'device_id must be 1–64 letters, digits or _ . : - (got "<img src=x onerror=alert(1)>")',
    );
    expect(rule.check('patient_id', 'P001\u0000')).toBe(
      'patient_id contains a control character U+0000 (got "P001\\u{0000}")',
    );
    expect(rule.check('patient_id', 'P\u200B001')).toBe(
      'patient_id contains an invisible formatting character U+200B (got "P\\u{200B}001")',
    );
    expect(rule.check('patient_id', '\uFF30\uFF10')).toBe(
      'patient_id must be 1–64 letters, digits or _ . : - (got "\\u{FF30}\\u{FF10}")',
    );
    expect(rule.check('device_id', '')).toBe('device_id must be 1–64 letters, digits or _ . : - (got "")');
    expect(rule.check('patient_id', 1001)).toBe('patient_id must be a string (got 1001)');
    expect(rule.check('patient_id', undefined)).toBe('patient_id is missing');
    expect(rule.check('patient_id', 'x'.repeat(65))).toMatch(
      /^patient_id must be 1–64 letters, digits or _ \. : - \(got "x{40}…"\)$/,
    );
  });

  it('summarizes a problem without the value (the same line for every bad id of its kind)', () => {
    expect(rule.explain('patient_id', 'P\u202E1')?.summary).toBe(
      'patient_id contains a bidirectional control character',
    );
    expect(rule.explain('patient_id', 'X\u202Eother')?.summary).toBe(
      rule.explain('patient_id', 'P\u202E1')?.summary,
    );
  });

  it('never accepts a string with a forbidden character anywhere, whatever surrounds it', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(...BAD_CHARS),
        fc.string({ maxLength: 30 }),
        (a, c, b) => {
          expect(rule.accepts(a + c + b)).toBe(false);
          expect(rule.check('device_id', a + c + b)).not.toBeNull();
        },
      ),
    );
  });
});

describe('a hospital identifier pattern', () => {
  const mrn = buildIdentifierRule('^MRN[0-9]{6}$');

  it('accepts the hospital scheme and refuses the default alphabet outside it', () => {
    expect(mrn.custom).toBe(true);
    expect(mrn.pattern).toBe('^MRN[0-9]{6}$');
    expect(mrn.check('patient_id', 'MRN123456')).toBeNull();
    expect(mrn.accepts('MRN000001')).toBe(true);
    expect(mrn.check('patient_id', 'P001')).toBe(
      'patient_id does not match the hospital\'s identifier pattern "^MRN[0-9]{6}$" (got "P001")',
    );
    expect(mrn.check('patient_id', 'MRN1234567')).not.toBeNull();
  });

  it('is anchored even without ^ and $ of its own', () => {
    const r = buildIdentifierRule('MRN[0-9]{6}');
    expect(r.accepts('MRN123456')).toBe(true);
    expect(r.accepts('xMRN123456')).toBe(false);
    expect(r.accepts('MRN123456x')).toBe(false);
  });

  it('still refuses bidi, invisible and control characters, and more than 64 characters', () => {
    // a pattern that would accept anything
    for (const rule of [
      buildIdentifierRule('.+'),
      buildIdentifierRule('[\\s\\S]*'),
      buildIdentifierRule('\\p{Any}+'),
    ]) {
      for (const bad of [
        'MRN\u202E123456',
        'MRN123456\u200B',
        'MRN\u0000',
        'x'.repeat(65),
        '',
        ' MRN1',
        'MRN1 ',
      ]) {
        expect({ bad, accepted: rule.accepts(bad) }).toEqual({ bad, accepted: false });
        expect(rule.check('patient_id', bad)).not.toBeNull();
      }
      expect(rule.check('patient_id', 'MRN\u202E123456')).toBe(
        'patient_id contains a bidirectional control character U+202E (got "MRN\\u{202E}123456")',
      );
      expect(rule.check('patient_id', 'x'.repeat(65))).toMatch(/^patient_id must be 1–64 characters long/);
      // what it may accept: printable text with inner spaces, other scripts
      expect(rule.accepts('Ward 3 bed 4')).toBe(true);
      expect(rule.accepts('病人-001')).toBe(true);
      expect(rule.accepts('😀'.repeat(64))).toBe(true);
      expect(rule.accepts('😀'.repeat(65))).toBe(false);
    }
  });

  it('never accepts a forbidden character, property-tested against a permissive pattern', () => {
    const rule = buildIdentifierRule('.*');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...BAD_CHARS),
        fc.string({ maxLength: 20 }),
        (a, c, b) => {
          expect(rule.accepts(a + c + b)).toBe(false);
        },
      ),
    );
  });

  it.each([
    ['an unclosed group', '(MRN', /not a valid JavaScript regular expression with the u flag/],
    ['a group that would escape the anchors', 'a)|(b', /not a valid JavaScript regular expression/],
    ['an escape the u flag refuses', '\\-MRN\\q', /not a valid JavaScript regular expression/],
    ['an empty pattern', '', /the pattern is empty/],
    ['a blank pattern', '   ', /the pattern is empty/],
    ['a pattern of 513 characters', 'a'.repeat(513), /longer than 512 characters/],
  ])('refuses %s with a clear error', (_name, pattern, message) => {
    expect(() => buildIdentifierRule(pattern)).toThrow(IdentifierPatternError);
    expect(() => buildIdentifierRule(pattern)).toThrow(message);
  });

  it('refuses a pattern that is not a string', () => {
    expect(() => buildIdentifierRule(42 as unknown as string)).toThrow('the pattern must be a string');
  });
});

describe('backtrackingRisk', () => {
  it.each([
    '(?:[A-Z0-9]+)+',
    '([A-Z0-9]+)+',
    '(?:a*)*',
    '(?:A|AB)+',
    '(?:(?:A|B)C)*',
    '(?:[0-9]{2,})+',
    '(?:x[0-9]+){2,5}',
    '(a)\\1',
    '(?<a>x)\\k<a>',
    '(?:[A-Z]?[A-Z]?)+', // 1s and 2s: Fibonacci many ways to split
    '(?:[A-Z][0-9]?)+X',
  ])('refuses %s', (pattern) => {
    expect(backtrackingRisk(pattern)).not.toBeNull();
    expect(() => buildIdentifierRule(pattern)).toThrow(IdentifierPatternError);
  });

  it.each([
    '^(?:MRN[0-9]{6}|DEV-[0-9]{3})$',
    '(?:MRN|DEV)[0-9]{6}',
    '[A-Z0-9]+',
    '[A-Z]*[0-9]*',
    '(?:P-)?[0-9]{3,8}',
    '[(+*)]+', // a class is one atom, whatever it holds
    '\\(x\\)+', // escaped parentheses are no group
    '(?:[A-Z]{3})?[0-9]+',
  ])('accepts %s', (pattern) => {
    expect(backtrackingRisk(pattern)).toBeNull();
    expect(() => buildIdentifierRule(pattern)).not.toThrow();
  });

  it('every accepted pattern answers a hostile 64-character id at once', () => {
    for (const pattern of ['[A-Z]*[A-Z]*[A-Z]*[0-9]', '(?:[A-Z]{2})+X', '[A-Z0-9]+[A-Z0-9]+!', '(?:AB?)?C']) {
      expect(backtrackingRisk(pattern)).toBeNull();
      const rule = buildIdentifierRule(pattern);
      const t = performance.now();
      rule.check('device_id', 'A'.repeat(64));
      expect(performance.now() - t).toBeLessThan(1000); // exponential would be years; this is µs
    }
  });
});

describe('displaySafe', () => {
  it.each([
    ['P001', '"P001"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['P\u202E1', '"P\\u{202E}1"'],
    ['Р001', '"\\u{0420}001"'], // Cyrillic Er: a homoglyph is shown for what it is
    ['😀', '"\\u{1F600}"'],
    ['x'.repeat(41), `"${'x'.repeat(40)}…"`],
    ['x'.repeat(40), `"${'x'.repeat(40)}"`],
    // an escape is never cut in two, and counts at its shown length
    ['💉'.repeat(65), `"${'\\u{1F489}'.repeat(4)}…"`],
  ])('%j → %s', (value, expected) => {
    expect(displaySafe(value)).toBe(expected);
  });

  it('never lets anything but printable ASCII through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) =>
        /^"[\x20-\x7e]*(…)?"$/.test(displaySafe(s)),
      ),
    );
  });

  it('is bounded in characters, whatever the value', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (s, max) => {
          expect(displaySafe(s, max).length).toBeLessThanOrEqual(max + 3);
        },
      ),
    );
  });
});
