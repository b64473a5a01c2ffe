import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoRosterRecords } from '../../core/demo-roster';
import { verifyPin } from '../../core/pin-hash';
import { runRosterStoreContract } from '../roster-store.contract';
import { createSqliteRoster } from './sqlite-roster';

runRosterStoreContract('sqlite', async () => createSqliteRoster(new Database(':memory:')));

describe('SQLite roster seeding', () => {
  it('seeds the demo roster into an empty table only, so a changed PIN survives a restart', async () => {
    const db = new Database(':memory:');
    const first = createSqliteRoster(db, { seed: demoRosterRecords(1) });
    const li = await first.find('N1001');
    expect(li?.name).toBe('Li Na');
    expect(await verifyPin('1234', li?.pinHash ?? null)).toBe(true);
    await first.save({ ...li!, pinHash: 'changed' });
    const again = createSqliteRoster(db, { seed: demoRosterRecords(2) });
    expect((await again.find('N1001'))?.pinHash).toBe('changed');
    expect((await again.list()).map((m) => m.nurseId)).toEqual(['C1001', 'N1001', 'N1002']);
  });
});
