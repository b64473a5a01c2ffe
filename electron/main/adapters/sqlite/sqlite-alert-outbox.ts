// The alert outbox in the station's SQLite file: alerts raised here wait in it until the alert store
// has them. Written in one transaction per batch, so a crash keeps either all of a batch or none.
import type { Database } from 'better-sqlite3';
import type { Alert } from '../../../../shared/domain/types';
import type { AlertOutbox } from '../../core/ports';

export function createSqliteAlertOutbox(db: Database): AlertOutbox {
  db.exec(`CREATE TABLE IF NOT EXISTS alert_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id TEXT NOT NULL UNIQUE,
    alert_json TEXT NOT NULL)`);
  const insert = db.prepare('INSERT OR IGNORE INTO alert_outbox (alert_id, alert_json) VALUES (?, ?)');
  const peek = db.prepare('SELECT alert_json FROM alert_outbox ORDER BY seq LIMIT ?').pluck();
  const remove = db.prepare('DELETE FROM alert_outbox WHERE alert_id = ?');
  const count = db.prepare('SELECT COUNT(*) FROM alert_outbox').pluck();
  const addMany = db.transaction((alerts: readonly Alert[]) => {
    for (const a of alerts) insert.run(a.alertId, JSON.stringify(a));
  });
  const removeMany = db.transaction((ids: readonly string[]) => {
    for (const id of ids) remove.run(id);
  });
  return {
    add: (alerts) => {
      if (alerts.length > 0) addMany(alerts);
    },
    peek: (limit) => (peek.all(limit) as string[]).map((json) => JSON.parse(json) as Alert),
    remove: (ids) => {
      if (ids.length > 0) removeMany(ids);
    },
    size: () => count.get() as number,
  };
}
