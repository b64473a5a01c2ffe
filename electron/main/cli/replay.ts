// `nurse-station replay FILE|-`: device messages (JSON lines) in, alerts (JSON lines) out, through the
// same parser and alert engine as the app's simulator mode. Deterministic: time is the readings' own
// measure_time, never the wall clock.
import type { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Alert, Reading } from '../../../shared/domain/types';
import { AlertEngine } from '../../../shared/engine/alert-engine';
import { formatWardTime, parseReading } from '../../../shared/engine/parse-reading';
import { CliError, intOption, parseOrExplain, timeZoneOption, writeOut, type CliIo } from './cli-io';

export const REPLAY_HELP = `Usage: nurse-station replay [options] FILE|-

Reads vital-sign readings as JSON lines (the demo's Kafka messages, e.g.
{"patient_id": "P001", "device_id": "D003", "measure_time": "2026-11-20 08:00:00.130",
 "heart_rate": 97, "blood_oxygen": 96.56, "blood_glucose": 5.09}) from FILE, or from stdin
with "-", runs them through the alert engine, and writes each alert as one JSON line:
  {"alert_id", "patient_id", "device_id", "alert_time", "alert_type", "alert_detail", "alert_level"}

Rejected lines (malformed, missing or impossible values, late or repeated readings) are
reported on stderr with their line number and reason, followed by a summary.

Time is the readings' own: signal loss is checked once per second of measure_time as the
file's newest measure_time advances (a bed silent for --signal-loss-ms raises signal_loss).
Nothing is checked after the last reading, so the same file always gives the same alerts.

Options:
  --time-zone ZONE        ward time zone of measure_time values without an offset, and of
                          alert_time (default: the system zone)
  --iso                   write alert_time as ISO-8601 UTC instead of ward time
  --signal-loss-ms MS     silence that raises signal_loss (default 30000)
  -h, --help              show this help

Exit status: 0 when the input was read (even with rejected lines), 2 when it could not be
read or the options are wrong.
`;

export type ReadingStep =
  | { kind: 'blank'; line: number }
  | { kind: 'rejected'; line: number; reason: string }
  /** a reading the engine accepted, and the alerts it raised */
  | { kind: 'reading'; line: number; reading: Reading; alerts: Alert[] }
  /** a signal-loss check at `at` (once per second of reading time), and what it raised */
  | { kind: 'tick'; line: number; at: number; alerts: Alert[] };

/**
 * Device messages (JSON lines) through the parser and `engine`, as a live station would see them: time
 * is the readings' own, and signal loss is checked every second of it as the newest measure_time
 * advances. Shared by `replay` and `burden`.
 */
export async function* runReadings(
  lines: AsyncIterable<string>,
  engine: AlertEngine,
  opts: { timeZone: string; signalLossMs: number },
): AsyncGenerator<ReadingStep> {
  let line = 0;
  let clock = -Infinity; // newest measure_time ingested so far
  let nextTick = 0; // next whole second at which signal loss is checked
  for await (const raw of lines) {
    line++;
    if (raw.trim() === '') {
      yield { kind: 'blank', line };
      continue;
    }
    const parsed = parseReading(raw, { timeZone: opts.timeZone });
    if (!parsed.ok) {
      yield { kind: 'rejected', line, reason: parsed.reason };
      continue;
    }
    const t = parsed.reading.measureTime;
    if (t > clock) {
      if (clock === -Infinity) nextTick = Math.floor(t / 1000) * 1000 + 1000;
      // Beyond the newest reading + the loss delay every bed is already lost: skip the idle seconds.
      while (nextTick <= t) {
        const at = nextTick;
        const alerts = engine.tick(at);
        nextTick += 1000;
        if (nextTick > clock + opts.signalLossMs + 1000 && nextTick <= t) {
          nextTick = Math.max(nextTick, Math.floor(t / 1000) * 1000);
        }
        yield { kind: 'tick', line, at, alerts };
      }
    }
    const out = engine.ingest(parsed.reading);
    if (!out.accepted) {
      yield { kind: 'rejected', line, reason: `${out.reason}: ${out.detail}` };
      continue;
    }
    if (t > clock) clock = t;
    yield { kind: 'reading', line, reading: parsed.reading, alerts: out.alerts };
  }
}

