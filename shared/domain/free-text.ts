// Free text a nurse types (the note of an acknowledgement), cleaned before it is stored (issue #18).
// Kept as typed, except what no one means to type and what breaks the places the note goes next:
// - line breaks: CR LF and a lone CR become LF, so the note reads the same in the SQLite cache, MySQL,
//   the CSV export and the screen;
// - a tab becomes one space (a tab is how a pasted spreadsheet cell arrives; it also starts a formula
//   in a CSV cell);
// - NUL and every other C0/C1 control, U+2028/U+2029 (a line break to JavaScript, not to SQL or CSV)
//   and the bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C: they make
//   the text after them display in another order than it is stored) are removed;
// - an unpaired surrogate (half an emoji, from a truncated paste) is removed: MySQL's utf8mb4 refuses it;
// - trailing blanks and newlines are trimmed; leading ones are kept (an indented list is intentional).
// Joiners (U+200C/U+200D) stay: Persian, Indic scripts and emoji sequences need them.
// Pure: used by the IPC contract's zod schema (shared/ipc/contract.ts), in main and in the renderer.

/** Longest note stored, counted after cleaning (UTF-16 units, as the input's maxlength counts). */
export const MAX_NOTE_CHARS = 1000;
/** Longer input is refused before cleaning: no one types 4000 characters into a note. */
export const MAX_NOTE_INPUT_CHARS = 4000;

const CRLF = /\r\n?/g;
const TAB = /\t/g;
// C0 but LF, DEL, C1; line and paragraph separators; bidi embeddings, overrides, isolates and marks
const REMOVED =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The note as it is stored: see the rules above. Idempotent. */
export function cleanFreeText(text: string): string {
  return text
    .replace(CRLF, '\n')
    .replace(TAB, ' ')
    .replace(REMOVED, '')
    .replace(LONE_SURROGATE, '')
    .trimEnd();
}

/** Longest alert detail shown (the demo's `alert_detail` is VARCHAR(255); the Kafka sink may send more). */
export const MAX_DEVICE_TEXT_CHARS = 500;

// Besides the note's removals: zero-width and invisible formatting characters (U+200B–U+200D, U+2060–U+2065,
// U+FEFF) — a machine-written detail needs none of them, and they hide what a spoofed detail says.
const INVISIBLE = /[\u200b-\u200d\u2060-\u2065\ufeff]/g;
const LINE_BREAKS = /\n+/g;

/**
 * Text another system wrote next to a checked identifier (an alert's `alert_detail` from RisingWave,
 * its Kafka sink or MySQL): one line, cleaned like a note and of invisible characters, cut at `max`
 * UTF-16 units without splitting a character. It becomes a notification body, the alert detail and a
 * CSV cell, so a hostile producer must not make it read as something else than it is. Idempotent.
 */
export function cleanDeviceText(text: string, max = MAX_DEVICE_TEXT_CHARS): string {
  const clean = cleanFreeText(text).replace(INVISIBLE, '').replace(LINE_BREAKS, ' ').trim();
  if (clean.length <= max) return clean;
  let out = '';
  for (const ch of clean) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}
