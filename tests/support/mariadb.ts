// A throwaway database on the local MariaDB/MySQL for integration tests: unique name, dropped after.
// Server and account come from NS_TEST_MYSQL_HOST / _PORT / _USER / _PASSWORD (default 127.0.0.1:3306,
// root, empty password).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { applyMysqlSchema, mysqlSchemaPath } from '../../electron/main/adapters/mysql/mysql-schema';

export interface TestDatabaseConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface TestDatabase {
  name: string;
  config: TestDatabaseConfig;
  /** drops the database; safe to call twice */
  drop(): Promise<void>;
}

export function testServerConfig(): Omit<TestDatabaseConfig, 'database'> {
  return {
    host: process.env.NS_TEST_MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.NS_TEST_MYSQL_PORT ?? 3306),
    user: process.env.NS_TEST_MYSQL_USER ?? 'root',
    password: process.env.NS_TEST_MYSQL_PASSWORD ?? '',
  };
}

/**
 * Creates `ns_test_<random>`. With `applySchema` (default false) it also applies backend-setup/mysql.sql
 * through applyMysqlSchema, as the setup command does.
 */
export async function createTestDatabase(opts: { applySchema?: boolean } = {}): Promise<TestDatabase> {
  const server = testServerConfig();
  const name = `ns_test_${randomBytes(6).toString('hex')}`;
  // The name is generated here from hex digits; identifiers cannot be bound as parameters.
  const conn = await mysql.createConnection({ ...server, connectTimeout: 3_000 });
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    if (opts.applySchema) {
      await conn.query(`USE \`${name}\``);
      await applyMysqlSchema(conn, await readFile(mysqlSchemaPath(), 'utf8'));
    }
  } catch (err) {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    throw err;
  } finally {
    await conn.end().catch(() => undefined);
  }
  let dropped = false;
  return {
    name,
    config: { ...server, database: name },
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = await mysql.createConnection({ ...server, connectTimeout: 3_000 });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end().catch(() => undefined);
      }
    },
  };
}
