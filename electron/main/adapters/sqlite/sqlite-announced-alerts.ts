// Which alerts this station has announced, in its SQLite file: a restarted station is handed some
// alerts again (Kafka offsets not yet committed when it stopped, the first RisingWave poll's look-back)
// and lists them again, but announces none of them twice.
import type { Database } from 'better-sqlite3';
import type { AnnouncedAlerts } from '../../core/ports';

export function createSqliteAnnouncedAlerts(db: Database): AnnouncedAlerts {
  db.exec(`CREATE TABLE IF NOT EXISTS announced_alerts (
    alert_id TEXT PRIMARY KEY,
    alert_time INTEGER NOT NULL,
    announced_at INTEGER NOT NULL) WITHOUT ROWID`);
  const find = db.prepare('SELECT 1 FROM announced_alerts WHERE alert_id = ?').pluck();
  const insert = db.prepare(
    'INSERT OR IGNORE INTO announced_alerts (alert_id, alert_time, announced_at) VALUES (?, ?, ?)',
  );
  const prune = db.prepare('DELETE FROM announced_alerts WHERE announced_at < ?');
  const recordMany = db.transaction(
    (alerts: readonly { alertId: string; alertTime: number }[], at: number) => {
      for (const a of alerts) insert.run(a.alertId, a.alertTime, at);
    },
  );
  return {
    seen(alertIds) {
      const seen = new Set<string>();
      for (const id of alertIds) if (find.get(id) !== undefined) seen.add(id);
      return seen;
    },
    record(alerts, at) {
      if (alerts.length > 0) recordMany(alerts, at);
    },
    prune: (before) => prune.run(before).changes,
  };
}
