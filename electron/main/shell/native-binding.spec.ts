import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBindingDir } from '../../../scripts/electron-runtime.mjs';
import {
  electronBindingDirName,
  resolveSqliteNativeBinding,
  SqliteNativeBindingMissingError,
  sqliteNativeBindingPath,
  type SqliteNativeBindingInputs,
} from './native-binding';

const base: SqliteNativeBindingInputs = {
  isPackaged: false,
  resourcesPath: '/opt/Nurse Station/resources',
  appPath: '/home/dev/nurse-station',
  electronVersion: '45.4.1',
  modulesAbi: '150',
  exists: () => true,
  platform: 'linux',
  arch: 'x64',
};

function thrown(fn: () => unknown): SqliteNativeBindingMissingError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SqliteNativeBindingMissingError);
    return err as SqliteNativeBindingMissingError;
  }
  throw new Error('expected a throw');
}

describe('resolveSqliteNativeBinding', () => {
  it('in development: the build for this ABI, platform and architecture under <appPath>/native', () => {
    expect(resolveSqliteNativeBinding(base)).toBe(
      '/home/dev/nurse-station/native/electron-v150-linux-x64/better_sqlite3.node',
    );
  });

  it('packaged: <resourcesPath>/native/better_sqlite3.node, whatever the ABI', () => {
    expect(resolveSqliteNativeBinding({ ...base, isPackaged: true, modulesAbi: '151' })).toBe(
      '/opt/Nurse Station/resources/native/better_sqlite3.node',
    );
  });

  it('uses Windows paths on Windows', () => {
    const win = {
      ...base,
      platform: 'win32' as const,
      appPath: 'C:\\src\\nurse-station',
      resourcesPath: 'C:\\Program Files\\Nurse Station\\resources',
    };
    expect(resolveSqliteNativeBinding(win)).toBe(
      'C:\\src\\nurse-station\\native\\electron-v150-win32-x64\\better_sqlite3.node',
    );
    expect(resolveSqliteNativeBinding({ ...win, isPackaged: true })).toBe(
      'C:\\Program Files\\Nurse Station\\resources\\native\\better_sqlite3.node',
    );
  });

  it('asks only about the one path it returns', () => {
    const asked: string[] = [];
    resolveSqliteNativeBinding({ ...base, exists: (p) => (asked.push(p), true) });
    expect(asked).toEqual([sqliteNativeBindingPath(base)]);
  });

  it('missing in development: says which Electron and ABI, and the command to run', () => {
    const err = thrown(() => resolveSqliteNativeBinding({ ...base, exists: () => false }));
    expect(err.message).toContain(
      'better-sqlite3 has not been built for Electron 45.4.1 (ABI 150): run `npm run electron:native`',
    );
    expect(err.message).toContain(
      '/home/dev/nurse-station/native/electron-v150-linux-x64/better_sqlite3.node',
    );
    expect(err.expectedPath).toBe(sqliteNativeBindingPath(base));
  });

  it('a binding built for another Electron is not taken: a new ABI needs a new build', () => {
    const present = sqliteNativeBindingPath(base);
    const err = thrown(() =>
      resolveSqliteNativeBinding({ ...base, modulesAbi: '151', exists: (p) => p === present }),
    );
    expect(err.message).toContain('(ABI 151)');
  });

  it('missing in a packaged app: tells IT to reinstall, not to run npm', () => {
    const err = thrown(() => resolveSqliteNativeBinding({ ...base, isPackaged: true, exists: () => false }));
    expect(err.message).toContain('Reinstall Nurse Station');
    expect(err.message).toContain('/opt/Nurse Station/resources/native/better_sqlite3.node');
  });
});

describe('the build script and the app agree on the development folder', () => {
  it('scripts/electron-runtime.mjs names it as the resolver does', () => {
    expect(electronBindingDir('/root', '150', 'linux', 'x64')).toBe(
      join('/root', 'native', electronBindingDirName('150', 'linux', 'x64')),
    );
  });

  it('electron-builder.yml ships the dev build of each platform as resources/native/better_sqlite3.node', () => {
    const yml = readFileSync(join(__dirname, '../../../electron-builder.yml'), 'utf8');
    // the ABI in electron-builder.yml must follow Electron upgrades
    const abi = readFileSync(join(__dirname, '../../../node_modules/electron/abi_version'), 'utf8').trim();
    for (const platform of ['linux', 'win32']) {
      expect(yml).toContain(
        `from: native/${electronBindingDirName(abi, platform, '${arch}')}/better_sqlite3.node`,
      );
    }
    expect(yml.match(/to: native\/better_sqlite3\.node/g)?.length).toBe(2);
    expect(existsSync(join(__dirname, '../../../node_modules/electron/package.json'))).toBe(true);
  });
});
