import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function entry(ackId: string, over: Partial<{ alertId: string; nurse: string; ackTime: number }> = {}) {
  return {
    ackId,
    alertId: over.alertId ?? 'a1',
    action: 'confirm' as const,
    nurse: over.nurse ?? 'Ana',
    nurseId: 'ana' as string | null,
    stationId: 'ST-1',
    note: null,
    ackTime: over.ackTime ?? 2000,
    alert: { ...alert, alertId: over.alertId ?? 'a1' },
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite acknowledgement cache', () => {
  it('keeps unsynced entries oldest first and marks each synced once', () => {
    const cache = createSqliteAckCache(openStationDatabase(':memory:'));
    cache.append(entry('k1'));
    cache.append(entry('k2', { alertId: 'a2' }));
    expect(cache.unsynced().map((r) => r.ackId)).toEqual(['k1', 'k2']);
    cache.markRetrying('k1', 'offline');
    expect(cache.unsynced().map((r) => r.syncState)).toEqual(['retrying', 'pending']);
    cache.markSynced('k1', 5000);
    cache.markSynced('k1', 9000);
    const [k1] = cache.forAlert('a1');
    expect(k1).toMatchObject({ syncState: 'synced', syncedAt: 5000, syncError: null });
    expect(cache.unsynced().map((r) => r.ackId)).toEqual(['k2']);
  });

  it('survives reopening the file (restart) with the alert snapshot intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-ack-'));
    dirs.push(dir);
    const file = join(dir, 'station.sqlite');
    const db = openStationDatabase(file);
    createSqliteAckCache(db).append(entry('k1'));
    db.close();
    const again = openStationDatabase(file);
    const cache = createSqliteAckCache(again);
    const [rec] = cache.unsynced();
    expect(rec).toMatchObject({ ackId: 'k1', alert: alert, syncState: 'pending' });
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('filters by patient, nurse, action and time, taking search text literally', () => {
    const cache = createSqliteAckCache(openStationDatabase(':memory:'));
    cache.append(entry('k1', { nurse: 'Ana', ackTime: 1 }));
    cache.append(entry('k2', { nurse: 'Ben_1', ackTime: 2 }));
    cache.append({ ...entry('k3', { ackTime: 3 }), action: 'resolve' });
    expect(cache.list({ nurse: 'ben_', limit: 10 }).map((r) => r.ackId)).toEqual(['k2']);
    expect(cache.list({ nurse: '%', limit: 10 })).toHaveLength(0);
    expect(cache.list({ action: 'resolve', limit: 10 }).map((r) => r.ackId)).toEqual(['k3']);
    expect(cache.list({ from: 2, to: 3, limit: 10 }).map((r) => r.ackId)).toEqual(['k2']);
    expect(cache.list({ patientId: 'P00', limit: 2 }).map((r) => r.ackId)).toEqual(['k3', 'k2']);
  });

  it('treats injection payloads as plain text', () => {
    const db = openStationDatabase(':memory:');
    const cache = createSqliteAckCache(db);
    const payload = "'; DROP TABLE ack_log; --";
    cache.append({ ...entry('k1'), nurse: payload, note: payload });
    expect(cache.list({ nurse: payload, limit: 5 })[0]!.note).toBe(payload);
    expect(cache.list({ patientId: "' OR 1=1 --", limit: 5 })).toHaveLength(0);
    expect(db.prepare('SELECT count(*) AS n FROM ack_log').get()).toEqual({ n: 1 });
  });

  it('prunes old synced entries but never unsynced ones', () => {
    const cache = createSqliteAckCache(openStationDatabase(':memory:'));
    cache.append(entry('old-synced', { ackTime: 10 }));
    cache.append(entry('old-unsynced', { ackTime: 10, alertId: 'a2' }));
    cache.append(entry('new', { ackTime: 1000, alertId: 'a3' }));
    cache.markSynced('old-synced', 11);
    expect(cache.prune(500)).toBe(1);
    expect(
      cache
        .list({ limit: 10 })
        .map((r) => r.ackId)
        .sort(),
    ).toEqual(['new', 'old-unsynced']);
  });
});
