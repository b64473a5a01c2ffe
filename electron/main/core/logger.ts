// One logger for the main process. Messages are plain text for IT staff: they carry no patient data
// (no patient ids, names, notes or vital values: counts and states only), and secrets are masked in
// case one slipped into an error message. Each message is one line (`<ISO time> <LEVEL> <text>`, line
// breaks escaped, at most MAX_LINE_BYTES), written to stderr and to any added sink (the log file,
// core/log-file.ts). A sink that throws never reaches the caller, and never keeps a line from the
// other sinks.
type Level = 'info' | 'warn' | 'error';
export type LogSink = (line: string) => void;

/** The longest line written, in UTF-8 bytes: a runaway error message cannot fill the disk quickly. */
export const MAX_LINE_BYTES = 8 * 1024;

export function redact(message: string): string {
  return (
    message
      .replace(/(password|passwd|pwd|token|secret)(["'\s:=]+)([^\s"',;&]+)/gi, '$1$2***')
      .replace(/(\/\/[^:/\s@]+:)([^@/\s]+)@/g, '$1***@') // credentials in connection URLs
      // Alert ids are md5(patient id | type | time bucket): with the ward's few patient ids they can be
      // worked back to the patient, and each is a key to one patient's record in the alert store.
      .replace(/\b[0-9a-f]{32}\b/gi, '<alert id>')
      // values that database errors echo (a duplicate key, a refused value) may be patient data
      .replace(
        /(Duplicate entry |Incorrect [\w ]{1,40} value: |invalid input (?:syntax|value) for [^:\n]{1,60}: )(['"]).*?\2/gi,
        '$1$2***$2',
      )
  );
}

/** Line breaks and other control characters escaped: one message is one line, and cannot forge another. */
function oneLine(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

/** Cuts `line` to at most `maxBytes` UTF-8 bytes (never inside a character), saying how much was cut. */
export function capLine(line: string, maxBytes: number = MAX_LINE_BYTES): string {
  if (line.length * 3 <= maxBytes) return line; // cannot be over: at most 3 bytes per UTF-16 unit
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= maxBytes) return line;
  const suffix = ` … [${bytes.length} bytes, cut to ${maxBytes}]`;
  const keep = Math.max(0, maxBytes - Buffer.byteLength(suffix));
  // decoding a cut multi-byte character gives U+FFFD at the end: dropped
  const head = bytes
    .subarray(0, keep)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return head + suffix;
}

/** The line as every sink receives it (without the trailing newline). */
export function formatLine(level: Level, message: string, at: Date = new Date()): string {
  return capLine(`${at.toISOString()} ${level.toUpperCase()} ${oneLine(redact(message))}`);
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};
let primary: LogSink = stderrSink;
/** NURSE_STATION_LOG=silent: nothing on stderr (the log file, when there is one, still gets every line) */
let quiet = process.env.NURSE_STATION_LOG === 'silent';
const extra = new Set<LogSink>();

function deliver(line: string, except?: LogSink): void {
  if (!quiet && primary !== except) {
    try {
      primary(line);
    } catch {
      // stderr gone (EPIPE, a closed console): nothing to tell
    }
  }
  for (const sink of extra) {
    if (sink === except) continue;
    try {
      sink(line);
    } catch {
      // a sink reports its own failures (logExcept); it never breaks logging
    }
  }
}

export const logger = {
  log(level: Level, message: string): void {
    deliver(formatLine(level, message));
  },
  info: (m: string) => logger.log('info', m),
  warn: (m: string) => logger.log('warn', m),
  error: (m: string) => logger.log('error', m),
  /** Adds a destination (the log file) next to stderr; returns its removal. */
  addSink(sink: LogSink): () => void {
    extra.add(sink);
    return () => {
      extra.delete(sink);
    };
  },
  /** A line for every destination but `sink`: how a sink says that it failed. */
  logExcept(sink: LogSink, level: Level, message: string): void {
    deliver(formatLine(level, message), sink);
  },
  /** tests capture the log to prove what is (not) written; it takes stderr's place */
  setSink(next: LogSink): void {
    primary = next;
    quiet = false;
  },
};
