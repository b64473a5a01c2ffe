import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteAnnouncedAlerts } from './sqlite-announced-alerts';

describe('sqlite announced alerts', () => {
  it('remembers announcements across a reopen and forgets old ones', () => {
    const db = new Database(':memory:');
    const first = createSqliteAnnouncedAlerts(db);
    first.record(
      [
        { alertId: 'a', alertTime: 1 },
        { alertId: 'b', alertTime: 2 },
      ],
      1_000,
    );
    first.record([{ alertId: 'a', alertTime: 1 }], 5_000); // idempotent: keeps the first time
    const again = createSqliteAnnouncedAlerts(db);
    expect([...again.seen(['a', 'b', 'c'])].sort()).toEqual(['a', 'b']);
    again.record([{ alertId: 'c', alertTime: 3 }], 9_000);
    expect(again.prune(2_000)).toBe(2);
    expect([...again.seen(['a', 'b', 'c'])]).toEqual(['c']);
    db.close();
  });
});
