// Where the Electron station keeps its data (station.sqlite with the acknowledgement cache and its
// -wal/-shm, settings.json, shell.json, logs/), and the one-time move from where earlier versions
// kept it. Pure module (no electron import): the shell passes what Electron knows.
//
// - NURSE_STATION_DATA_DIR, when set, wins (as in the web shell): IT's explicit choice.
// - Windows, installed: %ProgramData%\Nurse Station, one folder for the machine. The NSIS installer
//   installs per machine and creates that folder writable by the local Users group
//   (electron/resources/installer.nsh). Per user, a second Windows login on the ward PC would see
//   none of the acknowledgements made under the first, and acknowledgements not yet in the hospital's
//   alert store would wait in one user's profile until that user logged in again.
// - Everywhere else (Linux stations, development): Electron's per-user userData folder. A Linux
//   station PC runs one ward (kiosk) account: per user is per station there, the folder stays 0700
//   and no other account can read the patient data in it. A Linux PC shared by several accounts sets
//   NURSE_STATION_DATA_DIR to a folder of a group all of them are in.
// Electron's own per-user data (Chromium's profile, its caches) stays in userData in every case.
//
// Usage, in the Electron shell after 'ready':
//
//   const data = resolveStationDataDir({
//     platform: process.platform,
//     env: process.env,
//     userDataDir: app.getPath('userData'),
//     programDataDir: process.env.ProgramData,
//     isPackaged: app.isPackaged,
//   });
//   const adopted = adoptLegacyData({ from: data.legacyDirs, to: data.dir });
//   if (adopted.warning) logger.warn(adopted.warning);
//   else if (adopted.adoptedFrom) logger.info(`data: moved in from ${adopted.adoptedFrom}: ${adopted.copied.join(', ')}`);
//   ... createHost({ dataDir: data.dir, ... })
import * as nodeFs from 'node:fs';
import { posix, win32 } from 'node:path';

/** the folder's name under %ProgramData% (electron/resources/installer.nsh creates it; a test checks) */
export const MACHINE_DATA_DIR_NAME = 'Nurse Station';
/** the userData folder name of versions named after package.json's "name" */
export const LEGACY_USER_DATA_NAME = 'nurse-station';
export const DATA_DIR_ENV = 'NURSE_STATION_DATA_DIR';

export type DataDirScope = 'env' | 'machine' | 'user';

export interface StationDataDir {
  dir: string;
  scope: DataDirScope;
  /** earlier per-user folders whose data adoptLegacyData moves into `dir` once (most recent name first) */
  legacyDirs: string[];
}

export interface StationDataDirInputs {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** app.getPath('userData') */
  userDataDir: string;
  /** %ProgramData% (process.env.ProgramData); when absent, read from `env`, else C:\ProgramData */
  programDataDir?: string;
  isPackaged: boolean;
  /** for a relative NURSE_STATION_DATA_DIR; default process.cwd() */
  cwd?: string;
}

export function resolveStationDataDir(inputs: StationDataDirInputs): StationDataDir {
  const { platform, env, userDataDir } = inputs;
  const path = platform === 'win32' ? win32 : posix;
  const override = env[DATA_DIR_ENV]?.trim();
  if (override) {
    return { dir: path.resolve(inputs.cwd ?? process.cwd(), override), scope: 'env', legacyDirs: [] };
  }
  const earlierName = path.join(path.dirname(userDataDir), LEGACY_USER_DATA_NAME);
  if (platform === 'win32' && inputs.isPackaged) {
    const programData =
      nonEmpty(inputs.programDataDir) ??
      nonEmpty(env.ProgramData) ??
      nonEmpty(env.PROGRAMDATA) ??
      nonEmpty(env.ALLUSERSPROFILE) ??
      'C:\\ProgramData';
    return {
      dir: win32.join(programData, MACHINE_DATA_DIR_NAME),
      scope: 'machine',
      legacyDirs: distinct(platform, [userDataDir, earlierName]),
    };
  }
  return {
    dir: userDataDir,
    scope: 'user',
    legacyDirs: distinct(platform, [earlierName]).filter((d) => !samePath(platform, d, userDataDir)),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value.trim() : undefined;
}

function samePath(platform: NodeJS.Platform, a: string, b: string): boolean {
  // Windows and macOS folders are case-insensitive by default
  return platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}

function distinct(platform: NodeJS.Platform, dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) if (!out.some((o) => samePath(platform, o, d))) out.push(d);
  return out;
}

// ---- the one-time move ----------------------------------------------------------------------------

/** the station's database and its WAL files: they go together or not at all */
export const DATABASE_FILES = ['station.sqlite-wal', 'station.sqlite-shm', 'station.sqlite'] as const;
/** the settings files (station and shell) */
export const SETTINGS_FILES = ['settings.json', 'shell.json'] as const;

