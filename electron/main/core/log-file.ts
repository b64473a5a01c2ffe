// The station's log file, for IT: `<dataDir>/logs/nurse-station.log`, rotated by size
// (nurse-station.1.log … nurse-station.4.log are the older ones), next to stderr. A station started
// from a desktop shortcut has no console, so this is the only record of what it did.
//
// A small sink of our own rather than electron-log or pino: it must behave the same in the Electron
// shell, the web shell and tests (plain Node); pino's file transports run in worker threads, which the
// electron-vite main bundle (dependencies external) does not ship well; electron-log keeps a single
// `.old.log` and creates files with the umask's mode. Here every rule is ours and tested:
// - the folder is 0700 and the files 0600 (the data folder is private: see prepareDataDir);
// - at most (1 + keep) × maxBytes on disk: a line is capped (MAX_LINE_BYTES) and the file is rotated
//   before a line would take it over maxBytes;
// - a restart continues the current file (its size is read when it is opened);
// - a failing write (disk full, folder deleted, permission) never throws into the caller and never
//   costs the stderr line; the file is reopened (its folder made again) on the next write after
//   `retryMs`, and a line in it then says how many lines it missed;
// - a folder deleted or a file moved away while open is noticed (at most every `checkEveryMs`) and
//   the file is made again: on Linux the write would otherwise go on into a file nobody can see.
// Appends are synchronous (one write(2) per line, ≈ a few µs): at the station's volume of log lines
// this costs nothing noticeable, and no line is lost in a crash's last moments.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { capLine, formatLine, logger, MAX_LINE_BYTES, type LogSink } from './logger';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

export const LOG_FILE_DEFAULTS = {
  name: 'nurse-station',
  maxBytes: 5 * 1024 * 1024,
  keep: 4,
  checkEveryMs: 1_000,
  retryMs: 5_000,
} as const;

/** Where a station whose data folder is `dataDir` keeps its log files. */
export function logDirOf(dataDir: string): string {
  return join(dataDir, 'logs');
}

/** The file system calls the sink makes: tests put failures in between. */
export interface LogFs {
  mkdirSync: typeof mkdirSync;
  chmodSync: typeof chmodSync;
  openSync: typeof openSync;
  fchmodSync: typeof fchmodSync;
  fstatSync: typeof fstatSync;
  lstatSync: typeof lstatSync;
  writeSync: typeof writeSync;
  closeSync: typeof closeSync;
  renameSync: typeof renameSync;
  rmSync: typeof rmSync;
}

const nodeFs: LogFs = {
  mkdirSync,
  chmodSync,
  openSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  writeSync,
  closeSync,
  renameSync,
  rmSync,
};

export interface RotatingFileOptions {
  dir: string;
  /** the file name without `.log` */
  name?: string;
  /** the current file is rotated before a line would make it larger than this */
  maxBytes?: number;
  /** how many older files are kept (name.1.log is the newest of them) */
  keep?: number;
  maxLineBytes?: number;
  /** how often, at most, the path is checked to still be the open file */
  checkEveryMs?: number;
  /** after a failure, lines are not tried on the file again for this long */
  retryMs?: number;
  /** a monotonic clock in ms */
  now?: () => number;
  fs?: LogFs;
  /** told once when the file fails, and once when it works again */
  report?: (level: 'info' | 'warn', message: string) => void;
}

export interface LogFileStatus {
  file: string;
  open: boolean;
  /** bytes in the current file, as far as this process knows */
  size: number;
  /** why the file cannot be written now, or null */
  problem: string | null;
  /** lines not written to the file since it failed */
  missed: number;
}

export interface RotatingFileSink {
  readonly dir: string;
  readonly file: string;
  /** Appends one line (a newline is added); never throws. */
  write(line: string): void;
  close(): void;
  status(): LogFileStatus;
}

interface Identity {
  dev: number;
  ino: number;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = String(e?.message ?? e);
  // Node's own messages start with the code ("ENOSPC: no space left on device, write")
  return e?.code && !message.startsWith(e.code) ? `${e.code}: ${message}` : message;
}

