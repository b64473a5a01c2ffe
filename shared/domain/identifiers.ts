// The rule every patient_id and device_id from a device, RisingWave, Kafka or the alert store must pass
// before the station shows it (issue #18). An id is attacker-controlled text: a right-to-left override
// (U+202E) makes "P<U+202E>1gnp.exe" display as "Pexe.pnp1", a zero-width space (U+200B) makes
// "P<U+200B>001" look like "P001", and either can make one patient's alert read as another's. So, whatever the hospital's own scheme:
// - at most 64 characters (code points: what MySQL's and PostgreSQL's varchar(64) count);
// - no control, format, bidirectional, invisible (default-ignorable), private-use, unassigned or
//   surrogate code points, no line/paragraph separators and no space but U+0020, which may not lead
//   or trail;
// - and the hospital's pattern, or by default the station's conservative alphabet
//   `^[A-Za-z0-9_.:-]{1,64}$` (parse-reading.ts, the IPC contract and risingwave.sql use the same).
// The first two are enforced independently of the pattern, so a hospital pattern that is too generous
// (`.+`) still cannot let a bidi character or a 100-character id through.
//
// One pattern covers both kinds: a hospital whose device ids look different from its patient ids
// writes an alternation, e.g. `^(?:MRN[0-9]{6}|D[0-9]{3})$`.
//
// The pattern runs on at most 64 characters that passed the checks above, which bounds the cost of
// most patterns; a pattern with nested unbounded quantifiers (`(a+)+`) can still backtrack
// exponentially on 64 characters. It is hospital IT's setting, not input; keep it simple.
//
// Pure: no Node, no Electron (shared/). Fast on the parser's hot path: a valid id costs one length
// check and one regex test.

export type IdentifierKind = 'patient_id' | 'device_id';

/** What is wrong with an id, without the id: the same for every bad value of one kind (for logs). */
export type IdentifierProblem =
  | 'missing'
  | 'not_string'
  | 'length'
  | 'control'
  | 'bidi'
  | 'invisible'
  | 'separator'
  | 'space'
  | 'edge_space'
  | 'surrogate'
  | 'private_use'
  | 'unassigned'
  | 'pattern';

export interface IdentifierRefusal {
  kind: IdentifierKind;
  problem: IdentifierProblem;
  /** one line for the nurse or technician; the value is shown escaped (never a raw control character) */
  reason: string;
  /** the same without the value: one per kind and problem, for rate-limited logs */
  summary: string;
}

export interface IdentifierRule {
  /** the pattern as configured, or DEFAULT_IDENTIFIER_PATTERN */
  readonly pattern: string;
  /** true when a hospital pattern is in force */
  readonly custom: boolean;
  /** null when `value` is an acceptable id of this kind, otherwise why not (safe to display) */
  check(kind: IdentifierKind, value: unknown): string | null;
  /** as check(), with the problem's class (for counting and logs) */
  explain(kind: IdentifierKind, value: unknown): IdentifierRefusal | null;
  /** true when `value` is an acceptable id (of either kind: one pattern covers both) */
  accepts(value: unknown): value is string;
}

export const DEFAULT_IDENTIFIER_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
export const MAX_IDENTIFIER_LENGTH = 64;
/** a pattern longer than this is refused: an id scheme does not need more */
export const MAX_PATTERN_LENGTH = 512;

/** The hospital pattern cannot be used; `message` names what is wrong (settings-store adds the key). */
export class IdentifierPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentifierPatternError';
  }
}

