import { afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/mariadb';
import { runRosterStoreContract } from '../roster-store.contract';
import { createMysqlRoster } from './mysql-roster';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

runRosterStoreContract('mysql', async () => {
  const db = await createTestDatabase({ applySchema: true });
  dbs.push(db);
  return createMysqlRoster(db.config);
});
