import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/domain/types';
import { GENESIS_HASH, chainFields, chainHash } from '../../core/audit-chain';
import { openStationDatabase } from './open-database';
import { createSqliteAckCache } from './sqlite-ack-cache';
import { createChainWriter, pruneChain, verifySqliteChain } from './sqlite-audit-chain';
import { createSqliteAuditLog, migrateAuditLog } from './sqlite-audit-log';

const tmp = mkdtempSync(join(tmpdir(), 'ns-audit-chain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let files = 0;
function station(): { db: Database.Database; file: string } {
  const file = join(tmp, `station-${++files}.sqlite`);
  const db = openStationDatabase(file);
  migrateAuditLog(db);
  return { db, file };
}

const access = (n: number) => ({
  action: 'sign-in',
  nurse_id: `N${n}`,
  nurse: `Nurse ${n}`,
  station_id: 'ward-3',
  subject: null,
  detail: `row ${n}`,
  at: 1_700_000_000_000 + n * 1000,
});

/** a station file with n chained access_audit rows (seq 1..n) */
function withRows(n: number) {
  const s = station();
  const writer = createChainWriter(s.db, 'access_audit');
  for (let i = 1; i <= n; i++) writer.append(access(i));
  return { ...s, writer };
}

const verify = (db: Database.Database) => verifySqliteChain(db, 'access_audit')!;

describe('SQLite audit chain', () => {
  it('writes a chain that verifies, each row naming the hash of the one before', () => {
    const { db } = withRows(5);
    const rows = db
      .prepare<[], { seq: number; prev_hash: string; hash: string }>(
        'SELECT seq, prev_hash, hash FROM access_audit ORDER BY seq',
      )
      .all();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(verify(db)).toMatchObject({
      ok: true,
      rowsChecked: 5,
      legacyRows: 0,
      head: { seq: 5, hash: rows[4]!.hash },
    });
    db.close();
  });

  it('finds an edited field at its row', () => {
    const { db } = withRows(5);
    db.prepare("UPDATE access_audit SET detail = 'nothing happened' WHERE seq = 3").run();
    expect(verify(db).broken).toMatchObject({ seq: 3, problem: 'hash-mismatch' });
    db.close();
  });

  it('finds an edited row whose hash was recomputed at the row after it', () => {
    const { db } = withRows(5);
    const r = db.prepare<[], Record<string, unknown>>('SELECT * FROM access_audit WHERE seq = 3').get()!;
    const edited = { ...r, nurse: 'Someone else' };
    const hash = chainHash(r.prev_hash as string, 'access_audit', chainFields('access_audit', edited));
    db.prepare("UPDATE access_audit SET nurse = 'Someone else', hash = ? WHERE seq = 3").run(hash);
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    db.close();
  });

  it('finds a deleted middle row at the row after it', () => {
    const { db } = withRows(5);
    db.prepare('DELETE FROM access_audit WHERE seq = 2').run();
    const r = verify(db);
    expect(r.broken).toMatchObject({ seq: 3, problem: 'prev-link-broken' });
    expect(r.rowsChecked).toBe(1);
    db.close();
  });

  it('finds a forged row inserted into the chain', () => {
    const { db } = withRows(4);
    db.prepare('DELETE FROM access_audit WHERE seq = 3').run(); // make room at seq 3
    const prev = db.prepare('SELECT hash FROM access_audit WHERE seq = 2').pluck().get() as string;
    const forged = { ...access(3), detail: 'forged' };
    const hash = chainHash(prev, 'access_audit', chainFields('access_audit', forged));
    db.prepare(
      `INSERT INTO access_audit (seq, action, nurse_id, nurse, station_id, subject, detail, at, prev_hash, hash)
       VALUES (3, @action, @nurse_id, @nurse, @station_id, @subject, @detail, @at, @prev, @hash)`,
    ).run({ ...forged, prev, hash });
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    db.close();
  });

  it('finds a row added without a hash after the chain started', () => {
    const { db } = withRows(3);
    db.prepare(
      `INSERT INTO access_audit (action, nurse, station_id, detail, at) VALUES ('sign-in', 'X', 'w', 'd', 1)`,
    ).run();
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'unchained-row' });
    db.close();
  });

  it('finds a row added at the end, chained from the last, as a row after the head', () => {
    const { db } = withRows(3);
    const prev = db.prepare('SELECT hash FROM access_audit WHERE seq = 3').pluck().get() as string;
    const extra = access(4);
    const hash = chainHash(prev, 'access_audit', chainFields('access_audit', extra));
    db.prepare(
      `INSERT INTO access_audit (action, nurse_id, nurse, station_id, subject, detail, at, prev_hash, hash)
       VALUES (@action, @nurse_id, @nurse, @station_id, @subject, @detail, @at, @prev, @hash)`,
    ).run({ ...extra, prev, hash });
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'head-mismatch' });
    db.close();
  });

  it('finds the newest rows deleted, through the head', () => {
    const { db } = withRows(5);
    db.prepare('DELETE FROM access_audit WHERE seq >= 4').run();
    const r = verify(db);
    expect(r.broken).toMatchObject({ seq: 5, problem: 'missing-at-head' });
    expect(r.broken?.message).toMatch(/last chained row is seq 3/);
    db.prepare('DELETE FROM access_audit').run();
    expect(verify(db).broken?.problem).toBe('missing-at-head');
    db.close();
  });

  it('finds the head removed', () => {
    const { db } = withRows(2);
    db.prepare("DELETE FROM audit_chain_heads WHERE chain_name = 'access_audit'").run();
    expect(verify(db).broken).toMatchObject({ seq: 2, problem: 'head-mismatch' });
    db.close();
  });

  it('finds reordered rows at the first of them', () => {
    const { db } = withRows(5);
    // swap seq 2 and 3
    db.exec(`UPDATE access_audit SET seq = -2 WHERE seq = 2;
             UPDATE access_audit SET seq = 2 WHERE seq = 3;
             UPDATE access_audit SET seq = 3 WHERE seq = -2;`);
    expect(verify(db).broken).toMatchObject({ seq: 2, problem: 'prev-link-broken' });
    db.close();
  });

  it('prunes by retention and stays verifiable, with later rows chained on', () => {
    const { db, writer } = withRows(10);
    // old rows, as retention deletes them
    expect(pruneChain(db, 'access_audit', 'at < @before', { before: access(4).at })).toBe(3);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 7, anchors: 1 });
    // a second prune right after the first: the two anchors become one
    expect(pruneChain(db, 'access_audit', 'at < @before', { before: access(6).at })).toBe(2);
    expect(db.prepare('SELECT COUNT(*) FROM audit_anchors').pluck().get()).toBe(1);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 5, anchors: 1 });
    // rows in the middle (not contiguous), then the rest
    expect(pruneChain(db, 'access_audit', 'seq IN (7, 9)', {})).toBe(2);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 3, anchors: 3 });
    writer.append(access(11));
    expect(pruneChain(db, 'access_audit', 'seq <= 10', {})).toBe(3);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 1, anchors: 1 });
    // everything: the head is the anchor
    expect(pruneChain(db, 'access_audit', '1', {})).toBe(1);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 0, anchors: 1, head: { seq: 11 } });
    writer.append(access(12));
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 1, anchors: 1 });
    db.close();
  });

  it('prunes across an earlier anchor and keeps the link right', () => {
    const { db } = withRows(8);
    pruneChain(db, 'access_audit', 'seq BETWEEN 3 AND 5', {});
    // rows 2 and 6 around the anchor at 5 go together
    pruneChain(db, 'access_audit', 'seq IN (2, 6)', {});
    expect(db.prepare('SELECT seq FROM audit_anchors').pluck().all()).toEqual([6]);
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 3, anchors: 1 });
    db.close();
  });

  it('finds a row forged into a pruned gap, or a row removed before it', () => {
    const { db } = withRows(6);
    pruneChain(db, 'access_audit', 'seq BETWEEN 2 AND 4', {});
    const prev = db.prepare('SELECT hash FROM access_audit WHERE seq = 1').pluck().get() as string;
    const forged = { ...access(3), detail: 'forged' };
    const hash = chainHash(prev, 'access_audit', chainFields('access_audit', forged));
    db.prepare(
      `INSERT INTO access_audit (seq, action, nurse_id, nurse, station_id, subject, detail, at, prev_hash, hash)
       VALUES (3, @action, @nurse_id, @nurse, @station_id, @subject, @detail, @at, @prev, @hash)`,
    ).run({ ...forged, prev, hash });
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    db.prepare('DELETE FROM access_audit WHERE seq = 3').run();
    expect(verify(db).ok).toBe(true);
    db.prepare('DELETE FROM access_audit WHERE seq = 1').run();
    expect(verify(db).broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    db.close();
  });

  it('finds a removed anchor at the row that linked to it', () => {
    const { db } = withRows(5);
    pruneChain(db, 'access_audit', 'seq <= 2', {});
    db.prepare('DELETE FROM audit_anchors').run();
    expect(verify(db).broken).toMatchObject({ seq: 3, problem: 'prev-link-broken' });
    // the whole side table dropped: the same, and the head is still read
    db.exec('DROP TABLE audit_anchors');
    expect(verify(db)).toMatchObject({ head: { seq: 5 }, broken: { seq: 3, problem: 'prev-link-broken' } });
    db.prepare('DELETE FROM access_audit WHERE seq = 5').run();
    expect(verify(db).broken?.seq).toBe(3);
    db.close();
  });

  it('reports rows from before the chain as legacy, not broken', () => {
    const file = join(tmp, 'legacy.sqlite');
    const old = new Database(file);
    // access_audit as an older version had it: no chain columns (threshold_audit's shape before the chain)
    old.exec(`CREATE TABLE threshold_audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, patient_id TEXT NOT NULL, nurse TEXT NOT NULL,
      station_id TEXT NOT NULL, at INTEGER NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL);
      INSERT INTO threshold_audit (patient_id, nurse, station_id, at, before_json, after_json)
      VALUES ('P1', 'Ana', 'w', 1, '{}', '{}'), ('P2', 'Ana', 'w', 2, '{}', '{}');`);
    // read as it is, before any migration
    expect(verifySqliteChain(old, 'threshold_audit')).toMatchObject({
      ok: true,
      legacyRows: 2,
      rowsChecked: 0,
    });
    expect(verifySqliteChain(old, 'access_audit')).toBeNull();
    old.close();
    const db = openStationDatabase(file);
    const log = createSqliteAuditLog(db);
    log.record({
      kind: 'thresholds',
      patientId: 'P1',
      nurseId: 'C1',
      nurse: 'Ada',
      stationId: 'w',
      at: 3.7,
      before: { heartRateMin: 50 },
      after: { heartRateMin: 45 },
    } as never);
    expect(verifySqliteChain(db, 'threshold_audit')).toMatchObject({
      ok: true,
      legacyRows: 2,
      rowsChecked: 1,
    });
    // retention removing legacy rows leaves no anchor for them
    expect(pruneChain(db, 'threshold_audit', 'hash IS NULL', {})).toBe(2);
    expect(verifySqliteChain(db, 'threshold_audit')).toMatchObject({ ok: true, anchors: 0 });
    db.close();
  });

  it('chains the ack cache: sync state may change, retention prunes, the chain holds', () => {
    const { db } = station();
    const cache = createSqliteAckCache(db);
    const alert = {
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
    } as Alert;
    for (let i = 1; i <= 6; i++) {
      cache.append({
        ackId: `k${i}`,
        alertId: `a${i}`,
        action: 'confirm',
        nurse: 'Ana',
        nurseId: 'ana',
        stationId: 'ST-1',
        note: i === 2 ? 'line one\nline two' : null,
        ackTime: 1000 * i + 0.5,
        alert: { ...alert, alertId: `a${i}` },
      });
    }
    cache.markSynced('k1', 9000);
    cache.markSynced('k2', 9000);
    cache.markConflict('k4', 'handled elsewhere');
    cache.markRetrying('k3', 'offline');
    expect(verifySqliteChain(db, 'ack_log')).toMatchObject({ ok: true, rowsChecked: 6 });
    // k1, k2, k4 are old and done; k3 still waits: the pruned rows are not contiguous
    cache.prune(5000);
    expect(cache.unsynced().map((r) => r.ackId)).toEqual(['k3', 'k5', 'k6']);
    expect(verifySqliteChain(db, 'ack_log')).toMatchObject({ ok: true, rowsChecked: 3, anchors: 2 });
    db.prepare("UPDATE ack_log SET note = 'changed' WHERE ack_id = 'k5'").run();
    expect(verifySqliteChain(db, 'ack_log')?.broken).toMatchObject({ seq: 5, problem: 'hash-mismatch' });
    db.close();
  });

  it('two handles on one file never fork the chain', () => {
    const { db, file } = withRows(1);
    const other = openStationDatabase(file);
    const a = createChainWriter(db, 'access_audit');
    const b = createChainWriter(other, 'access_audit');
    for (let i = 2; i <= 21; i++) (i % 2 ? a : b).append(access(i));
    expect(verify(db)).toMatchObject({ ok: true, rowsChecked: 21 });
    other.close();
    db.close();
  });

  it('verifies a file opened read-only, as the command does, without writing', () => {
    const { db, file } = withRows(3);
    db.close();
    const ro = new Database(file, { readonly: true, fileMustExist: true });
    expect(verify(ro)).toMatchObject({ ok: true, rowsChecked: 3 });
    ro.close();
  });
});
