// The nurse-station command line: `replay`, `burden`, `simulate`, `roster` and `audit`. Run with
// `node bin/nurse-station.mjs …`, `npm run cli -- …`, or `tsx electron/main/cli/main.ts …`.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AUDIT_HELP, auditCommand } from './audit';
import { BURDEN_HELP, burdenCommand } from './burden';
import { CliError, type CliIo } from './cli-io';
import { REPLAY_HELP, replayCommand } from './replay';
import { ROSTER_HELP, rosterCommand } from './roster';
import { SIMULATE_HELP, simulateCommand } from './simulate';

export const MAIN_HELP = `Usage: nurse-station <command> [options]

Commands:
  replay FILE|-   run vital-sign readings (JSON lines) through the alert engine; alerts out
  burden FILE|-   the alarm burden of readings: alerts, episodes, notifications per bed per day
  simulate        simulate a ward of bedside devices; messages to stdout or Kafka
  roster          list or set who may sign in (IT: the first charge nurse, a forgotten PIN)
  audit verify    check the audit's hash chains (station SQLite or MySQL); names the first broken row

Run 'nurse-station <command> --help' for a command's options.
`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; help: string }> = {
  replay: { run: replayCommand, help: REPLAY_HELP },
  burden: { run: burdenCommand, help: BURDEN_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
  roster: { run: rosterCommand, help: ROSTER_HELP },
  audit: { run: (args, io) => auditCommand(args, io), help: AUDIT_HELP },
};

/** Runs one command line; returns the exit status. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      const sub = topic !== undefined ? COMMANDS[topic] : undefined;
      if (topic !== undefined && !sub)
        throw new CliError(`unknown command ${JSON.stringify(topic)} (see --help)`);
      (command === undefined ? io.stderr : io.stdout).write(sub ? sub.help : MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    const cmd = COMMANDS[command];
    if (!cmd) throw new CliError(`unknown command ${JSON.stringify(command)} (see --help)`);
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      // command errors read "nurse-station replay: …", the others "nurse-station: …"
      const sep =
        command !== undefined && command in COMMANDS && err.message.startsWith(command + ':') ? ' ' : ': ';
      io.stderr.write(`nurse-station${sep}${err.message}\n`);
      return err.exitCode;
    }
    // a bug: still one line, no stack trace (set NURSE_STATION_DEBUG=1 for it)
    io.stderr.write(`nurse-station: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.NURSE_STATION_DEBUG) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 1;
  }
}

/** The process entry: real streams, Ctrl-C stops cleanly (twice: at once). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runCli(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: abort.signal,
      now: Date.now,
      systemTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
