// A throwaway PostgreSQL database per test file, on the local server (127.0.0.1:5432, user postgres,
// trust auth). PostgreSQL stands in for RisingWave's wire protocol in integration tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestPgDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** a pool on the new database for fixtures (max 2 connections) */
  pool: pg.Pool;
  /** closes the pool and drops the database, even with connections still open */
  drop(): Promise<void>;
}

const HOST = process.env.NS_TEST_PG_HOST ?? '127.0.0.1';
const PORT = Number(process.env.NS_TEST_PG_PORT ?? 5432);
const USER = process.env.NS_TEST_PG_USER ?? 'postgres';
const PASSWORD = process.env.NS_TEST_PG_PASSWORD ?? '';

export async function createTestPgDatabase(prefix = 'ns_rw'): Promise<TestPgDatabase> {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`);
  // The name is built only from the checked prefix and hex, so quoting it as an identifier is safe.
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({
    host: HOST,
    port: PORT,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ host: HOST, port: PORT, user: USER, password: PASSWORD, database, max: 2 });
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    host: HOST,
    port: PORT,
    user: USER,
    password: PASSWORD,
    database,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => undefined);
      const c = new pg.Client({
        host: HOST,
        port: PORT,
        user: USER,
        password: PASSWORD,
        database: 'postgres',
      });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
