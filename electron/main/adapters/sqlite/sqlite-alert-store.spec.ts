import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/domain/types';
import { AlertStoreError } from '../alert-store-shared';
import { CONTRACT_STATION, CONTRACT_TIME_ZONE, runAlertStoreContract } from '../alert-store.contract';
import { createSqliteAlertStore } from './sqlite-alert-store';

runAlertStoreContract('sqlite', async () => {
  const db = new Database(':memory:');
  const store = createSqliteAlertStore(db, { stationId: CONTRACT_STATION, timeZone: CONTRACT_TIME_ZONE });
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.close();
    },
  };
});

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function alert(i: number): Alert {
  return {
    alertId: `id-${String(i).padStart(6, '0')}`,
    patientId: `P${String(i % 40).padStart(3, '0')}`,
    deviceId: `D${i % 40}`,
    // one alert every 5 s over the last ~6 days
    alertTime: NOW - i * 5_000,
    alertType: i % 3 === 0 ? 'heart_rate' : 'blood_oxygen',
    alertDetail: 'detail',
    alertLevel: i % 5 === 0 ? 2 : 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 130, bloodOxygen: 90, bloodGlucose: 5 },
  };
}

describe('sqlite alert store', () => {
  it('keeps its tables next to other tables in a shared file and can be created twice', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE ack_cache (ack_id TEXT PRIMARY KEY)');
    const a = createSqliteAlertStore(db, { stationId: 'ST-1' });
    await a.upsertAlerts([alert(1)]);
    const b = createSqliteAlertStore(db, { stationId: 'ST-1' });
    expect(await b.get('id-000001')).not.toBeNull();
    await a.close();
    // closing the store leaves the caller's connection open
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM ack_cache').get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses to run on an alerts table from another version', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE alerts (alert_id TEXT PRIMARY KEY, patient_id TEXT)');
    expect(() => createSqliteAlertStore(db, { stationId: 'ST-1' })).toThrow(AlertStoreError);
    db.close();
  });

  it('rejects an unknown time zone clearly', () => {
    const db = new Database(':memory:');
    expect(() => createSqliteAlertStore(db, { stationId: 'ST-1', timeZone: 'Mars/Olympus' })).toThrow(
      'Unknown time zone "Mars/Olympus"',
    );
    db.close();
  });

  it('keeps the audit append-only', async () => {
    const db = new Database(':memory:');
    const store = createSqliteAlertStore(db, { stationId: 'ST-1' });
    await store.transition({
      alertId: 'x',
      action: 'confirm',
      nurse: 'Ana',
      stationId: 'ST-1',
      note: null,
      at: NOW,
      snapshot: alert(1),
    });
    expect(() => db.prepare("UPDATE alert_events SET nurse = 'Eve'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM alert_events').run()).toThrow(/append-only/);
    expect((await store.auditTrail('x'))[0]?.nurse).toBe('Ana');
    db.close();
  });

  it('answers an empty ward, or a patient outside the ward, without reading the table', async () => {
    const db = new Database(':memory:');
    const store = createSqliteAlertStore(db, { stationId: 'ST-1', timeZone: 'UTC' });
    // with the table gone, any statement that reads it fails
    db.exec('DROP TABLE alerts');
    expect(await store.list({ range: '24h', limit: 50 }, NOW, [])).toEqual({ items: [], next: null });
    expect((await store.stats('24h', NOW, [])).total).toBe(0);
    expect((await store.burden('7d', NOW, [])).noisiestBeds).toEqual([]);
    expect(await store.pendingAlerts([])).toEqual([]);
    expect(await store.patientAlerts('P001', '24h', NOW, ['P002'])).toEqual([]);
    await expect(store.pendingAlerts(['P001'])).rejects.toBeInstanceOf(AlertStoreError);
    db.close();
  });

  it('reads a ward of 40 beds quickly out of 100k alerts', async () => {
    const db = new Database(':memory:');
    const store = createSqliteAlertStore(db, { stationId: 'ST-1', timeZone: 'UTC' });
    // 400 patients, so a ward of 40 is a tenth of the alerts
    await store.upsertAlerts(
      Array.from({ length: 100_000 }, (_, i) => ({
        ...alert(i),
        patientId: `P${String(i % 400).padStart(3, '0')}`,
      })),
    );
    const ward = Array.from({ length: 40 }, (_, i) => `P${String(i * 10).padStart(3, '0')}`);
    const start = performance.now();
    const page = await store.list({ range: '7d', limit: 100 }, NOW, ward);
    const stats = await store.stats('7d', NOW, ward);
    const burden = await store.burden('7d', NOW, ward);
    const ms = performance.now() - start;
    expect(page.items).toHaveLength(100);
    expect(page.items.every((a) => ward.includes(a.patientId))).toBe(true);
    expect(stats.total).toBe(10_000);
    expect(burden.noisiestBeds).toHaveLength(10);
    expect(ms).toBeLessThan(1_000);
    db.close();
  });

  it('stays fast with 100k alerts', async () => {
    const db = new Database(':memory:');
    const store = createSqliteAlertStore(db, { stationId: 'ST-1', timeZone: 'UTC' });
    const alerts = Array.from({ length: 100_000 }, (_, i) => alert(i));
    let t = performance.now();
    await store.upsertAlerts(alerts);
    const insertMs = performance.now() - t;

    const time = async (fn: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    const first = await store.list({ range: '7d', limit: 100 }, NOW);
    const listMs = await time(() => store.list({ range: '7d', limit: 100, after: first.next! }, NOW));
    const filteredMs = await time(() =>
      store.list({ range: '7d', limit: 100, level: 2, status: 'pending' }, NOW),
    );
    const searchMs = await time(() => store.list({ range: '7d', limit: 100, patientSearch: '039' }, NOW));
    const patientMs = await time(() => store.patientAlerts('P007', '24h', NOW));
    t = performance.now();
    const stats = await store.stats('7d', NOW);
    const statsMs = performance.now() - t;
    const burdenMs = await time(() => store.burden('7d', NOW));

    expect(stats.total).toBe(100_000);
    expect(insertMs).toBeLessThan(8_000);
    expect(listMs).toBeLessThan(50);
    expect(filteredMs).toBeLessThan(50);
    expect(searchMs).toBeLessThan(100);
    expect(patientMs).toBeLessThan(100);
    expect(statsMs).toBeLessThan(500);
    expect(burdenMs).toBeLessThan(1_500);
    db.close();
  });
});
