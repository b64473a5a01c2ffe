// The three steps of `npm run backend:setup`. Each returns one line for the administrator and never
// throws: a failure is described with what to do about it, without passwords or SQL text.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type ConfigResourceTypes } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { applyMysqlSchema } from '../electron/main/adapters/mysql/mysql-schema';
import { describePgError } from '../electron/main/adapters/risingwave/pg-errors';
import { sinkTargetProblem } from './risingwave-dialect';
import type { SetupConfig, StepName } from './setup-config';
import { prepareSqlScript } from './sql-script';

export interface StepOutcome {
  step: StepName;
  ok: boolean;
  line: string;
}

const COMPOSE_HINT = '(backend-setup/docker-compose.yml starts one)';

/** Removes every secret from a message that came from a server or driver. */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    chain.push(e);
    const obj = e as { cause?: unknown; originalError?: unknown; errors?: unknown };
    if (Array.isArray(obj.errors) && obj.errors.length > 0) chain.push(...(obj.errors as unknown[]));
    e = obj.originalError ?? obj.cause;
  }
  return chain;
}

function chainText(err: unknown): string {
  return causeChain(err)
    .map((e) => {
      const o = e as { name?: unknown; message?: unknown; code?: unknown; type?: unknown };
      return [o.name, o.code, o.type, o.message].filter((x) => typeof x === 'string').join(' ');
    })
    .join(' | ');
}

// ---- Kafka ---------------------------------------------------------------------------------------

export function describeKafkaError(err: unknown, cfg: SetupConfig['kafka']): string {
  const at = cfg.brokers.join(',');
  const text = chainText(err);
  if (
    /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|Connection error|Connection timeout|KafkaJSConnectionError|ETIMEDOUT/i.test(
      text,
    )
  ) {
    return `Kafka is not reachable at ${at} — is it running? ${COMPOSE_HINT}`;
  }
  if (/ENOTFOUND|EAI_AGAIN/i.test(text)) return `Kafka host in "${at}" not found (DNS) — check --kafka`;
  if (/AUTHORIZATION_FAILED/i.test(text)) {
    return `Kafka at ${at} refused: this client may not create or describe topics (grant CREATE/DESCRIBE on topic ${cfg.topic}, or create it yourself with ${cfg.partitions} partitions)`;
  }
  if (/INVALID_REPLICATION_FACTOR/i.test(text)) {
    return `Kafka at ${at} has fewer brokers than --replication ${cfg.replicationFactor} — use a smaller replication factor`;
  }
  if (/SASL|authentication/i.test(text))
    return `Kafka at ${at} requires authentication, which this command does not support — create topic ${cfg.topic} yourself`;
  return `Kafka at ${at} failed: ${text.slice(0, 200)}`;
}

/** A topic the Kafka step makes sure of. */
export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** topic-level settings for a new topic (an existing topic is left as it is) */
  configEntries?: { name: string; value: string }[];
  /** said in the line when the topic is created, e.g. "compacted" */
  note?: string;
}

/** The topic risingwave.sql reads (CREATE SOURCE vital_signs). */
export const VITAL_SIGNS_TOPIC = 'vital_signs';
/** The topic risingwave.sql's Kafka sink writes (CREATE SINK alerts_kafka_sink). */
export const ALERTS_TOPIC = 'nurse_station_alerts';

// The alert topic holds RisingWave's upsert sink: one key (alert_id) per alert, a new message whenever
// the alert changes, never a tombstone (ignore_delete). compact: Kafka keeps at least the newest message
// of every key, so the topic never holds more than one version per alert for long. delete with
// retention.ms: an alert older than 7 days leaves the topic too, so it does not grow with the history
// the way the `alerts` view and MySQL do; the stations read it for new alerts only (from its end) and
// take the history from RisingWave and MySQL. segment.ms: compaction and retention act on closed
// segments only, and this topic is far too small to fill the default 1 GiB one, so segments close daily.
export const ALERTS_TOPIC_CONFIG = [
  { name: 'cleanup.policy', value: 'compact,delete' },
  { name: 'retention.ms', value: String(7 * 24 * 3_600_000) },
  { name: 'segment.ms', value: String(24 * 3_600_000) },
];

