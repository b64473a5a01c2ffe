// The setup command against real servers: MariaDB (MySQL step), the shared Kafka broker (Kafka step)
// and PostgreSQL standing in for RisingWave's wire protocol (the RisingWave DDL itself cannot run on
// PostgreSQL, so its runner is exercised with a small script of the same shape).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlSchemaPath } from '../electron/main/adapters/mysql/mysql-schema';
import { ensureKafka } from '../tests/support/kafka';
import { createTestPgDatabase, type TestPgDatabase } from '../tests/support/postgres';
import type { SetupConfig } from './setup-config';
import { runKafkaStep, runMysqlStep, runRisingWaveStep } from './setup-steps';
import { main } from './setup';

const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const suffix = randomBytes(5).toString('hex');

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('backend setup: MySQL step (MariaDB)', () => {
  const database = `ns_setup_${suffix}`;
  const limitedUser = `ns_noprivs_${suffix}`;
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection(MARIADB);
    await admin.query(`CREATE USER '${limitedUser}'@'%' IDENTIFIED BY 'limited-pw'`);
    await admin.query(`CREATE USER '${limitedUser}'@'localhost' IDENTIFIED BY 'limited-pw'`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`DROP USER IF EXISTS '${limitedUser}'@'%'`);
    await admin.query(`DROP USER IF EXISTS '${limitedUser}'@'localhost'`);
    await admin.end();
  });

  const cfg = (extra: Partial<SetupConfig['mysql']> = {}): SetupConfig['mysql'] => ({
    ...MARIADB,
    database,
    sqlFile: mysqlSchemaPath(),
    ...extra,
  });

  it('creates the database and tables, then finds them present on a second run', async () => {
    const first = await runMysqlStep(cfg());
    expect(first).toMatchObject({ step: 'mysql', ok: true });
    expect(first.line).toMatch(
      new RegExp(`^mysql: database ${database} created at 127\\.0\\.0\\.1:3306; schema applied`),
    );

    const second = await runMysqlStep(cfg());
    expect(second.ok).toBe(true);
    expect(second.line).toContain(`database ${database} already present`);

    const [tables] = await admin.query<RowDataPacket[]>(
      'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [database],
    );
    expect(tables.map((r) => r.t)).toEqual(expect.arrayContaining(['alert_events', 'alerts']));
  });

  it('says the password is wrong, without printing it', async () => {
    const outcome = await runMysqlStep(cfg({ user: limitedUser, password: 'not-the-password' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.line).toBe(
      `mysql: FAILED — MySQL at 127.0.0.1:3306 rejected user "${limitedUser}" — wrong password? (--mysql-password or NS_MYSQL_URL)`,
    );
    expect(outcome.line).not.toContain('not-the-password');
  });

  it('says which privilege is missing', async () => {
    const outcome = await runMysqlStep(
      cfg({ user: limitedUser, password: 'limited-pw', database: `${database}_x` }),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.line).toContain(
      `MySQL user "${limitedUser}" may not create or use database "${database}_x"`,
    );
    expect(outcome.line).not.toContain('limited-pw');
  });

  it('says MySQL is unreachable, and main() exits 1 with one line per step', async () => {
    const port = await closedPort();
    const { out, err, io } = captureIo();
    const code = await main(
      ['--only', 'mysql,risingwave', '--mysql-port', String(port), '--ward-time-zone', 'UTC'],
      { NS_MYSQL_URL: 'mysql://root:s3cret-pw@127.0.0.1/nurse_station' },
      io,
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `mysql: FAILED — MySQL is not reachable at 127.0.0.1:${port} — is it running? (backend-setup/docker-compose.yml starts one)`,
      'skipped: risingwave (they need the step above; fix it and run again)',
    ]);
  });

  it('main() exits 0 and prints one line for a successful step', async () => {
    const { out, err, io } = captureIo();
    const code = await main(
      ['--only', 'mysql', '--mysql-url', `mysql://root@127.0.0.1:3306/${database}`],
      {},
      io,
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('already present');
  });

  it('main() exits 2 on bad usage', async () => {
    const { err, io } = captureIo();
    expect(await main(['--only', 'nope'], {}, io)).toBe(2);
    expect(err[0]).toContain('--only takes');
  });
});