/** What adoptLegacyData needs of node:fs (tests pass a failing one). */
export type AdoptFs = Pick<
  typeof nodeFs,
  'existsSync' | 'statSync' | 'mkdirSync' | 'copyFileSync' | 'renameSync' | 'rmSync' | 'constants'
>;

export interface AdoptResult {
  /** the folder the data was copied from; null when nothing was copied */
  adoptedFrom: string | null;
  /** file names copied into `to` */
  copied: string[];
  /** settings files `to` already had (kept: an administrator may have put them there) */
  skipped: string[];
  /** for the log: both folders hold data, or the copy failed; the earlier folder is left as it was */
  warning: string | null;
  /**
   * the copy from this folder failed: the station must run on it for now (its acknowledgements are
   * there; an empty database in `to` would hide them and stop the next start's retry)
   */
  failedFrom: string | null;
}

/**
 * Copies an earlier per-user folder's data (station.sqlite with its -wal/-shm, settings.json,
 * shell.json) into `to`, once: only when `to` holds no station.sqlite yet. Never overwrites a
 * settings file or a database, never deletes: the earlier folder is left as it was (IT removes it
 * once satisfied). When `to`
 * already has a database, or two earlier folders both have one, nothing is copied and `warning` says
 * which folders hold data, for the log. The database is copied last, under a temporary name renamed
 * into place, so a copy cut short leaves no database in `to` and is tried again at the next start.
 * `from`: candidates in order of preference; the first with data is taken.
 */
export function adoptLegacyData(opts: {
  from: string | readonly string[];
  to: string;
  fs?: AdoptFs;
}): AdoptResult {
  const fs = opts.fs ?? nodeFs;
  const to = opts.to;
  const result: AdoptResult = { adoptedFrom: null, copied: [], skipped: [], warning: null, failedFrom: null };
  const isFile = (p: string): boolean => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const join = (dir: string, name: string): string => (dir.includes('\\') ? win32 : posix).join(dir, name);
  const hasDatabase = (dir: string): boolean => isFile(join(dir, 'station.sqlite'));
  const hasData = (dir: string): boolean =>
    hasDatabase(dir) || SETTINGS_FILES.some((f) => isFile(join(dir, f)));

  const candidates = (typeof opts.from === 'string' ? [opts.from] : [...opts.from]).filter(
    (d) => d !== to && hasData(d),
  );
  if (candidates.length === 0) return result;
  if (hasDatabase(to)) {
    result.warning = `Station data found both in ${to} (in use) and in the earlier folder ${candidates.join(' and ')}: the earlier data was not copied. Acknowledgements made there and not yet in the alert store are only in it; ask IT to check it and then remove it.`;
    return result;
  }
  const withDatabase = candidates.filter(hasDatabase);
  if (withDatabase.length > 1) {
    result.warning = `Station data found in more than one earlier folder (${withDatabase.join(', ')}): none was copied to ${to}, which starts empty. Acknowledgements not yet in the alert store may be in them; ask IT to choose one and copy it.`;
    return result;
  }
  const from = withDatabase[0] ?? candidates[0]!;

  const temps: string[] = [];
  try {
    fs.mkdirSync(to, { recursive: true });
    for (const name of SETTINGS_FILES) {
      if (!isFile(join(from, name))) continue;
      if (fs.existsSync(join(to, name))) {
        result.skipped.push(name);
        continue;
      }
      fs.copyFileSync(join(from, name), join(to, name), fs.constants.COPYFILE_EXCL);
      result.copied.push(name);
    }
    const database = DATABASE_FILES.filter((name) => isFile(join(from, name)));
    if (database.includes('station.sqlite')) {
      // all three under temporary names first; the main file is renamed last: it is what marks `to`
      // as having a database. A -wal/-shm without it in `to` is what a copy cut short left (no
      // database to go with it): the retry replaces it.
      for (const name of database) {
        const tmp = join(to, `${name}.adopting`);
        fs.rmSync(tmp, { force: true });
        fs.copyFileSync(join(from, name), tmp, fs.constants.COPYFILE_EXCL);
        temps.push(tmp);
      }
      for (const name of database) {
        fs.renameSync(join(to, `${name}.adopting`), join(to, name));
        result.copied.push(name);
      }
      temps.length = 0;
    }
    result.adoptedFrom = result.copied.length > 0 ? from : null;
  } catch (err) {
    for (const tmp of temps) fs.rmSync(tmp, { force: true });
    // a -wal/-shm renamed in before the failure must not meet a later, different database in `to`
    if (!result.copied.includes('station.sqlite')) {
      for (const name of DATABASE_FILES)
        if (result.copied.includes(name)) fs.rmSync(join(to, name), { force: true });
    }
    result.warning = `Could not copy the station data from ${from} to ${to} (${(err as Error).message}); the station runs on ${from} for now, and the copy is tried again at the next start.`;
    result.adoptedFrom = null;
    result.failedFrom = from;
  }
  return result;
}