/**
 * The topics of a setup: the readings topic and, for the deployment of risingwave.sql (the one that
 * reads vital_signs), the topic of its Kafka sink with the same partitions and replication. A setup
 * aimed at another readings topic (the integration tests') prepares only that one.
 */
export function kafkaTopics(cfg: SetupConfig['kafka']): TopicSpec[] {
  const readings = { topic: cfg.topic, partitions: cfg.partitions, replicationFactor: cfg.replicationFactor };
  if (cfg.topic !== VITAL_SIGNS_TOPIC) return [readings];
  return [
    readings,
    {
      topic: ALERTS_TOPIC,
      partitions: cfg.partitions,
      replicationFactor: cfg.replicationFactor,
      configEntries: ALERTS_TOPIC_CONFIG,
      note: 'compacted',
    },
  ];
}

type KafkaAdmin = ReturnType<Kafka['admin']>;

// ConfigResourceTypes.TOPIC. Not imported as a value: kafkajs is CommonJS, and under `tsx` (npm run
// backend:setup) Node's ESM loader does not see that enum among its named exports.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** Creates one topic if it is missing; the phrase for the step's line. */
async function ensureTopic(admin: KafkaAdmin, spec: TopicSpec, existing: string[]): Promise<string> {
  const asked = `${spec.partitions} partitions, replication ${spec.replicationFactor}${spec.note ? `, ${spec.note}` : ''}`;
  if (!existing.includes(spec.topic)) {
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
            ...(spec.configEntries ? { configEntries: spec.configEntries } : {}),
          },
        ],
      });
      if (created) return `topic ${spec.topic} created (${asked})`;
      // created by someone else between the two calls: report it like any existing topic
    } catch (err) {
      if (!/TOPIC_ALREADY_EXISTS/i.test(chainText(err))) throw err;
      return `topic ${spec.topic} already present`;
    }
  }
  const meta = await admin.fetchTopicMetadata({ topics: [spec.topic] });
  const partitions = meta.topics[0]?.partitions.length ?? 0;
  const notes: string[] = [];
  if (partitions < spec.partitions)
    notes.push(`it has fewer than the ${spec.partitions} asked for, left unchanged`);
  const policy = spec.configEntries?.find((e) => e.name === 'cleanup.policy')?.value;
  if (policy) {
    // A topic made by hand or by a broker's auto-creation is usually not compacted: said, not changed.
    // (a client without DescribeConfigs rights just gets no note)
    const current = await admin
      .describeConfigs({
        includeSynonyms: false,
        resources: [{ type: TOPIC_RESOURCE, name: spec.topic, configNames: ['cleanup.policy'] }],
      })
      .then(
        (d) => d.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue,
        () => undefined,
      );
    if (current !== undefined && current !== policy)
      notes.push(
        `cleanup.policy is ${current}, not ${policy}: left unchanged, set it with kafka-configs --alter`,
      );
  }
  return `topic ${spec.topic} already present (${partitions} partitions${notes.map((n) => `; ${n}`).join('')})`;
}

