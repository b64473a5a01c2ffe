// The RisingWave dialect gate over everything the project sends to RisingWave: every statement of
// backend-setup/risingwave.sql as setup.ts renders it, and every query of the RisingWave adapter.
// The PostgreSQL stand-in of the integration tests accepts more than RisingWave does, so this is where
// RisingWave-only failures are caught (rules and their sources: risingwave-sql-rules.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkRisingWaveStatement,
  PROJECT_TABLE_PRIMARY_KEYS,
} from '../electron/main/adapters/risingwave/risingwave-sql-rules';
import { RISINGWAVE_SQL } from '../electron/main/adapters/risingwave/risingwave-vitals-source';
import { checkRisingWaveScript, sinkTargetProblem } from './risingwave-dialect';

const script = readFileSync(fileURLToPath(new URL('./risingwave.sql', import.meta.url)), 'utf8');

/** The defaults of setup-config.ts (docker-compose.yml), and a password that needs escaping. */
const VALUES = {
  KAFKA_BOOTSTRAP: 'kafka:19092',
  MYSQL_JDBC_URL: 'jdbc:mysql://mysql:3306/nurse_station?connectionTimeZone=UTC',
  MYSQL_USER: 'nurse_station',
  MYSQL_PASSWORD: "it's-a-secret",
  WARD_TIME_ZONE: 'Europe/Berlin',
};

const problemsOf = (text: string) =>
  checkRisingWaveScript(text, VALUES)
    .filter((s) => s.problems.length > 0)
    .map((s) => ({ object: s.statement.object?.name, problems: s.problems }));

