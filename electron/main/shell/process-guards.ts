// The main process must not die silently. An uncaught exception leaves it in an unknown state, so
// the station restarts itself — telling the ward it did — unless it keeps failing, in which case it
// stops with a dialog that stays on screen until someone reads it. A rejected promise nobody handled
// is logged and counted, and the station goes on (Node would otherwise turn it into a crash).
import { logger } from '../core/logger';

/** more fatal errors than this within CRASH_WINDOW_MS and the station stops relaunching itself */
export const MAX_RESTARTS = 3;
export const CRASH_WINDOW_MS = 10 * 60_000;
/** the relaunched process learns of the earlier crashes through this argument */
export const RESTART_ARG = '--nurse-station-restarts=';

export interface ProcessGuardDeps {
  /** tell the ward now (native notification, tray): the station is about to restart or stop */
  announce: (title: string, body: string) => void;
  /**
   * start a new instance with these extra arguments, then exit this one (after a bounded attempt to
   * close the station, so queued acknowledgements are flushed and the database is closed)
   */
  relaunch: (args: string[]) => void;
  /** the station cannot recover: show a dialog that waits for a person, then exit */
  stop: (title: string, body: string) => void;
  argv?: readonly string[];
  now?: () => number;
  proc?: Pick<NodeJS.Process, 'on' | 'removeListener'>;
}

export interface ProcessGuards {
  /** epoch ms of the fatal errors this run knows of (earlier runs included) */
  recentRestarts(): number[];
  unhandledRejections(): number;
  dispose(): void;
}

/** The earlier fatal errors, read from this process's arguments (only recent ones count). */
export function restartsFromArgv(argv: readonly string[], now: number): number[] {
  const arg = argv.find((a) => a.startsWith(RESTART_ARG));
  if (!arg) return [];
  return arg
    .slice(RESTART_ARG.length)
    .split(',')
    .map(Number)
    .filter((t) => Number.isFinite(t) && t <= now && now - t < CRASH_WINDOW_MS);
}

export function installProcessGuards(deps: ProcessGuardDeps): ProcessGuards {
  const proc = deps.proc ?? process;
  const now = deps.now ?? Date.now;
  const argv = deps.argv ?? process.argv;
  const restarts = restartsFromArgv(argv, now());
  let rejections = 0;
  let handling = false;

  const announce = (title: string, body: string): void => {
    // telling the ward must never stop the restart or the stop that follows
    try {
      deps.announce(title, body);
    } catch (inner) {
      logger.error(`shell: could not announce the error: ${describe(inner)}`);
    }
  };

  const onException = (err: Error, origin: string): void => {
    logger.error(`shell: uncaught exception (${origin}): ${describe(err)}`);
    if (handling) return; // a second error while restarting: the first one's restart or stop goes on
    handling = true;
    const t = now();
    const recent = [...restarts.filter((r) => t - r < CRASH_WINDOW_MS), t];
    if (recent.length > MAX_RESTARTS) {
      const body =
        `Nurse Station failed ${recent.length} times in ${CRASH_WINDOW_MS / 60_000} minutes and has stopped. ` +
        'This station is NOT monitoring: watch the patients at the bedside and call IT now.';
      announce('Nurse Station has stopped', body);
      deps.stop('Nurse Station has stopped', `${body}\n\nThe log folder holds the details for IT.`);
      return;
    }
    announce(
      'Nurse Station is restarting',
      'An internal error stopped the station; it restarts by itself in a few seconds. Check that it is back.',
    );
    const kept = argv.slice(1).filter((a) => !a.startsWith(RESTART_ARG));
    deps.relaunch([...kept, `${RESTART_ARG}${recent.join(',')}`]);
  };
  const onRejection = (reason: unknown): void => {
    rejections++;
    logger.error(`shell: unhandled promise rejection #${rejections}: ${describe(reason)}`);
  };
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);

  return {
    recentRestarts: () => [...restarts],
    unhandledRejections: () => rejections,
    dispose() {
      proc.removeListener('uncaughtException', onException);
      proc.removeListener('unhandledRejection', onRejection);
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