export async function runKafkaStep(
  cfg: SetupConfig['kafka'],
  topics: readonly TopicSpec[] = kafkaTopics(cfg),
): Promise<StepOutcome> {
  const kafka = new Kafka({
    clientId: 'nurse-station-setup',
    brokers: cfg.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
  });
  const admin = kafka.admin();
  const at = cfg.brokers.join(',');
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    const phrases: string[] = [];
    for (const spec of topics) phrases.push(await ensureTopic(admin, spec, existing));
    return { step: 'kafka', ok: true, line: `kafka: ${phrases.join('; ')} at ${at}` };
  } catch (err) {
    return { step: 'kafka', ok: false, line: `kafka: FAILED — ${describeKafkaError(err, cfg)}` };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

// ---- MySQL ---------------------------------------------------------------------------------------

export function describeMysqlError(err: unknown, cfg: SetupConfig['mysql']): string {
  const at = `${cfg.host}:${cfg.port}`;
  const chain = causeChain(err);
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === 'string') as
    string | undefined;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'PROTOCOL_CONNECTION_LOST':
      return `MySQL is not reachable at ${at} — is it running? ${COMPOSE_HINT}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `MySQL host "${cfg.host}" not found (DNS) — check --mysql-host`;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `MySQL at ${at} rejected user "${cfg.user}" — wrong password? (--mysql-password or NS_MYSQL_URL)`;
    case 'ER_DBACCESS_DENIED_ERROR':
      return `MySQL user "${cfg.user}" may not create or use database "${cfg.database}" — create it as an administrator (CREATE DATABASE ${cfg.database}; GRANT ALL ON ${cfg.database}.* TO '${cfg.user}') or run this step as an administrator`;
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
    case 'ER_TABLEACCESS_DENIED_ERROR':
      return `MySQL user "${cfg.user}" lacks the privileges to create the alert tables in "${cfg.database}" — grant them or run this step as an administrator`;
    case 'ER_HOST_NOT_PRIVILEGED':
      return `MySQL at ${at} does not accept user "${cfg.user}" from this computer`;
    default: {
      // applyMysqlSchema's errors already name the statement and say what to do
      const message = err instanceof Error ? err.message : String(err);
      if (/log_bin_trust_function_creators|SUPER privilege/i.test(message)) {
        return `MySQL at ${at}: ${message} — creating triggers without SUPER needs log_bin_trust_function_creators=1 (the compose file sets it), or run this step as an administrator`;
      }
      return `MySQL at ${at}: ${message}`;
    }
  }
}

export async function runMysqlStep(cfg: SetupConfig['mysql']): Promise<StepOutcome> {
  const at = `${cfg.host}:${cfg.port}`;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(cfg.database)) {
    // The name is written into CREATE DATABASE (identifiers cannot be parameters), so it is restricted.
    return {
      step: 'mysql',
      ok: false,
      line: `mysql: FAILED — database name "${cfg.database}" must be letters, digits and _`,
    };
  }
  let sqlText: string;
  try {
    sqlText = readFileSync(cfg.sqlFile, 'utf8');
  } catch {
    return { step: 'mysql', ok: false, line: `mysql: FAILED — cannot read ${cfg.sqlFile}` };
  }
  let conn: mysql.Connection | null = null;
  try {
    conn = await mysql.createConnection({
      host: cfg.host,
      port: cfg.port,
      user: cfg.user,
      password: cfg.password,
      connectTimeout: 5_000,
      timezone: 'Z',
      multipleStatements: false,
    });
    await conn.query("SET time_zone = '+00:00'");
    // The alert store itself runs on MySQL 8.0+ or MariaDB 10.6+, but RisingWave's sink writes into
    // this server too and needs MySQL 8.0+ (risingwave-dialect.ts sinkTargetProblem): said, not refused,
    // since a site may point the sink elsewhere or run without it.
    const [version] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const sinkWarning = sinkTargetProblem(String(version[0]?.v ?? ''));
    const [rows] = await conn.execute<RowDataPacket[]>(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [cfg.database],
    );
    const existed = rows.length > 0;
    if (!existed) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${cfg.database}\` CHARACTER SET utf8mb4`);
    }
    await conn.changeUser({ database: cfg.database });
    const { statements } = await applyMysqlSchema(conn, sqlText);
    return {
      step: 'mysql',
      ok: true,
      line: `mysql: database ${cfg.database} ${existed ? 'already present' : 'created'} at ${at}; schema applied (${statements} statements, tables checked)${sinkWarning ? ` — WARNING: ${sinkWarning}` : ''}`,
    };
  } catch (err) {
    return {
      step: 'mysql',
      ok: false,
      line: `mysql: FAILED — ${redactSecrets(describeMysqlError(err, cfg), [cfg.password])}`,
    };
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

// ---- RisingWave ----------------------------------------------------------------------------------

export function risingWaveValues(cfg: SetupConfig['risingwave']): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP: cfg.kafkaBootstrap,
    MYSQL_JDBC_URL: cfg.mysqlJdbcUrl,
    MYSQL_USER: cfg.sinkUser,
    MYSQL_PASSWORD: cfg.sinkPassword,
    WARD_TIME_ZONE: cfg.wardTimeZone,
  };
}