describe('RisingWave dialect gate', () => {
  it('accepts every rendered statement of risingwave.sql', () => {
    const checked = checkRisingWaveScript(script, VALUES);
    expect(checked.length).toBeGreaterThanOrEqual(10);
    for (const { statement, problems } of checked) expect(problems, statement.text.slice(0, 80)).toEqual([]);
  });

  it.each(Object.entries(RISINGWAVE_SQL))('accepts adapter query %s', (_, sql) => {
    expect(checkRisingWaveStatement(sql)).toEqual([]);
  });

  describe('problem 1: typed literals only for RisingWave keyword types', () => {
    it("rejects TIMESTAMPTZ '…' (timestamptz is a custom type name to RisingWave's parser)", () => {
      const old = script.replace(
        "TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00:00'",
        "TIMESTAMPTZ '2000-01-01 00:00:00+00:00'",
      );
      expect(old).not.toBe(script);
      const found = problemsOf(old);
      expect(found).toHaveLength(1);
      expect(found[0]!.object).toBe('vital_readings');
      expect(found[0]!.problems).toEqual([
        expect.stringContaining("typed literal TIMESTAMPTZ '2000-01-01 00:00:00+00:00'"),
      ]);
    });

    it('accepts the forms RisingWave tests use, and rejects other custom names', () => {
      expect(checkRisingWaveStatement("SELECT TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00Z'")).toEqual([]);
      expect(checkRisingWaveStatement("SELECT '2000-01-01 00:00:00Z'::timestamptz")).toEqual([]);
      expect(checkRisingWaveStatement("SELECT DATE '2020-05-20', INTERVAL '7' DAY, BOOL 'true'")).toEqual([]);
      expect(checkRisingWaveStatement("SELECT DOUBLE PRECISION '1.5', JSONB '{}'")).toEqual([]);
      expect(checkRisingWaveStatement("SELECT now() AT TIME ZONE 'UTC'")).toEqual([]);
      expect(checkRisingWaveStatement("SELECT int4 '1'")).toHaveLength(1);
      expect(checkRisingWaveStatement("SELECT json '{}'")).toHaveLength(1);
      expect(checkRisingWaveStatement("SELECT TIME WITH TIME ZONE '10:00+01'")).toHaveLength(1);
    });
  });

  describe('problem 2: JDBC sink options', () => {
    const withKeepalive = script.replace(
      "  ignore_delete = 'true'\n",
      "  ignore_delete = 'true',\n  tcp.keepalive.enable = 'true',\n  tcp.keepalive.idle = '60',\n  tcp.keepalive.interval = '10'\n",
    );

    it('rejects tcp.keepalive.* on a MySQL sink (Connector/J refuses the socket factory)', () => {
      expect(withKeepalive).not.toBe(script);
      const found = problemsOf(withKeepalive);
      expect(found.map((f) => f.object)).toEqual(['alerts_mysql_sink']);
      expect(found[0]!.problems).toHaveLength(3);
      for (const p of found[0]!.problems)
        expect(p).toMatch(/^jdbc sink: tcp\.keepalive\.\w+ breaks every MySQL/);
    });

    it('rejects unknown, missing and contradictory options', () => {
      const sink = (opts: string) => `CREATE SINK s FROM mv WITH (connector = 'jdbc', ${opts})`;
      const ok = "jdbc.url = 'jdbc:mysql://h:3306/d', table.name = 't', type = 'upsert', primary_key = 'id'";
      expect(checkRisingWaveStatement(sink(ok))).toEqual([]);
      expect(checkRisingWaveStatement(sink(`${ok}, ignore_delete = 'true'`))).toEqual([]);
      expect(checkRisingWaveStatement(sink(`${ok}, jdbc.tcp.keep.alive = 'true'`))).toEqual([
        'jdbc sink: unknown option jdbc.tcp.keep.alive',
      ]);
      expect(
        checkRisingWaveStatement(sink(`${ok}, ignore_delete = 'true', force_append_only = 'true'`)),
      ).toEqual(['jdbc sink: force_append_only is an alias of ignore_delete, only one of them can be given']);
      expect(checkRisingWaveStatement(sink(`${ok}, ignore_delete = 'yes'`))).toEqual([
        'jdbc sink: ignore_delete must be true or false',
      ]);
      expect(checkRisingWaveStatement(sink("jdbc.url = 'jdbc:mysql://h/d', type = 'upsert'"))).toEqual([
        'jdbc sink: missing required option table.name',
        'jdbc sink: an upsert sink needs primary_key (JDBCSinkFactory.validate)',
      ]);
      expect(checkRisingWaveStatement(sink(ok.replace('jdbc:mysql:', 'jdbc:mariadb:')))).toEqual([
        expect.stringContaining('no MariaDB driver'),
      ]);
      // keepalive works with pgjdbc, which takes a javax.net.SocketFactory
      expect(
        checkRisingWaveStatement(
          sink(`${ok.replace('jdbc:mysql:', 'jdbc:postgresql:')}, tcp.keepalive.enable = 'true'`),
        ),
      ).toEqual([]);
    });
  });

  describe('problem 3: the sink target must be MySQL 8.0+', () => {
    it('is not checkable in the SQL text, so the setup warns from the server version', () => {
      for (const v of ['10.11.6-MariaDB-0+deb12u1', '5.5.5-10.11.6-MariaDB', '10.6.18-MariaDB'])
        expect(sinkTargetProblem(v)).toMatch(
          /reads its handshake version 5\.5\.5-.* drops the fractional seconds/,
        );
      expect(sinkTargetProblem('11.4.2-MariaDB')).toMatch(/not a supported target/);
      expect(sinkTargetProblem('5.7.44-log')).toMatch(/too old/);
      expect(sinkTargetProblem('8.0.36')).toBeNull();
      expect(sinkTargetProblem('8.4.2')).toBeNull();
      expect(sinkTargetProblem('9.1.0')).toBeNull();
    });
  });

  describe('the sink never deletes a nurse-handled alert', () => {
    it('keeps ignore_delete, and the gate knows it is valid only as true/false', () => {
      const sink = checkRisingWaveScript(script, VALUES).find(
        (s) => s.statement.object?.name === 'alerts_mysql_sink',
      );
      expect(sink?.statement.text).toContain("ignore_delete = 'true'");
      expect(sink?.statement.text).not.toMatch(/force_append_only/);
    });
  });

  describe('problem 4: the Kafka sink (push path to the stations)', () => {
    const kafkaSink = () =>
      checkRisingWaveScript(script, VALUES).find((s) => s.statement.object?.name === 'alerts_kafka_sink');
    const sink = (withOpts: string, tail = ' FORMAT UPSERT ENCODE JSON') =>
      "CREATE SINK IF NOT EXISTS s FROM alerts WITH (connector = 'kafka', " +
      `properties.bootstrap.server = 'k:9092', topic = 'nurse_station_alerts'${withOpts})${tail}`;
    const pk = ", primary_key = 'alert_id'";

    it("accepts the file's sink: upsert JSON keyed by alert_id, utc_string times, no deletes, no backfill", () => {
      const found = kafkaSink();
      expect(found?.problems).toEqual([]);
      const text = found!.statement.text;
      expect(text).toContain("topic = 'nurse_station_alerts'");
      expect(text).toContain("properties.bootstrap.server = 'kafka:19092'");
      expect(text).toContain("primary_key = 'alert_id'");
      expect(text).toContain("snapshot = 'false'");
      // ignore_delete and the time format live in the FORMAT clause, where RisingWave reads them
      expect(text).toMatch(
        /\) FORMAT UPSERT ENCODE JSON \(\s*timestamptz\.handling\.mode = 'utc_string',\s*ignore_delete = 'true'\s*\)$/,
      );
    });

    it('accepts the plain form of the brief and the legacy type syntax', () => {
      expect(checkRisingWaveStatement(sink(pk))).toEqual([]);
      expect(
        checkRisingWaveStatement(
          sink(
            `${pk}, snapshot = 'false'`,
            " FORMAT UPSERT ENCODE JSON (timestamptz.handling.mode = 'milli')",
          ),
        ),
      ).toEqual([]);
      expect(checkRisingWaveStatement(sink(`${pk}, type = 'upsert', ignore_delete = 'true'`, ''))).toEqual(
        [],
      );
    });

    it('rejects unknown and invalid options (RisingWave would ignore a misspelt key silently)', () => {
      const servers = checkRisingWaveStatement(
        "CREATE SINK s FROM alerts WITH (connector = 'kafka', properties.bootstrap.servers = 'k:9092', " +
          "topic = 't', primary_key = 'alert_id') FORMAT UPSERT ENCODE JSON",
      );
      expect(servers).toEqual([
        "kafka sink: unknown option properties.bootstrap.servers (RisingWave's Kafka sink would silently ignore it)",
        'kafka sink: missing required option properties.bootstrap.server',
      ]);
      expect(checkRisingWaveStatement(sink(`${pk}, properties.enable.idempotance = 'true'`))).toEqual([
        "kafka sink: unknown option properties.enable.idempotance (RisingWave's Kafka sink would silently ignore it)",
      ]);
      expect(checkRisingWaveStatement(sink(`${pk}, properties.enable.idempotence = 'True'`))).toEqual([
        "kafka sink: properties.enable.idempotence must be 'true' or 'false' (lower case)",
      ]);
      expect(checkRisingWaveStatement(sink(`${pk}, properties.compression.codec = 'brotli'`))).toHaveLength(
        1,
      );
      expect(
        checkRisingWaveStatement(sink(pk, " FORMAT UPSERT ENCODE JSON (timestamptz.handling.mode = 'iso')")),
      ).toEqual([
        'kafka sink: timestamptz.handling.mode must be utc_string, utc_without_suffix, micro, milli',
      ]);
      expect(
        checkRisingWaveStatement(sink(pk, " FORMAT UPSERT ENCODE JSON (ignore_deletes = 'true')")),
      ).toEqual([
        'kafka sink: unknown ENCODE JSON option ignore_deletes (RisingWave would silently ignore it)',
      ]);
      expect(checkRisingWaveStatement(sink(pk, ' FORMAT UPSERT ENCODE BYTES'))).toEqual([
        'kafka sink: FORMAT UPSERT ENCODE BYTES is not accepted for a Kafka sink',
      ]);
    });

    it("rejects FORMAT UPSERT without primary_key (RisingWave does not take the view's key)", () => {
      expect(checkRisingWaveStatement(sink(''))).toEqual([
        'kafka sink: FORMAT UPSERT needs primary_key (RisingWave does not derive it from the view)',
      ]);
      expect(checkRisingWaveStatement(sink(", type = 'upsert'", ''))).toEqual([
        'kafka sink: FORMAT UPSERT needs primary_key (RisingWave does not derive it from the view)',
      ]);
      // an append-only sink needs no key
      expect(
        checkRisingWaveStatement(sink('', " FORMAT PLAIN ENCODE JSON (force_append_only = 'true')")),
      ).toEqual([]);
    });

    it('rejects ignore_delete in WITH next to FORMAT (ignored there), and other contradictions', () => {
      expect(checkRisingWaveStatement(sink(`${pk}, ignore_delete = 'true'`))).toEqual([
        "kafka sink: ignore_delete in WITH is ignored when FORMAT … ENCODE … is given; write it as FORMAT UPSERT ENCODE JSON (ignore_delete = '…')",
      ]);
      expect(
        checkRisingWaveStatement(
          sink(pk, " FORMAT UPSERT ENCODE JSON (ignore_delete = 'true', force_append_only = 'true')"),
        ),
      ).toEqual([
        'kafka sink: force_append_only is an alias of ignore_delete, only one of them can be given',
      ]);
      expect(
        checkRisingWaveStatement(sink(pk, " FORMAT DEBEZIUM ENCODE JSON (ignore_delete = 'true')")),
      ).toEqual(['kafka sink: a debezium (retract) sink does not take ignore_delete']);
      expect(checkRisingWaveStatement(sink(pk, ''))).toEqual([
        'kafka sink: missing FORMAT … ENCODE … (or the legacy type = …)',
      ]);
    });
  });

  describe("ward scoping: the ward_beds table and the stations' batch statements", () => {
    it('accepts the ward queries, DML and an index in the forms the stations send', () => {
      const ward = [
        'SELECT v.patient_id, b.bed_id, v.device_id, v.measure_time, v.heart_rate, v.blood_oxygen, v.blood_glucose ' +
          'FROM ward_beds b LEFT JOIN patient_latest_vitals v ON v.patient_id = b.patient_id ' +
          'WHERE b.ward_id = $1::varchar ORDER BY b.bed_id LIMIT 2000',
        'SELECT a.alert_id, a.patient_id, a.device_id, a.alert_time, a.alert_type, a.alert_detail, a.alert_level, ' +
          'a.heart_rate, a.blood_oxygen, a.blood_glucose FROM alerts a JOIN ward_beds b ON b.patient_id = a.patient_id ' +
          'WHERE b.ward_id = $1::varchar AND a.alert_time >= $2::timestamptz ORDER BY a.alert_time, a.alert_id LIMIT 500',
        'SELECT bed_id, ward_id, patient_id, updated_at, updated_by FROM ward_beds WHERE ward_id = $1::varchar ' +
          'ORDER BY bed_id LIMIT 2000',
        'DELETE FROM ward_beds WHERE bed_id = $1::varchar',
        'UPDATE ward_beds SET ward_id = $2::varchar, patient_id = $3::varchar, updated_at = $4::timestamptz, ' +
          'updated_by = $5::varchar WHERE bed_id = $1::varchar RETURNING bed_id',
        'INSERT INTO ward_beds (bed_id, ward_id, patient_id, updated_at, updated_by) ' +
          'VALUES ($1::varchar, $2::varchar, $3::varchar, $4::timestamptz, $5::varchar)',
        'FLUSH',
        'CREATE INDEX IF NOT EXISTS ward_beds_by_ward ON ward_beds (ward_id)',
      ];
      for (const sql of ward) expect(checkRisingWaveStatement(sql), sql).toEqual([]);
    });

    it('rejects an UPDATE of a primary key (RisingWave: "update modifying the PK column is unsupported")', () => {
      expect(
        checkRisingWaveStatement('UPDATE ward_beds SET bed_id = $2::varchar WHERE bed_id = $1::varchar'),
      ).toEqual([expect.stringContaining('UPDATE ward_beds SET bed_id: RisingWave refuses')]);
      expect(
        checkRisingWaveStatement(
          'UPDATE public.patient_thresholds SET (updated_by, patient_id) = ($2::varchar, $3::varchar) WHERE patient_id = $1::varchar',
        ),
      ).toHaveLength(1);
      // comparing the key in WHERE or naming it in RETURNING is fine
      expect(
        checkRisingWaveStatement(
          'UPDATE ward_beds SET patient_id = NULL WHERE bed_id = $1::varchar RETURNING bed_id',
        ),
      ).toEqual([]);
    });

    it('knows the primary keys of exactly the tables risingwave.sql creates', () => {
      const tables = checkRisingWaveScript(script, VALUES)
        .map((s) => s.statement)
        .filter((s) => s.object?.kind === 'TABLE');
      const keys = new Map(
        tables.map((t) => [
          t.object!.name,
          [...t.text.matchAll(/^\s*(\w+) \w+ PRIMARY KEY\b/gm)].map((m) => m[1]),
        ]),
      );
      expect(keys).toEqual(new Map([...PROJECT_TABLE_PRIMARY_KEYS].map(([t, k]) => [t, [...k]])));
    });
  });

  describe('the other rules', () => {
    it('checks cast and column types against what RisingWave binds', () => {
      expect(checkRisingWaveStatement('SELECT x::numeric, x::double precision, x::varchar[] FROM t')).toEqual(
        [],
      );
      expect(checkRisingWaveStatement('SELECT x::numeric(10, 2) FROM t')).toHaveLength(1);
      expect(checkRisingWaveStatement('SELECT x::varchar(64) FROM t')).toHaveLength(1);
      expect(checkRisingWaveStatement('SELECT CAST(x AS uuid) FROM t')).toHaveLength(1);
      expect(checkRisingWaveStatement('SELECT x::json FROM t')).toEqual([
        'cast: type json is not a RisingWave type: use jsonb',
      ]);
      expect(checkRisingWaveStatement('CREATE TABLE t (a char(3), b int PRIMARY KEY)')).toEqual([
        'column a: type CHAR is not supported by RisingWave, please use VARCHAR',
      ]);
    });

    it('rejects functions it has not verified in RisingWave', () => {
      expect(checkRisingWaveStatement('SELECT date_bin(x, y, z), md5(a) FROM t')).toEqual([
        expect.stringContaining('function date_bin() is not among'),
      ]);
      expect(
        checkRisingWaveStatement('SELECT count(*), extract(epoch FROM t.a) FROM t WHERE a IN (1)'),
      ).toEqual([]);
    });

    it('checks the Kafka source options and format', () => {
      const src = (opts: string, tail = ' FORMAT PLAIN ENCODE JSON') =>
        `CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = 'k:9092'${opts})${tail}`;
      expect(checkRisingWaveStatement(src(''))).toEqual([]);
      expect(checkRisingWaveStatement(src(", scan.startup.mode = 'newest'"))).toHaveLength(1);
      expect(checkRisingWaveStatement(src(", properties.bootstrap.servers = 'k'"))).toEqual([
        'kafka source: unknown option properties.bootstrap.servers',
      ]);
      expect(checkRisingWaveStatement(src('', ''))).toEqual(['kafka source: missing FORMAT … ENCODE …']);
    });
  });
});
