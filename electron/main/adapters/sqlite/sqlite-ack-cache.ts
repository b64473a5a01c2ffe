// The station's durable acknowledgement log. Every confirm/resolve lands here first (synchronous,
// WAL, fsync'd by SQLite on commit) so a network outage or a crash loses nothing. Each row is chained
// to the one before it (core/audit-chain.ts): an edited or deleted acknowledgement is found by
// `nurse-station audit verify`; retention prunes through sqlite-audit-chain.ts, which keeps it verifiable.
import type { Database } from 'better-sqlite3';
import type { AckRecord, Alert } from '../../../../shared/domain/types';
import type { AckCache, AckFilter } from '../../core/ports';
import { watchDatabaseFile } from './open-database';
import {
  CHAIN_COLUMN_DECLARATIONS,
  addMissingColumns,
  createChainWriter,
  pruneChain,
} from './sqlite-audit-chain';

interface Row {
  ack_id: string;
  alert_id: string;
  action: 'confirm' | 'resolve';
  nurse: string;
  nurse_id: string | null;
  station_id: string;
  note: string | null;
  ack_time: number;
  alert_json: string;
  patient_id: string;
  sync_state: AckRecord['syncState'];
  sync_error: string | null;
  synced_at: number | null;
}

export function migrateAckCache(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ack_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      ack_id TEXT NOT NULL UNIQUE,
      alert_id TEXT NOT NULL,
      patient_id TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('confirm', 'resolve')),
      nurse TEXT NOT NULL,
      station_id TEXT NOT NULL,
      note TEXT,
      ack_time INTEGER NOT NULL,
      alert_json TEXT NOT NULL,
      sync_state TEXT NOT NULL DEFAULT 'pending'
        CHECK (sync_state IN ('pending', 'synced', 'conflict', 'retrying')),
      sync_error TEXT,
      synced_at INTEGER,
      nurse_id TEXT,
      prev_hash TEXT,
      hash TEXT
    );
    CREATE INDEX IF NOT EXISTS ack_log_unsynced ON ack_log (sync_state, seq);
    CREATE INDEX IF NOT EXISTS ack_log_alert ON ack_log (alert_id, seq);
    CREATE INDEX IF NOT EXISTS ack_log_time ON ack_log (ack_time);
  `);
  // A file from before the chain: its rows stay unchained (the verifier counts them as legacy).
  addMissingColumns(db, 'ack_log', CHAIN_COLUMN_DECLARATIONS);
}

function toRecord(r: Row): AckRecord {
  return {
    ackId: r.ack_id,
    alertId: r.alert_id,
    action: r.action,
    nurse: r.nurse,
    nurseId: r.nurse_id ?? null,
    stationId: r.station_id,
    note: r.note,
    ackTime: r.ack_time,
    alert: JSON.parse(r.alert_json) as Alert,
    syncState: r.sync_state,
    syncError: r.sync_error,
    syncedAt: r.synced_at,
  };
}

/** LIKE with the user's text taken literally. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createSqliteAckCache(db: Database): AckCache {
  migrateAckCache(db);
  const chain = createChainWriter(db, 'ack_log');
  const byId = db.prepare<[string], Row>('SELECT * FROM ack_log WHERE ack_id = ?');
  const unsynced = db.prepare<[], Row>(
    "SELECT * FROM ack_log WHERE sync_state IN ('pending', 'retrying') ORDER BY seq",
  );
  const setState = db.prepare(
    'UPDATE ack_log SET sync_state = @state, sync_error = @error, synced_at = @syncedAt WHERE ack_id = @ackId',
  );
  // Only ever marks an entry synced once: a second sync of the same ack is a bug we want to see.
  const setSynced = db.prepare(
    "UPDATE ack_log SET sync_state = 'synced', sync_error = NULL, synced_at = ? WHERE ack_id = ? AND sync_state != 'synced'",
  );
  const forAlert = db.prepare<[string], Row>('SELECT * FROM ack_log WHERE alert_id = ? ORDER BY seq');
  const PRUNABLE = "sync_state IN ('synced', 'conflict') AND ack_time < @before";
  const file = watchDatabaseFile(db);
  /** the last write that failed (SQLite's words, for IT), until a write succeeds again */
  let writeError: string | null = null;

  /** Every write: a failure is reported by health(); after success, the file watch keeps the disk copy. */
  function write<T>(run: () => T): T {
    let result: T;
    try {
      result = run();
    } catch (err) {
      writeError = (err as Error).message;
      throw err;
    }
    writeError = null;
    file.afterWrite();
    return result;
  }

  return {
    append(rec) {
      write(() =>
        chain.append({
          ack_id: rec.ackId,
          alert_id: rec.alertId,
          patient_id: rec.alert.patientId,
          action: rec.action,
          // callers from before sign-in had identifiers may leave it out
          nurse_id: rec.nurseId ?? null,
          nurse: rec.nurse,
          station_id: rec.stationId,
          note: rec.note,
          // whole ms: the chain hashes integers only (a clock never gives less)
          ack_time: Math.trunc(rec.ackTime),
          alert_json: JSON.stringify(rec.alert),
        }),
      );
      return toRecord(byId.get(rec.ackId)!);
    },
    unsynced: () => unsynced.all().map(toRecord),
    markSynced(ackId, at) {
      write(() => setSynced.run(at, ackId));
    },
    markConflict(ackId, message) {
      write(() => setState.run({ ackId, state: 'conflict', error: message, syncedAt: null }));
    },
    markRetrying(ackId, message) {
      write(() => setState.run({ ackId, state: 'retrying', error: message, syncedAt: null }));
    },
    list(filter: AckFilter) {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: filter.limit };
      if (filter.patientId) {
        where.push("patient_id LIKE @patient ESCAPE '\\'");
        params.patient = likeContains(filter.patientId);
      }
      if (filter.nurse) {
        where.push("nurse LIKE @nurse ESCAPE '\\'");
        params.nurse = likeContains(filter.nurse);
      }
      if (filter.action) {
        where.push('action = @action');
        params.action = filter.action;
      }
      if (filter.from !== undefined) {
        where.push('ack_time >= @from');
        params.from = filter.from;
      }
      if (filter.to !== undefined) {
        where.push('ack_time < @to');
        params.to = filter.to;
      }
      const sql = `SELECT * FROM ack_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                   ORDER BY ack_time DESC, seq DESC LIMIT @limit`;
      return db.prepare<Record<string, unknown>, Row>(sql).all(params).map(toRecord);
    },
    forAlert: (alertId) => forAlert.all(alertId).map(toRecord),
    prune: (before) => write(() => pruneChain(db, 'ack_log', PRUNABLE, { before })),
    health() {
      const disk = file.check();
      if (!disk.up) return disk;
      if (writeError !== null) {
        return {
          up: false,
          message: `Could not write to the local acknowledgement cache (${writeError}); call IT if this persists.`,
        };
      }
      return disk;
    },
    close() {
      // the database handle belongs to the composition root; a copy written back is brought up to date
      file.check();
    },
  };
}
