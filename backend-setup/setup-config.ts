// Where `npm run backend:setup` gets its settings: flags, then environment, then a JSON config file,
// then defaults that match backend-setup/docker-compose.yml.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mysqlSchemaPath } from '../electron/main/adapters/mysql/mysql-schema';

export const STEP_NAMES = ['kafka', 'mysql', 'risingwave'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface DbEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface SetupConfig {
  /** in run order: Kafka first (the source needs the topic), MySQL before RisingWave (the sink needs the table) */
  steps: StepName[];
  /** topic is always vital_signs (risingwave.sql reads it); tests use their own */
  kafka: { brokers: string[]; topic: string; partitions: number; replicationFactor: number };
  risingwave: DbEndpoint & {
    sqlFile: string;
    /** Kafka as RisingWave's server sees it (inside Docker: the service name) */
    kafkaBootstrap: string;
    /** MySQL as RisingWave's JDBC sink sees it */
    mysqlJdbcUrl: string;
    sinkUser: string;
    sinkPassword: string;
    wardTimeZone: string;
  };
  mysql: DbEndpoint & { sqlFile: string };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const HELP = `Usage: npm run backend:setup -- [options]

Prepares the backend of connected mode; safe to run again (every step is idempotent).
Steps, in order: kafka (topics vital_signs and nurse_station_alerts), mysql (database + backend-setup/mysql.sql),
risingwave (backend-setup/risingwave.sql: source, views, sink into MySQL).

  --only kafka,mysql,risingwave   run only these steps
  --config FILE                   JSON file with the settings below (see backend-setup/README or --help)

Kafka (env NS_KAFKA_BROKERS):
  --kafka HOST:PORT[,HOST:PORT]   brokers as this computer reaches them (default 127.0.0.1:9092)
  --partitions N                  partitions of a new topic (default 3)
  --replication N                 replication factor of a new topic (default 1)

MySQL (env NS_MYSQL_URL=mysql://user:password@host:port/database):
  --mysql-url URL | --mysql-host --mysql-port --mysql-user --mysql-password --mysql-database
                                  default nurse_station@127.0.0.1:3306/nurse_station

RisingWave (env NS_RW_URL=postgres://user:password@host:port/database):
  --rw-url URL | --rw-host --rw-port --rw-user --rw-password --rw-database
                                  default root@127.0.0.1:4566/dev
  --rw-kafka-bootstrap HOST:PORT  Kafka as the RISINGWAVE SERVER reaches it (default kafka:19092,
                                  the Docker Compose service; env NS_RW_KAFKA_BOOTSTRAP)
  --mysql-jdbc-url URL            MySQL as the RISINGWAVE SERVER reaches it (default
                                  jdbc:mysql://mysql:3306/<database>?connectionTimeZone=UTC; env NS_MYSQL_JDBC_URL)
  --sink-user, --sink-password    MySQL account of RisingWave's sink (default: the MySQL user above)
  --ward-time-zone ZONE           IANA zone of device clocks without offset (default: this computer's;
                                  env NS_WARD_TIME_ZONE)

Passwords given as flags are visible to other users of this computer (ps): prefer the environment or
a config file readable only by you.
Exit codes: 0 all steps succeeded, 1 a step failed, 2 bad usage.`;

const endpointFile = z
  .object({
    url: z.string().optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    database: z.string().min(1).optional(),
  })
  .strict();

const configFileSchema = z
  .object({
    kafka: z
      .object({
        brokers: z.union([z.string(), z.array(z.string())]).optional(),
        partitions: z.number().int().min(1).max(1000).optional(),
        replicationFactor: z.number().int().min(1).max(10).optional(),
      })
      .strict()
      .optional(),
    risingwave: endpointFile
      .extend({
        kafkaBootstrap: z.string().min(1).optional(),
        mysqlJdbcUrl: z.string().min(1).optional(),
        sinkUser: z.string().min(1).optional(),
        sinkPassword: z.string().optional(),
        wardTimeZone: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    mysql: endpointFile.optional(),
  })
  .strict();
type ConfigFile = z.infer<typeof configFileSchema>;

function parseUrl(url: string, protocols: string[], what: string): Partial<DbEndpoint> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${what} is not a URL`);
  }
  const protocol = u.protocol.replace(/:$/, '');
  if (!protocols.includes(protocol)) throw new UsageError(`${what} must start with ${protocols[0]}://`);
  const out: Partial<DbEndpoint> = {};
  if (u.hostname) out.host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (u.port) out.port = Number(u.port);
  if (u.username) out.user = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (db) out.database = db;
  return out;
}

function intFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be an integer ${min}..${max}`);
  return n;
}

function firstDefined<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined);
}

export function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface ParsedCli {
  help: boolean;
  config: SetupConfig;
}

export function resolveSetupConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        only: { type: 'string' },
        config: { type: 'string' },
        kafka: { type: 'string' },
        partitions: { type: 'string' },
        replication: { type: 'string' },
        'rw-url': { type: 'string' },
        'rw-host': { type: 'string' },
        'rw-port': { type: 'string' },
        'rw-user': { type: 'string' },
        'rw-password': { type: 'string' },
        'rw-database': { type: 'string' },
        'rw-kafka-bootstrap': { type: 'string' },
        'mysql-jdbc-url': { type: 'string' },
        'sink-user': { type: 'string' },
        'sink-password': { type: 'string' },
        'ward-time-zone': { type: 'string' },
        'mysql-url': { type: 'string' },
        'mysql-host': { type: 'string' },
        'mysql-port': { type: 'string' },
        'mysql-user': { type: 'string' },
        'mysql-password': { type: 'string' },
        'mysql-database': { type: 'string' },
        'rw-sql': { type: 'string' },
        'mysql-sql': { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const f = parsed.values;

  let file: ConfigFile = {};
  if (f.config) {
    let text: string;
    try {
      text = readFile(f.config);
    } catch (err) {
      throw new UsageError(
        `cannot read --config ${f.config}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new UsageError(`--config ${f.config} is not valid JSON`);
    }
    const checked = configFileSchema.safeParse(raw);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new UsageError(
        `--config ${f.config}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    file = checked.data;
  }

  const steps: StepName[] = [...STEP_NAMES];
  let chosen = steps;
  if (f.only !== undefined) {
    const names = f.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((s) => !(STEP_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0 || names.length === 0) {
      throw new UsageError(`--only takes a comma-separated list of ${STEP_NAMES.join(', ')}`);
    }
    chosen = steps.filter((s) => names.includes(s));
  }

  // Each endpoint: flags > flag URL > env URL > config file fields > config file URL > defaults.
  const endpoint = (
    prefix: 'rw' | 'mysql',
    envName: string,
    protocols: string[],
    fromFile: z.infer<typeof endpointFile> | undefined,
    defaults: DbEndpoint,
  ): DbEndpoint => {
    const flagUrl = f[`${prefix}-url`];
    const flagged = flagUrl ? parseUrl(flagUrl, protocols, `--${prefix}-url`) : {};
    const envUrl = env[envName]?.trim();
    const fromEnv = envUrl ? parseUrl(envUrl, protocols, envName) : {};
    const fileUrl = fromFile?.url
      ? parseUrl(fromFile.url, protocols, `${prefix === 'rw' ? 'risingwave' : 'mysql'}.url`)
      : {};
    const port = intFlag(f[`${prefix}-port`], `--${prefix}-port`, 1, 65535);
    return {
      host:
        firstDefined(f[`${prefix}-host`], flagged.host, fromEnv.host, fromFile?.host, fileUrl.host) ??
        defaults.host,
      port: firstDefined(port, flagged.port, fromEnv.port, fromFile?.port, fileUrl.port) ?? defaults.port,
      user:
        firstDefined(f[`${prefix}-user`], flagged.user, fromEnv.user, fromFile?.user, fileUrl.user) ??
        defaults.user,
      password:
        firstDefined(
          f[`${prefix}-password`],
          flagged.password,
          fromEnv.password,
          fromFile?.password,
          fileUrl.password,
        ) ?? defaults.password,
      database:
        firstDefined(
          f[`${prefix}-database`],
          flagged.database,
          fromEnv.database,
          fromFile?.database,
          fileUrl.database,
        ) ?? defaults.database,
    };
  };

  const mysql = endpoint('mysql', 'NS_MYSQL_URL', ['mysql'], file.mysql, {
    host: '127.0.0.1',
    port: 3306,
    user: 'nurse_station',
    password: '',
    database: 'nurse_station',
  });
  const rw = endpoint('rw', 'NS_RW_URL', ['postgres', 'postgresql'], file.risingwave, {
    host: '127.0.0.1',
    port: 4566,
    user: 'root',
    password: '',
    database: 'dev',
  });

  const brokersRaw = firstDefined(f.kafka, env.NS_KAFKA_BROKERS, file.kafka?.brokers) ?? '127.0.0.1:9092';
  const brokers = (Array.isArray(brokersRaw) ? brokersRaw : brokersRaw.split(','))
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers) {
    if (!/^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/.test(b))
      throw new UsageError(`Kafka broker "${b}" is not HOST:PORT`);
  }
  if (brokers.length === 0) throw new UsageError('no Kafka broker given');

  const wardTimeZone =
    firstDefined(f['ward-time-zone'], env.NS_WARD_TIME_ZONE, file.risingwave?.wardTimeZone) ??
    (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  if (!validTimeZone(wardTimeZone)) throw new UsageError(`"${wardTimeZone}" is not an IANA time zone`);

  return {
    help: f.help === true,
    config: {
      steps: chosen,
      kafka: {
        brokers,
        topic: 'vital_signs',
        partitions: intFlag(f.partitions, '--partitions', 1, 1000) ?? file.kafka?.partitions ?? 3,
        replicationFactor:
          intFlag(f.replication, '--replication', 1, 10) ?? file.kafka?.replicationFactor ?? 1,
      },
      mysql: { ...mysql, sqlFile: f['mysql-sql'] ?? mysqlSchemaPath() },
      risingwave: {
        ...rw,
        sqlFile: f['rw-sql'] ?? fileURLToPath(new URL('./risingwave.sql', import.meta.url)),
        kafkaBootstrap:
          firstDefined(f['rw-kafka-bootstrap'], env.NS_RW_KAFKA_BOOTSTRAP, file.risingwave?.kafkaBootstrap) ??
          'kafka:19092',
        mysqlJdbcUrl:
          firstDefined(f['mysql-jdbc-url'], env.NS_MYSQL_JDBC_URL, file.risingwave?.mysqlJdbcUrl) ??
          `jdbc:mysql://mysql:3306/${mysql.database}?connectionTimeZone=UTC`,
        sinkUser: firstDefined(f['sink-user'], file.risingwave?.sinkUser) ?? mysql.user,
        sinkPassword: firstDefined(f['sink-password'], file.risingwave?.sinkPassword) ?? mysql.password,
        wardTimeZone,
      },
    },
  };
}
