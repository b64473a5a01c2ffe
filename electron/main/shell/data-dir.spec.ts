import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStationDatabase } from '../adapters/sqlite/open-database';
import { adoptLegacyData, MACHINE_DATA_DIR_NAME, resolveStationDataDir, type AdoptFs } from './data-dir';

describe('resolveStationDataDir', () => {
  const win = {
    platform: 'win32' as const,
    env: {},
    userDataDir: 'C:\\Users\\nurse1\\AppData\\Roaming\\Nurse Station',
    programDataDir: 'C:\\ProgramData',
    isPackaged: true,
  };
  const linux = {
    platform: 'linux' as const,
    env: {},
    userDataDir: '/home/ward/.config/Nurse Station',
    isPackaged: true,
  };

  it('installed on Windows: one folder for the machine, the earlier per-user folders to adopt from', () => {
    expect(resolveStationDataDir(win)).toEqual({
      dir: 'C:\\ProgramData\\Nurse Station',
      scope: 'machine',
      legacyDirs: [
        'C:\\Users\\nurse1\\AppData\\Roaming\\Nurse Station',
        'C:\\Users\\nurse1\\AppData\\Roaming\\nurse-station',
      ],
    });
  });

  it('finds %ProgramData% in the environment when not given, else C:\\ProgramData', () => {
    const noArg = { ...win, programDataDir: undefined };
    expect(resolveStationDataDir({ ...noArg, env: { ProgramData: 'D:\\PD' } }).dir).toBe(
      'D:\\PD\\Nurse Station',
    );
    expect(resolveStationDataDir({ ...noArg, env: { PROGRAMDATA: 'E:\\PD' } }).dir).toBe(
      'E:\\PD\\Nurse Station',
    );
    expect(resolveStationDataDir({ ...noArg, env: { ProgramData: '  ' } }).dir).toBe(
      'C:\\ProgramData\\Nurse Station',
    );
  });

  it('a Windows development run stays per user', () => {
    expect(resolveStationDataDir({ ...win, isPackaged: false })).toMatchObject({
      dir: win.userDataDir,
      scope: 'user',
    });
  });

  it('Linux stays per user (one ward account per station PC); the folder of the old app name is adopted', () => {
    expect(resolveStationDataDir(linux)).toEqual({
      dir: '/home/ward/.config/Nurse Station',
      scope: 'user',
      legacyDirs: ['/home/ward/.config/nurse-station'],
    });
    // still named nurse-station: nothing to adopt from itself
    expect(
      resolveStationDataDir({ ...linux, userDataDir: '/home/ward/.config/nurse-station' }).legacyDirs,
    ).toEqual([]);
  });

  it('NURSE_STATION_DATA_DIR wins everywhere, and adopts nothing', () => {
    expect(resolveStationDataDir({ ...win, env: { NURSE_STATION_DATA_DIR: 'D:\\Ward7' } })).toEqual({
      dir: 'D:\\Ward7',
      scope: 'env',
      legacyDirs: [],
    });
    expect(
      resolveStationDataDir({ ...linux, env: { NURSE_STATION_DATA_DIR: 'data' }, cwd: '/srv/station' }).dir,
    ).toBe('/srv/station/data');
    expect(resolveStationDataDir({ ...linux, env: { NURSE_STATION_DATA_DIR: ' ' } }).scope).toBe('user');
  });

  it('names the folder the NSIS installer creates and opens to the Users group', () => {
    const nsh = readFileSync(join(__dirname, '../../resources/installer.nsh'), 'utf8');
    expect(nsh).toContain(`$APPDATA\\${MACHINE_DATA_DIR_NAME}`);
    expect(nsh).toContain('*S-1-5-32-545:(OI)(CI)M');
  });
});