const DEFAULT_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
/** printable ASCII without a leading or trailing space: nothing the independent checks could refuse */
const PLAIN_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
// \p{C}: controls (Cc), format (Cf: bidi controls, zero-width, soft hyphen, tags…), surrogates (Cs),
// private use (Co), unassigned (Cn). Default_Ignorable_Code_Point adds what renders as nothing though
// not Cf: variation selectors, the combining grapheme joiner, Hangul fillers. Zl/Zp: U+2028/U+2029.
// (?! )\p{Zs}: every space separator but U+0020 (no-break, ideographic, en/em spaces…).
const FORBIDDEN = /[\p{C}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const PROBLEM_TEXT: Readonly<Record<IdentifierProblem, string>> = {
  missing: 'is missing',
  not_string: 'must be a string',
  length: 'must be 1–64 characters long',
  control: 'contains a control character',
  bidi: 'contains a bidirectional control character',
  invisible: 'contains an invisible formatting character',
  separator: 'contains a line or paragraph separator',
  space: 'contains a space other than U+0020',
  edge_space: 'starts or ends with a space',
  surrogate: 'contains an unpaired surrogate',
  private_use: 'contains a private-use character',
  unassigned: 'contains an unassigned code point',
  pattern: "does not match the hospital's identifier pattern",
};
const DEFAULT_ALPHABET = 'must be 1–64 letters, digits or _ . : -';

function hex(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A value as it may be shown in a reason or a log: quoted, everything but printable ASCII escaped as
 * \u{…} (so a bidi override, a zero-width space or a homoglyph such as Cyrillic "Р" is visible as what
 * it is, never rendered), and cut at `max` characters of that escaped text — escapes count at their
 * shown length, so 65 emoji give at most `max` + 3 characters, not 9 per emoji.
 */
export function displaySafe(value: string, max = 40): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const piece =
      ch === '"' || ch === '\\' ? '\\' + ch : cp >= 0x20 && cp <= 0x7e ? ch : '\\u{' + hex(cp) + '}';
    if (out.length + piece.length > max) return '"' + out + '…"';
    out += piece;
  }
  return '"' + out + '"';
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return displaySafe(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return 'a ' + typeof v;
}

function charProblem(ch: string): IdentifierProblem {
  const cp = ch.codePointAt(0) ?? 0;
  if (BIDI.test(ch)) return 'bidi';
  if (/\p{Cc}/u.test(ch)) return 'control';
  if (/[\p{Zl}\p{Zp}]/u.test(ch)) return 'separator';
  if (/\p{Zs}/u.test(ch)) return 'space';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'surrogate';
  if (/\p{Co}/u.test(ch)) return 'private_use';
  if (/\p{Cn}/u.test(ch)) return 'unassigned';
  return 'invisible';
}

/** Counts code points, stopping early past the limit. */
function longerThan(s: string, limit: number): boolean {
  if (s.length <= limit) return false;
  if (s.length > limit * 2) return true;
  let n = 0;
  for (const _ of s) if (++n > limit) return true;
  return false;
}

/**
 * The rule for a hospital pattern, or the default rule for null/undefined: a new instance on every
 * call, so that the adapters of one wiring, handed the same instance, share what it refused
 * (electron/main/adapters/identifier-gate.ts) and the next wiring starts afresh. Throws IdentifierPatternError
 * when the pattern is not a string, empty, too long, or does not compile as a JavaScript RegExp with
 * the u flag. The pattern is anchored here (`^(?:pattern)$`): anchors of its own are harmless.
 */
export function buildIdentifierRule(pattern?: string | null): IdentifierRule {
  if (pattern === undefined || pattern === null)
    return makeRule(DEFAULT_IDENTIFIER_PATTERN, false, DEFAULT_RE);
  if (typeof pattern !== 'string') throw new IdentifierPatternError('the pattern must be a string');
  if (pattern.trim() === '') throw new IdentifierPatternError('the pattern is empty');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new IdentifierPatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  let re: RegExp;
  try {
    // Compiled alone first: a pattern such as `a)|(b` would otherwise close the wrapping group and
    // leave an unanchored alternative. One that compiles alone has balanced groups, so wrapping is safe.
    new RegExp(pattern, 'u');
    re = new RegExp('^(?:' + pattern + ')$', 'u');
  } catch (err) {
    throw new IdentifierPatternError(
      'the pattern is not a valid JavaScript regular expression with the u flag (' +
        (err instanceof Error ? err.message : String(err)) +
        ')',
    );
  }
  if (pattern === DEFAULT_IDENTIFIER_PATTERN) return makeRule(pattern, false, DEFAULT_RE);
  const risk = backtrackingRisk(pattern);
  if (risk) throw new IdentifierPatternError(risk);
  return makeRule(pattern, true, re);
}

/**
 * Why a pattern could backtrack exponentially, or null. The pattern runs on the main process's one
 * thread against every id a device sends (JavaScript's RegExp has no time limit), so `(?:[A-Z0-9]+)+`
 * on 64 hostile characters would stop the station: no alarm, no screen. Refused, conservatively, are
 * the constructs exponential backtracking needs — a repeated group that itself holds a repetition or
 * an alternation (star height above one), and backreferences. Ids are at most 64 characters and are
 * length-checked before the pattern, so what remains (e.g. `[A-Z]*[0-9]*`) is polynomial in 64: fast.
 * A hospital scheme is always expressible without them (`(?:MRN|DEV)[0-9]{6}`, `[A-Z0-9]+`).
 */
export function backtrackingRisk(pattern: string): string | null {
  /** per open group: whether it holds something of variable length (a quantifier) or a `|` */
  interface Held {
    variable: boolean;
    alternates: boolean;
  }
  const groups: Held[] = [{ variable: false, alternates: false }];
  const top = (): Held => groups[groups.length - 1] ?? { variable: false, alternates: false };
  /** the group just closed, when the next character may be its quantifier */
  let lastGroup: Held | null = null;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') {
        return `the pattern uses a backreference (\\${next}): it could make the station hang on a hostile id`;
      }
      i++;
      lastGroup = null;
    } else if (c === '[') {
      // a character class is one atom, whatever it holds: skip to its closing bracket
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      lastGroup = null;
    } else if (c === '(') {
      groups.push({ variable: false, alternates: false });
      if (pattern[i + 1] === '?') i++; // (?: (?= (?<name> … : group syntax, not a quantifier
      lastGroup = null;
    } else if (c === ')') {
      const closed = groups.pop() ?? { variable: false, alternates: false };
      // what the inner group held, the outer one holds too
      top().variable ||= closed.variable;
      top().alternates ||= closed.alternates;
      lastGroup = closed;
    } else if (c === '|') {
      top().alternates = true;
      lastGroup = null;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let min = c === '+' ? 1 : 0;
      let max = c === '?' ? 1 : Infinity;
      if (c === '{') {
        const m = /^\{(\d+)(,?)(\d*)\}/.exec(pattern.slice(i));
        if (!m) continue; // a literal brace (the u flag refuses it anyway)
        min = Number(m[1]);
        max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
        i += m[0].length - 1;
      }
      if (max > 1 && lastGroup && (lastGroup.variable || lastGroup.alternates)) {
        return (
          'the pattern repeats a group that holds a quantifier or an alternative (e.g. (?:[A-Z0-9]+)+ or ' +
          '(?:A|B)+): it could make the station hang on a hostile id — write it without, e.g. [A-Z0-9]+'
        );
      }
      if (max !== min) top().variable = true;
      if (pattern[i + 1] === '?') i++; // lazy: the same repetition
      lastGroup = null;
    } else {
      lastGroup = null;
    }
  }
  return null;
}

