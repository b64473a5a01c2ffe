// AckCache.health() for the SQLite cache: the file on disk must still be the one the station writes to.
// A deleted (or swapped) station.sqlite is reported, and written back from the open database so that a
// restart loses nothing, including acknowledgements appended after the deletion.
import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/domain/types';
import { openStationDatabase } from './open-database';
import { createSqliteAckCache } from './sqlite-ack-cache';

const alert: Alert = {
  alertId: 'a1',
  patientId: 'P001',
  deviceId: 'D001',
  alertTime: 1000,
  alertType: 'heart_rate',
  alertDetail: 'Heart rate too high: 139 bpm',
  alertLevel: 1,
  status: 'pending',
  handleBy: null,
  handleTime: null,
  handleNote: null,
  reading: { heartRate: 139, bloodOxygen: 97, bloodGlucose: 5 },
};
const entry = (ackId: string) => ({
  ackId,
  alertId: ackId,
  action: 'confirm' as const,
  nurse: 'Ana',
  nurseId: 'ana',
  stationId: 'ST-1',
  note: null,
  ackTime: 2000,
  alert: { ...alert, alertId: ackId },
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function station() {
  const dir = mkdtempSync(join(tmpdir(), 'ns-ack-health-'));
  dirs.push(dir);
  const file = join(dir, 'station.sqlite');
  const db = openStationDatabase(file);
  return { dir, file, db, cache: createSqliteAckCache(db) };
}
/** What a restarted station would read from the path (another connection, the running one left open). */
function onDisk(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT ack_id FROM ack_log ORDER BY seq').pluck().all() as string[]).slice();
  } finally {
    db.close();
  }
}

describe('SQLite acknowledgement cache: health of the file', () => {
  it('is up for a healthy file and for an in-memory cache', () => {
    const { db, cache } = station();
    cache.append(entry('k1'));
    expect(cache.health()).toEqual({ up: true, message: null });
    expect(createSqliteAckCache(openStationDatabase(':memory:')).health()).toEqual({
      up: true,
      message: null,
    });
    db.close();
  });

  it('reports a deleted file, writes it back, and keeps later acknowledgements on disk', () => {
    const { file, db, cache } = station();
    cache.append(entry('k1'));
    unlinkSync(file);
    const h = cache.health();
    expect(h.up).toBe(false);
    expect(h.message).toMatch(/was deleted or replaced while the station was running/);
    expect(h.message).toMatch(/written back/);
    expect(existsSync(file)).toBe(true);
    expect(onDisk(file)).toEqual(['k1']);

    // written through at once: no health tick needed, so a crash right after loses nothing
    cache.append(entry('k2'));
    cache.append(entry('k3'));
    cache.markSynced('k2', 3000);
    expect(onDisk(file)).toEqual(['k1', 'k2', 'k3']);
    expect(cache.health()).toEqual(h); // stays visible, same message (no flapping)
    db.close();
    const again = openStationDatabase(file);
    expect(
      createSqliteAckCache(again)
        .unsynced()
        .map((r) => r.ackId),
    ).toEqual(['k1', 'k3']);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('writes back other tables changed through the same handle on the next check', () => {
    const { file, db, cache } = station();
    db.exec('CREATE TABLE other (x)');
    unlinkSync(file);
    cache.health();
    db.prepare('INSERT INTO other VALUES (42)').run();
    cache.health();
    const copy = new BetterSqlite3(file, { readonly: true });
    expect(copy.prepare('SELECT x FROM other').pluck().all()).toEqual([42]);
    copy.close();
    db.close();
  });

  it('writes back again when the restored copy is deleted too, and leaves no stray files', () => {
    const { dir, file, db, cache } = station();
    cache.append(entry('k1'));
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
    cache.health();
    unlinkSync(file);
    cache.append(entry('k2'));
    expect(onDisk(file)).toEqual(['k1', 'k2']);
    cache.close(); // a last write-back; the handle stays open for the composition root to close
    db.close();
    expect(readdirSync(dir)).toEqual(['station.sqlite']);
  });

  it('keeps a file swapped in at the path for IT and writes the station’s own data back', () => {
    const { dir, file, db, cache } = station();
    cache.append(entry('k1'));
    const other = join(dir, 'other.sqlite');
    const o = new BetterSqlite3(other);
    o.exec('CREATE TABLE foreign_data (x)');
    o.close();
    renameSync(other, file);
    const h = cache.health();
    expect(h.up).toBe(false);
    expect(h.message).toMatch(/deleted or replaced/);
    const swapped = readdirSync(dir).filter((f) => f.startsWith('station.sqlite.replaced-'));
    expect(swapped).toHaveLength(1);
    const kept = new BetterSqlite3(join(dir, swapped[0]!), { readonly: true });
    expect(kept.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([
      'foreign_data',
    ]);
    kept.close();
    expect(onDisk(file)).toEqual(['k1']);
    db.close();
  });

  it('reports a failed write until a write succeeds again', () => {
    const { db, cache } = station();
    expect(() => cache.append({ ...entry('k1'), action: 'bogus' as 'confirm' })).toThrow();
    expect(cache.health()).toMatchObject({ up: false });
    expect(cache.health().message).toMatch(/could not write/i);
    cache.append(entry('k2'));
    expect(cache.health()).toEqual({ up: true, message: null });
    db.close();
  });

  it.skipIf(process.getuid?.() === 0)('reports a file the station can no longer write', () => {
    const { file, db, cache } = station();
    chmodSync(file, 0o400);
    expect(cache.health()).toMatchObject({ up: false });
    expect(cache.health().message).toMatch(/not writable/);
    chmodSync(file, 0o600);
    expect(cache.health()).toEqual({ up: true, message: null });
    db.close();
  });
});