export function createRotatingFileSink(opts: RotatingFileOptions): RotatingFileSink {
  const fs = opts.fs ?? nodeFs;
  const dir = resolve(opts.dir);
  const name = opts.name ?? LOG_FILE_DEFAULTS.name;
  const maxBytes = Math.max(1024, opts.maxBytes ?? LOG_FILE_DEFAULTS.maxBytes);
  const keep = Math.max(0, Math.floor(opts.keep ?? LOG_FILE_DEFAULTS.keep));
  const maxLineBytes = Math.min(opts.maxLineBytes ?? MAX_LINE_BYTES, maxBytes);
  const checkEveryMs = opts.checkEveryMs ?? LOG_FILE_DEFAULTS.checkEveryMs;
  const retryMs = opts.retryMs ?? LOG_FILE_DEFAULTS.retryMs;
  const now = opts.now ?? (() => performance.now());
  const report = opts.report ?? (() => undefined);
  const file = join(dir, `${name}.log`);
  const older = (n: number) => join(dir, `${name}.${n}.log`);
  // never follow a link planted at the path (where the platform can say so)
  const openFlags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

  let fd: number | null = null;
  let opened: Identity | null = null;
  let size = 0;
  let checkedAt = 0;
  let failedAt: number | null = null;
  let problem: string | null = null;
  let missed = 0;
  let closed = false;

  function closeFd(): void {
    if (fd === null) return;
    try {
      fs.closeSync(fd);
    } catch {
      // already unusable
    }
    fd = null;
    opened = null;
  }

  function open(): void {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    try {
      fs.chmodSync(dir, PRIVATE_DIR); // an existing folder too
    } catch {
      // not ours to change (another owner): the files themselves are still 0600
    }
    const next = fs.openSync(file, openFlags, PRIVATE_FILE);
    try {
      fs.fchmodSync(next, PRIVATE_FILE); // a file an older version (or IT) left readable
      const st = fs.fstatSync(next);
      fd = next;
      opened = { dev: st.dev, ino: st.ino };
      size = st.size;
      checkedAt = now();
    } catch (err) {
      fs.closeSync(next);
      throw err;
    }
  }

  /** The path is still the open file (not deleted, not moved away, not replaced); size re-read. */
  function stillOpenFile(): boolean {
    if (fd === null || opened === null) return false;
    try {
      const st = fs.lstatSync(file);
      if (st.dev !== opened.dev || st.ino !== opened.ino) return false;
      size = fs.fstatSync(fd).size; // another writer, or IT emptied it
      return true;
    } catch {
      return false;
    }
  }

  /** nurse-station.log → .1.log → … → .<keep>.log, the oldest removed; then a new current file. */
  function rotate(): void {
    closeFd();
    if (keep === 0) {
      fs.rmSync(file, { force: true });
    } else {
      fs.rmSync(older(keep), { force: true });
      for (let n = keep - 1; n >= 1; n--) renameIfThere(older(n), older(n + 1));
      fs.renameSync(file, older(1));
    }
    open();
  }

  function renameIfThere(from: string, to: string): void {
    try {
      fs.renameSync(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  function append(bytes: Buffer): void {
    if (fd === null) throw new Error('the log file is not open');
    let done = 0;
    while (done < bytes.length) {
      const n = fs.writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw new Error('the log file took no bytes');
      done += n;
      size += n;
    }
  }

  function fail(err: unknown): void {
    closeFd();
    failedAt = now();
    const first = problem === null;
    problem = describe(err);
    if (first) {
      report(
        'warn',
        `cannot write the log file ${file} (${problem}); lines go to stderr only, retried every ${Math.round(retryMs / 1000)} s`,
      );
    }
  }

  /** Rotates first when the line would take the file over maxBytes. */
  function put(bytes: Buffer): void {
    if (size > 0 && size + bytes.length > maxBytes) rotate();
    append(bytes);
  }

  const own = (message: string) => Buffer.from(`${formatLine('warn', message)}\n`, 'utf8');

  function write(line: string): void {
    if (closed) return;
    const bytes = Buffer.from(`${capLine(line, maxLineBytes)}\n`, 'utf8');
    try {
      if (fd === null) {
        if (failedAt !== null && now() - failedAt < retryMs) {
          missed++;
          return;
        }
        open();
      } else if (now() - checkedAt >= checkEveryMs) {
        checkedAt = now();
        if (!stillOpenFile()) {
          closeFd();
          open();
          put(
            own(
              'the log file was deleted or moved away while open and has been made again; the lines of the last second before may be missing',
            ),
          );
          report('warn', `the log file ${file} was deleted or moved away while open; made again`);
        }
      }
      if (problem !== null) {
        // back after a failure: the file says what it missed
        put(
          own(
            `this log file missed ${missed} line(s) while it could not be written (${problem}); they went to stderr only`,
          ),
        );
      }
      put(bytes);
    } catch (err) {
      missed++;
      fail(err);
      return;
    }
    if (problem !== null) {
      const was = problem;
      problem = null;
      failedAt = null;
      missed = 0;
      report('info', `the log file ${file} is written again (it failed with ${was})`);
    }
  }

  return {
    dir,
    file,
    write(line) {
      try {
        write(line);
      } catch {
        // write() catches its own failures; nothing may reach the caller
      }
    },
    close() {
      closed = true;
      closeFd();
    },
    status: () => ({ file, open: fd !== null, size, problem, missed }),
  };
}

export interface FileLog {
  /** the folder of the log files (absolute) */
  readonly dir: string;
  /** the current log file */
  readonly file: string;
  status(): LogFileStatus;
  /** Stops writing the file (stderr goes on). */
  close(): void;
}

let installed: FileLog | null = null;

/**
 * Sends every logger line to rotating files in `dir` as well as stderr, from now on. Never throws: a
 * folder that cannot be made is reported on stderr and tried again. A second call replaces the first.
 */
export function installFileLog(opts: { dir: string } & Omit<RotatingFileOptions, 'dir' | 'report'>): FileLog {
  installed?.close();
  let sink: RotatingFileSink | null = null;
  const toFile: LogSink = (line) => sink?.write(line);
  sink = createRotatingFileSink({
    ...opts,
    report: (level, message) => logger.logExcept(toFile, level, message),
  });
  const remove = logger.addSink(toFile);
  const s = sink;
  const handle: FileLog = {
    dir: s.dir,
    file: s.file,
    status: () => s.status(),
    close() {
      remove();
      s.close();
      if (installed === handle) installed = null;
    },
  };
  installed = handle;
  logger.info(`log files in ${s.dir} (pid ${process.pid})`);
  return handle;
}