/** Rejected lines printed individually; the rest only counted (the summary has the total). */
const MAX_REPORTED = 1000;

export interface ReplaySummary {
  lines: number;
  accepted: number;
  rejected: number;
  alerts: number;
  level1: number;
  level2: number;
}

function alertLine(a: Alert, timeZone: string, iso: boolean): string {
  return (
    JSON.stringify({
      alert_id: a.alertId,
      patient_id: a.patientId,
      device_id: a.deviceId,
      alert_time: iso ? new Date(a.alertTime).toISOString() : formatWardTime(a.alertTime, timeZone),
      alert_type: a.alertType,
      alert_detail: a.alertDetail,
      alert_level: a.alertLevel,
    }) + '\n'
  );
}

async function openInput(file: string, io: CliIo): Promise<NodeJS.ReadableStream> {
  if (file === '-') return io.stdin;
  try {
    const fh = await open(file, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      throw new CliError(`replay: cannot read ${file}: it is a directory`);
    }
    return fh.createReadStream({ encoding: 'utf8' });
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (err as Error).message;
    throw new CliError(`replay: cannot read ${file}: ${why}`);
  }
}

export async function replayCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrExplain('replay', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        'time-zone': { type: 'string' },
        iso: { type: 'boolean' },
        'signal-loss-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new CliError('replay: give exactly one FILE, or - for stdin (see --help)');
  const file = positionals[0]!;
  const timeZone = timeZoneOption('replay', values['time-zone'], io);
  const signalLossMs = intOption('replay', 'signal-loss-ms', values['signal-loss-ms'], 30_000, 1, 86_400_000);
  const iso = values.iso ?? false;

  const input = await openInput(file, io);
  const engine = new AlertEngine({ signalLossMs });
  const summary: ReplaySummary = { lines: 0, accepted: 0, rejected: 0, alerts: 0, level1: 0, level2: 0 };
  let outputClosed = false;
  const onOutputError = () => {
    outputClosed = true; // e.g. `| head`: stop quietly
  };
  io.stdout.on('error', onOutputError);

  const emit = async (alerts: Alert[]) => {
    for (const a of alerts) {
      summary.alerts++;
      if (a.alertLevel === 2) summary.level2++;
      else summary.level1++;
      if (outputClosed) continue;
      const wait = writeOut(io.stdout, alertLine(a, timeZone, iso));
      if (wait) await wait.catch(onOutputError);
    }
  };
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    if (summary.rejected <= MAX_REPORTED) io.stderr.write(`line ${line}: ${reason}\n`);
    else if (summary.rejected === MAX_REPORTED + 1)
      io.stderr.write(`(further rejected lines are only counted)\n`);
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  let readError: unknown = null;
  input.on('error', (err) => {
    readError = err;
  });
  // Ctrl-C while waiting on stdin: end the loop, still print the summary
  const onAbort = () => lines.close();
  io.signal.addEventListener('abort', onAbort);
  try {
    for await (const step of runReadings(lines, engine, { timeZone, signalLossMs })) {
      if (io.signal.aborted || outputClosed) break;
      summary.lines = step.line;
      if (step.kind === 'rejected') reject(step.line, step.reason);
      else if (step.kind !== 'blank') {
        if (step.kind === 'reading') summary.accepted++;
        await emit(step.alerts);
      }
    }
  } catch (err) {
    readError = err;
  } finally {
    io.stdout.off('error', onOutputError);
    io.signal.removeEventListener('abort', onAbort);
    if (input !== io.stdin) (input as ReadStream).destroy();
  }
  if (readError) {
    const code = (readError as NodeJS.ErrnoException).code;
    throw new CliError(
      `replay: cannot read ${file === '-' ? 'stdin' : file}: ${code === 'EISDIR' ? 'it is a directory' : (readError as Error).message}`,
    );
  }
  io.stderr.write(
    `replay: ${summary.lines} lines, ${summary.accepted} readings accepted, ${summary.rejected} rejected; ` +
      `${summary.alerts} alerts (level 1: ${summary.level1}, level 2: ${summary.level2})` +
      (io.signal.aborted ? ' (interrupted)' : '') +
      '\n',
  );
  return 0;
}
