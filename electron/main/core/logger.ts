// One logger for the main process. Messages are plain text for IT staff: patient data is kept to
// ids, and secrets are masked in case one slipped into an error message.
type Level = 'info' | 'warn' | 'error';

export function redact(message: string): string {
  return message
    .replace(/(password|passwd|pwd|token|secret)(["'\s:=]+)([^\s"',;&]+)/gi, '$1$2***')
    .replace(/(\/\/[^:/\s@]+:)([^@/\s]+)@/g, '$1***@'); // credentials in connection URLs
}

let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
let quiet = process.env.NURSE_STATION_LOG === 'silent';

export const logger = {
  log(level: Level, message: string): void {
    if (quiet) return;
    sink(`${new Date().toISOString()} ${level.toUpperCase()} ${redact(message)}`);
  },
  info: (m: string) => logger.log('info', m),
  warn: (m: string) => logger.log('warn', m),
  error: (m: string) => logger.log('error', m),
  /** tests capture the log to prove what is (not) written */
  setSink(next: (line: string) => void): void {
    sink = next;
    quiet = false;
  },
};