function rwHint(kind: string, cfg: SetupConfig['risingwave']): string {
  switch (kind) {
    case 'unreachable':
    case 'timeout':
      return ` — is it running? ${COMPOSE_HINT}`;
    case 'auth':
      return ' (--rw-user/--rw-password or NS_RW_URL)';
    case 'no_database':
      return ` (create it: psql -h ${cfg.host} -p ${cfg.port} -U ${cfg.user} -d dev -c 'CREATE DATABASE ${cfg.database}')`;
    default:
      return '';
  }
}

export async function runRisingWaveStep(cfg: SetupConfig['risingwave']): Promise<StepOutcome> {
  const at = `${cfg.host}:${cfg.port}/${cfg.database}`;
  const target = {
    system: 'RisingWave',
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    database: cfg.database,
  };
  const secrets = [cfg.password, cfg.sinkPassword];
  let statements;
  try {
    statements = prepareSqlScript(readFileSync(cfg.sqlFile, 'utf8'), risingWaveValues(cfg));
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `cannot read ${cfg.sqlFile}`
        : (err as Error).message;
    return { step: 'risingwave', ok: false, line: `risingwave: FAILED — ${redactSecrets(why, secrets)}` };
  }

  const client = new pg.Client({
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  let current = 0;
  try {
    await client.connect();
    // What exists before we start, to say "created" or "already present" per object.
    let before: Set<string> | null = null;
    try {
      const rows = await client.query<{ name: string }>('SELECT name FROM rw_catalog.rw_relations');
      before = new Set(rows.rows.map((r) => r.name));
    } catch {
      before = null; // not RisingWave (or an old one): only "applied" can be said
    }
    const created: string[] = [];
    const present: string[] = [];
    for (const statement of statements) {
      current = statement.index;
      await client.query(statement.text);
      const name = statement.object?.name;
      if (!name) continue;
      if (before === null) created.push(name);
      else (before.has(name) ? present : created).push(name);
    }
    const parts = [
      created.length > 0 ? `${before === null ? 'applied' : 'created'}: ${created.join(', ')}` : null,
      present.length > 0 ? `already present: ${present.join(', ')}` : null,
    ].filter(Boolean);
    return {
      step: 'risingwave',
      ok: true,
      line: `risingwave: ${statements.length} statements at ${at} — ${parts.join('; ') || 'nothing to do'} (Kafka for RisingWave: ${cfg.kafkaBootstrap}; sink: ${cfg.mysqlJdbcUrl})`,
    };
  } catch (err) {
    const described = describePgError(err, target);
    let why: string;
    if (current === 0 || described.kind !== 'other') {
      why = `${described.message}${rwHint(described.kind, cfg)}`;
    } else {
      // A DDL statement failed: name it and keep RisingWave's reason (it often names the Kafka or
      // MySQL address it could not reach), with any password masked.
      const statement = statements[current - 1];
      const object = statement?.object ? `${statement.object.kind} ${statement.object.name}` : 'a statement';
      const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
      why = `statement ${current} of ${statements.length} (${object}) failed: ${reason}`;
    }
    return { step: 'risingwave', ok: false, line: `risingwave: FAILED — ${redactSecrets(why, secrets)}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
