// Runs one `nurse-station` command line in process, with its output captured: what the CLI specs
// share (stdin given as text, a fixed clock, UTC).
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../electron/main/cli/cli-io';
import { runCli } from '../../electron/main/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(
  argv: string[],
  opts: { stdin?: string; now?: () => number } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = {
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    stdout,
    stderr,
    signal: new AbortController().signal,
    now: opts.now ?? (() => Date.UTC(2026, 11, 7)),
    systemTimeZone: 'UTC',
  };
  const code = await runCli(argv, io);
  // the streams deliver their last chunk on the next turn
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}
