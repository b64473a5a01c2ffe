// Which better_sqlite3.node the Electron main process loads. The copy npm installs in
// node_modules/better-sqlite3/build is built for plain Node's ABI (the tests, the web shell, the
// CLI); Electron has its own (Electron 45: NODE_MODULE_VERSION 150, Node 20: 115), and one binary
// cannot serve both. So a second copy is built for Electron (`npm run electron:native`, see
// scripts/electron-native.mjs) and handed to better-sqlite3 through its `nativeBinding` option:
//   development: <appPath>/native/electron-v<ABI>-<platform>-<arch>/better_sqlite3.node
//   packaged:    <resourcesPath>/native/better_sqlite3.node   (electron-builder.yml extraResources)
// Pure module (no electron import): the shell passes what Electron knows.
//
// Usage, in the Electron shell before the host is created (inside its try, so a missing binding is
// shown in the "could not start" dialog):
//
//   const sqliteNativeBinding = resolveSqliteNativeBinding({
//     isPackaged: app.isPackaged,
//     resourcesPath: process.resourcesPath,
//     appPath: app.getAppPath(),
//     electronVersion: process.versions.electron ?? '',
//     modulesAbi: process.versions.modules,
//     exists: existsSync,
//   });
//   host = await opts.createHost({ ...hostOptions, sqliteNativeBinding });
import { posix, win32 } from 'node:path';

/** The folder (under the project or resources folder) that holds the Electron builds. */
export const NATIVE_DIR = 'native';
export const SQLITE_BINDING_FILE = 'better_sqlite3.node';

export interface SqliteNativeBindingInputs {
  /** app.isPackaged */
  isPackaged: boolean;
  /** process.resourcesPath (packaged app: the folder next to app.asar) */
  resourcesPath: string;
  /** app.getAppPath() (development: the project folder, where package.json is) */
  appPath: string;
  /** process.versions.electron, for the message */
  electronVersion: string;
  /** process.versions.modules: the ABI the binary must be built for */
  modulesAbi: string;
  exists: (path: string) => boolean;
  /** default process.platform */
  platform?: NodeJS.Platform;
  /** default process.arch */
  arch?: string;
}

/** The development folder name for one ABI, platform and architecture (scripts/electron-native.mjs agrees). */
export function electronBindingDirName(modulesAbi: string, platform: string, arch: string): string {
  return `electron-v${modulesAbi}-${platform}-${arch}`;
}

/** Where the binding must be; it may not exist. */
export function sqliteNativeBindingPath(inputs: SqliteNativeBindingInputs): string {
  const platform = inputs.platform ?? process.platform;
  const arch = inputs.arch ?? process.arch;
  const path = platform === 'win32' ? win32 : posix;
  return inputs.isPackaged
    ? path.join(inputs.resourcesPath, NATIVE_DIR, SQLITE_BINDING_FILE)
    : path.join(
        inputs.appPath,
        NATIVE_DIR,
        electronBindingDirName(inputs.modulesAbi, platform, arch),
        SQLITE_BINDING_FILE,
      );
}

/** The binding is not where it must be; the message says what to do. */
export class SqliteNativeBindingMissingError extends Error {
  constructor(
    message: string,
    readonly expectedPath: string,
  ) {
    super(message);
    this.name = 'SqliteNativeBindingMissingError';
  }
}

/**
 * The path of the better_sqlite3.node built for the running Electron, for better-sqlite3's
 * `nativeBinding` option. Throws SqliteNativeBindingMissingError when it is not there: in
 * development with the command that builds it, in a packaged app with what IT must do.
 */
export function resolveSqliteNativeBinding(inputs: SqliteNativeBindingInputs): string {
  const file = sqliteNativeBindingPath(inputs);
  if (inputs.exists(file)) return file;
  const electron = `Electron ${inputs.electronVersion || '(unknown version)'} (ABI ${inputs.modulesAbi})`;
  if (inputs.isPackaged) {
    throw new SqliteNativeBindingMissingError(
      `This installation of Nurse Station is incomplete: its SQLite module for ${electron} is missing (${file}). Reinstall Nurse Station; if that does not help, the installer was built without \`npm run electron:native\` — tell whoever builds it.`,
      file,
    );
  }
  throw new SqliteNativeBindingMissingError(
    `better-sqlite3 has not been built for ${electron}: run \`npm run electron:native\` (it builds ${file}; it needs a C++ toolchain and python3, and downloads the Electron headers once).`,
    file,
  );
}
