import { describe, expect, it } from 'vitest';
import { resolveSetupConfig, UsageError } from './setup-config';

const noFile = () => {
  throw Object.assign(new Error('nope'), { code: 'ENOENT' });
};

describe('resolveSetupConfig', () => {
  it('defaults to the Docker Compose layout and all steps in dependency order', () => {
    const { config, help } = resolveSetupConfig([], { NS_WARD_TIME_ZONE: 'UTC' }, noFile);
    expect(help).toBe(false);
    expect(config.steps).toEqual(['kafka', 'mysql', 'risingwave']);
    expect(config.kafka).toEqual({
      brokers: ['127.0.0.1:9092'],
      topic: 'vital_signs',
      partitions: 3,
      replicationFactor: 1,
    });
    expect(config.mysql).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'nurse_station',
      database: 'nurse_station',
    });
    expect(config.risingwave).toMatchObject({
      host: '127.0.0.1',
      port: 4566,
      user: 'root',
      password: '',
      database: 'dev',
      kafkaBootstrap: 'kafka:19092',
      mysqlJdbcUrl: 'jdbc:mysql://mysql:3306/nurse_station?connectionTimeZone=UTC',
      sinkUser: 'nurse_station',
      wardTimeZone: 'UTC',
    });
    expect(config.risingwave.sqlFile).toMatch(/backend-setup\/risingwave\.sql$/);
    expect(config.mysql.sqlFile).toMatch(/backend-setup\/mysql\.sql$/);
  });

  it('takes flags over environment over config file', () => {
    const file = JSON.stringify({
      kafka: { brokers: ['file:9092'], partitions: 6 },
      mysql: { url: 'mysql://fileuser:filepw@file-db:3307/filedb', host: 'file-db-2' },
      risingwave: { host: 'file-rw', wardTimeZone: 'Asia/Tokyo', sinkPassword: 'sinkpw' },
    });
    const { config } = resolveSetupConfig(
      ['--config', 'x.json', '--mysql-user', 'flaguser', '--only', 'risingwave,mysql', '--rw-port', '4567'],
      {
        NS_MYSQL_URL: 'mysql://envuser:envpw@env-db/envdb',
        NS_RW_URL: 'postgres://rwuser:rw%3Apw@env-rw:4566/ward',
      },
      () => file,
    );
    expect(config.steps).toEqual(['mysql', 'risingwave']);
    expect(config.kafka.brokers).toEqual(['file:9092']);
    expect(config.kafka.partitions).toBe(6);
    expect(config.mysql).toMatchObject({
      host: 'env-db',
      port: 3307,
      user: 'flaguser',
      password: 'envpw',
      database: 'envdb',
    });
    expect(config.risingwave).toMatchObject({
      host: 'env-rw',
      port: 4567,
      user: 'rwuser',
      password: 'rw:pw',
      database: 'ward',
      wardTimeZone: 'Asia/Tokyo',
      sinkUser: 'flaguser',
      sinkPassword: 'sinkpw',
      mysqlJdbcUrl: 'jdbc:mysql://mysql:3306/envdb?connectionTimeZone=UTC',
    });
  });

  it('rejects bad usage with a clear message', () => {
    const bad = (
      argv: string[],
      env: Record<string, string> = {},
      file = noFile as (p: string) => string,
    ) => {
      try {
        resolveSetupConfig(argv, env, file);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(bad(['--only', 'kafka,zookeeper'])).toContain('--only takes');
    expect(bad(['--rw-port', '70000'])).toBe('--rw-port must be an integer 1..65535');
    expect(bad(['--kafka', 'no-port'])).toBe('Kafka broker "no-port" is not HOST:PORT');
    expect(bad(['--ward-time-zone', 'Mars/Olympus'])).toContain('not an IANA time zone');
    expect(bad(['--whatever'])).toContain('whatever');
    expect(bad([], { NS_RW_URL: 'mysql://x@y/z' })).toBe('NS_RW_URL must start with postgres://');
    expect(bad(['--config', 'missing.json'])).toBe('cannot read --config missing.json: ENOENT');
    expect(bad(['--config', 'c.json'], {}, () => '{"kafka": {"partitions": 0}}')).toContain(
      'kafka.partitions',
    );
  });
});