describe('backend setup: Kafka step (real broker)', () => {
  const topic = `ns_setup_${suffix}`;
  let bootstrap: string;

  beforeAll(async () => {
    bootstrap = await ensureKafka();
  }, 240_000);

  afterAll(async () => {
    if (!bootstrap) return;
    const admin = new Kafka({
      clientId: 'ns-setup-test',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates the topic, then finds it present on a second run', async () => {
    const cfg = { brokers: [bootstrap], topic, partitions: 3, replicationFactor: 1 };
    const first = await runKafkaStep(cfg);
    expect(first).toEqual({
      step: 'kafka',
      ok: true,
      line: `kafka: topic ${topic} created (3 partitions, replication 1) at ${bootstrap}`,
    });
    const second = await runKafkaStep({ ...cfg, partitions: 5 });
    expect(second).toEqual({
      step: 'kafka',
      ok: true,
      line: `kafka: topic ${topic} already present (3 partitions; it has fewer than the 5 asked for, left unchanged) at ${bootstrap}`,
    });
  });

  it('explains an unreachable broker', async () => {
    const port = await closedPort();
    const outcome = await runKafkaStep({
      brokers: [`127.0.0.1:${port}`],
      topic,
      partitions: 3,
      replicationFactor: 1,
    });
    expect(outcome).toEqual({
      step: 'kafka',
      ok: false,
      line: `kafka: FAILED — Kafka is not reachable at 127.0.0.1:${port} — is it running? (backend-setup/docker-compose.yml starts one)`,
    });
  }, 30_000);
});

describe('backend setup: RisingWave step runner (PostgreSQL stand-in)', () => {
  let db: TestPgDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestPgDatabase('ns_setup');
    dir = mkdtempSync(join(tmpdir(), 'ns-setup-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cfg = (
    sqlFile: string,
    extra: Partial<SetupConfig['risingwave']> = {},
  ): SetupConfig['risingwave'] => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    sqlFile,
    kafkaBootstrap: 'kafka:19092',
    mysqlJdbcUrl: 'jdbc:mysql://mysql:3306/nurse_station',
    sinkUser: 'nurse_station',
    sinkPassword: "sink'pw-S3cret",
    wardTimeZone: 'UTC',
    ...extra,
  });

  it('runs a script statement by statement with substituted literals, idempotently', async () => {
    const file = join(dir, 'ok.sql');
    writeFileSync(
      file,
      `-- header mentions \${MYSQL_PASSWORD}
CREATE TABLE IF NOT EXISTS settings_probe (k varchar PRIMARY KEY, v varchar);
-- ;;
CREATE TABLE IF NOT EXISTS other_probe (a int);
-- ;;
INSERT INTO settings_probe VALUES ('bootstrap', '\${KAFKA_BOOTSTRAP}'), ('pw', '\${MYSQL_PASSWORD}')
  ON CONFLICT (k) DO NOTHING;
`,
    );
    const first = await runRisingWaveStep(cfg(file));
    expect(first.ok).toBe(true);
    expect(first.line).toContain(
      `risingwave: 3 statements at ${db.host}:${db.port}/${db.database} — applied: settings_probe, other_probe`,
    );
    expect(first.line).not.toContain('S3cret');
    const second = await runRisingWaveStep(cfg(file));
    expect(second.ok).toBe(true);
    const rows = await db.pool.query('SELECT k, v FROM settings_probe ORDER BY k');
    expect(rows.rows).toEqual([
      { k: 'bootstrap', v: 'kafka:19092' },
      { k: 'pw', v: "sink'pw-S3cret" },
    ]);
  });

  it('names the failing statement and masks passwords the server echoes', async () => {
    const file = join(dir, 'bad.sql');
    writeFileSync(
      file,
      `CREATE TABLE IF NOT EXISTS fine (a int);
CREATE VIEW broken AS SELECT '\${MYSQL_PASSWORD}'::int AS x;
`,
    );
    const outcome = await runRisingWaveStep(cfg(file, { sinkPassword: 'echoed-S3cret' }));
    expect(outcome.ok).toBe(false);
    expect(outcome.line).toMatch(/^risingwave: FAILED — statement 2 of 2 \(VIEW broken\) failed: /);
    expect(outcome.line).toContain('***');
    expect(outcome.line).not.toContain('echoed-S3cret');
  });

  it('explains an unreachable server, a missing database and a wrong password', async () => {
    const port = await closedPort();
    const file = join(dir, 'ok.sql');
    expect((await runRisingWaveStep(cfg(file, { host: '127.0.0.1', port }))).line).toBe(
      `risingwave: FAILED — RisingWave unreachable at 127.0.0.1:${port} — is it running? (backend-setup/docker-compose.yml starts one)`,
    );
    expect((await runRisingWaveStep(cfg(file, { database: 'no_such_db_ns' }))).line).toContain(
      `Database "no_such_db_ns" does not exist on RisingWave at ${db.host}:${db.port}`,
    );
    expect((await runRisingWaveStep(cfg(join(dir, 'absent.sql')))).line).toBe(
      `risingwave: FAILED — cannot read ${join(dir, 'absent.sql')}`,
    );
  });

  it('refuses a script whose placeholder sits outside a literal, before connecting', async () => {
    const file = join(dir, 'stray.sql');
    writeFileSync(file, 'CREATE TABLE t (a int) WITH (x = ${MYSQL_PASSWORD});\n');
    const outcome = await runRisingWaveStep(cfg(file));
    expect(outcome.line).toBe(
      "risingwave: FAILED — statement 1: placeholder ${MYSQL_PASSWORD} must sit inside a '…' string literal",
    );
  });
});