function makeRule(pattern: string, custom: boolean, re: RegExp): IdentifierRule {
  const patternNote = custom ? ' ' + displaySafe(pattern, 80) : '';

  /** the problem with `v`, or null; the caller builds texts only for refusals */
  function problemOf(v: unknown): { problem: IdentifierProblem; at?: string } | null {
    if (typeof v !== 'string') return { problem: v === undefined ? 'missing' : 'not_string' };
    if (v.length === 0 || longerThan(v, MAX_IDENTIFIER_LENGTH)) return { problem: 'length' };
    if (!PLAIN_ASCII.test(v)) {
      const m = FORBIDDEN.exec(v);
      if (m) return { problem: charProblem(m[0]), at: m[0] };
      if (v.startsWith(' ') || v.endsWith(' ')) return { problem: 'edge_space' };
    }
    return re.test(v) ? null : { problem: 'pattern' };
  }

  function explain(kind: IdentifierKind, v: unknown): IdentifierRefusal | null {
    // the hot path: a valid id is one length check and one regex test
    if (typeof v === 'string' && v.length <= MAX_IDENTIFIER_LENGTH && (custom ? false : re.test(v))) {
      return null;
    }
    const found = problemOf(v);
    if (!found) return null;
    const { problem, at } = found;
    const summary = kind + ' ' + PROBLEM_TEXT[problem];
    let reason: string;
    if (problem === 'missing') reason = summary;
    else if (problem === 'not_string') reason = summary + ' (got ' + showValue(v) + ')';
    else if (!custom && (problem === 'length' || problem === 'pattern')) {
      // the wording nurses and technicians already know from the parser
      reason = kind + ' ' + DEFAULT_ALPHABET + ' (got ' + showValue(v) + ')';
    } else if (at !== undefined) {
      reason = summary + ' U+' + hex(at.codePointAt(0) ?? 0) + ' (got ' + showValue(v) + ')';
    } else if (problem === 'pattern') reason = summary + patternNote + ' (got ' + showValue(v) + ')';
    else reason = summary + ' (got ' + showValue(v) + ')';
    return { kind, problem, reason, summary };
  }

  return {
    pattern,
    custom,
    check: (kind, v) => explain(kind, v)?.reason ?? null,
    explain,
    accepts(v: unknown): v is string {
      if (typeof v !== 'string') return false;
      if (!custom) return v.length <= MAX_IDENTIFIER_LENGTH && re.test(v);
      return problemOf(v) === null;
    },
  };
}

const defaultRule: IdentifierRule = makeRule(DEFAULT_IDENTIFIER_PATTERN, false, DEFAULT_RE);

/** The station's conservative default: letters, digits and _ . : -, 1–64 characters. */
export const DEFAULT_IDENTIFIER_RULE: IdentifierRule = defaultRule;