describe('adoptLegacyData', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function temp(): string {
    const d = mkdtempSync(join(tmpdir(), 'ns-adopt-'));
    dirs.push(d);
    return d;
  }
  /** an earlier per-user folder with acknowledgements in its database (some still in the -wal) */
  function legacyFolder(notes: string[] = ['ack bed 3']): string {
    const dir = join(temp(), 'nurse-station');
    mkdirSync(dir);
    const db = openStationDatabase(join(dir, 'station.sqlite'));
    db.pragma('wal_autocheckpoint = 0'); // keep the rows in the -wal, as a running station leaves them
    db.exec('CREATE TABLE acks (note TEXT)');
    for (const n of notes) db.prepare('INSERT INTO acks VALUES (?)').run(n);
    writeFileSync(join(dir, 'settings.json'), '{"version":1}');
    writeFileSync(join(dir, 'shell.json'), '{"closeToTray":false}');
    // copied while "running" (handle open): the -wal holds the rows
    const copy = join(temp(), 'snapshot');
    fs.cpSync(dir, copy, { recursive: true });
    db.close();
    return copy;
  }
  const notesIn = (dir: string): string[] => {
    const db = openStationDatabase(join(dir, 'station.sqlite'));
    try {
      return (db.prepare('SELECT note FROM acks').all() as { note: string }[]).map((r) => r.note);
    } finally {
      db.close();
    }
  };

  it('copies the database with its -wal/-shm and the settings into an empty machine folder', () => {
    const from = legacyFolder(['ack bed 3', 'ack bed 7']);
    expect(fs.existsSync(join(from, 'station.sqlite-wal'))).toBe(true);
    const to = join(temp(), 'Nurse Station');
    const r = adoptLegacyData({ from, to });
    expect(r).toEqual({
      adoptedFrom: from,
      copied: ['settings.json', 'shell.json', 'station.sqlite-wal', 'station.sqlite-shm', 'station.sqlite'],
      skipped: [],
      warning: null,
      failedFrom: null,
    });
    expect(notesIn(to)).toEqual(['ack bed 3', 'ack bed 7']);
    expect(readFileSync(join(to, 'shell.json'), 'utf8')).toBe('{"closeToTray":false}');
    // the earlier folder is left as it was
    expect(readdirSync(from).sort()).toEqual(
      ['settings.json', 'shell.json', 'station.sqlite', 'station.sqlite-shm', 'station.sqlite-wal'].sort(),
    );
    expect(readdirSync(to).some((f) => f.endsWith('.adopting'))).toBe(false);
  });

  it('happens once: a second start with data in both folders copies nothing and warns', () => {
    const from = legacyFolder();
    const to = join(temp(), 'Nurse Station');
    adoptLegacyData({ from, to });
    const again = adoptLegacyData({ from, to });
    expect(again.copied).toEqual([]);
    expect(again.warning).toContain(`both in ${to}`);
    expect(again.warning).toContain(from);
  });

  it('never overwrites: a machine folder with its own database keeps it, and the earlier one is left', () => {
    const from = legacyFolder(['per user']);
    const to = legacyFolder(['per machine']);
    const r = adoptLegacyData({ from, to });
    expect(r.adoptedFrom).toBeNull();
    expect(r.warning).toMatch(/not copied/);
    expect(notesIn(to)).toEqual(['per machine']);
    expect(notesIn(from)).toEqual(['per user']);
  });

  it('keeps a settings file an administrator put in the machine folder, and still adopts the database', () => {
    const from = legacyFolder();
    const to = join(temp(), 'Nurse Station');
    mkdirSync(to);
    writeFileSync(join(to, 'settings.json'), '{"provisioned":true}');
    const r = adoptLegacyData({ from, to });
    expect(r.skipped).toEqual(['settings.json']);
    expect(r.copied).toContain('station.sqlite');
    expect(readFileSync(join(to, 'settings.json'), 'utf8')).toBe('{"provisioned":true}');
  });

  it('nothing to adopt: no earlier folder, or one without station data', () => {
    const to = join(temp(), 'Nurse Station');
    expect(adoptLegacyData({ from: join(temp(), 'missing'), to })).toEqual({
      adoptedFrom: null,
      copied: [],
      skipped: [],
      warning: null,
      failedFrom: null,
    });
    const chromiumOnly = temp();
    mkdirSync(join(chromiumOnly, 'Local Storage'));
    expect(adoptLegacyData({ from: chromiumOnly, to }).adoptedFrom).toBeNull();
    expect(fs.existsSync(to)).toBe(false);
  });

  it('takes the first candidate with data; two earlier databases: copies none and warns', () => {
    const to = join(temp(), 'Nurse Station');
    const empty = temp();
    const a = legacyFolder(['a']);
    expect(adoptLegacyData({ from: [empty, a], to }).adoptedFrom).toBe(a);

    const to2 = join(temp(), 'Nurse Station');
    const b = legacyFolder(['b']);
    const r = adoptLegacyData({ from: [a, b], to: to2 });
    expect(r.copied).toEqual([]);
    expect(r.warning).toContain('more than one earlier folder');
  });

  it('a copy cut short leaves no database in the machine folder, and the next start completes it', () => {
    const from = legacyFolder(['survives']);
    const to = join(temp(), 'Nurse Station');
    let calls = 0;
    const failing: AdoptFs = {
      ...fs,
      renameSync: (a, b) => {
        // the disk fills up after the -wal is in place, before the main file is
        if (++calls === 2)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        fs.renameSync(a, b);
      },
    };
    const cut = adoptLegacyData({ from, to, fs: failing });
    expect(cut.adoptedFrom).toBeNull();
    expect(cut.warning).toContain('ENOSPC');
    // the station runs on the earlier folder meanwhile: an empty database in `to` would hide its
    // acknowledgements and stop the retry
    expect(cut.failedFrom).toBe(from);
    expect(fs.existsSync(join(to, 'station.sqlite'))).toBe(false);
    // no -wal of the earlier database left to meet another database in `to`
    expect(fs.existsSync(join(to, 'station.sqlite-wal'))).toBe(false);
    expect(readdirSync(to).some((f) => f.endsWith('.adopting'))).toBe(false);

    const retry = adoptLegacyData({ from, to });
    expect(retry.warning).toBeNull();
    expect(retry.skipped).toEqual(['settings.json', 'shell.json']); // copied the first time
    expect(notesIn(to)).toEqual(['survives']);
  });
});
