// What a CLI command touches of the outside world, so tests can run commands in-process.
import { isValidTimeZone } from '../../../shared/engine/time-zone';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** aborted on SIGINT/SIGTERM: commands stop cleanly, report, and return */
  signal: AbortSignal;
  /** wall clock, epoch ms */
  now: () => number;
  /** the system's IANA time zone */
  systemTimeZone: string;
}

/** A usage or input problem: printed as one line, exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Runs node:util parseArgs, turning its errors into one readable line. */
export function parseOrExplain<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const msg =
      err instanceof Error
        ? err.message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '')
        : String(err);
    throw new CliError(`${command}: ${msg} (see --help)`);
  }
}

export function intOption(
  command: string,
  name: string,
  raw: string | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new CliError(
      `${command}: --${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`,
    );
  }
  return v;
}

export function numberOption(
  command: string,
  name: string,
  raw: string | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return def;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= min || v > max) {
    throw new CliError(
      `${command}: --${name} must be a number above ${min} and at most ${max} (got ${JSON.stringify(raw)})`,
    );
  }
  return v;
}

export function timeZoneOption(command: string, raw: string | undefined, io: CliIo): string {
  const tz = raw ?? io.systemTimeZone;
  if (!isValidTimeZone(tz)) {
    throw new CliError(
      `${command}: unknown time zone ${JSON.stringify(tz)} (use an IANA name such as Europe/Berlin or UTC)`,
    );
  }
  return tz;
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full. Rejects when the stream fails
 * (e.g. EPIPE after `| head`). */
export function writeOut(stream: NodeJS.WritableStream, chunk: string): Promise<void> | null {
  if (stream.write(chunk)) return null;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: unknown) => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
