// The RisingWave dialect gate applied to backend-setup/risingwave.sql as setup.ts sends it (split and
// rendered by sql-script.ts), and the check of the sink's MySQL target that no static rule can make.
// The rules themselves live next to the adapter (electron/main/adapters/risingwave/risingwave-sql-rules.ts)
// so that both the setup's statements and the adapter's queries go through the same gate.
import { checkRisingWaveStatement } from '../electron/main/adapters/risingwave/risingwave-sql-rules';
import { prepareSqlScript, type SqlStatement } from './sql-script';

export interface StatementProblems {
  statement: SqlStatement;
  problems: string[];
}

/** Every rendered statement of a RisingWave script with the gate's problems (empty when accepted). */
export function checkRisingWaveScript(
  script: string,
  values: Readonly<Record<string, string>>,
): StatementProblems[] {
  return prepareSqlScript(script, values).map((statement) => ({
    statement,
    problems: checkRisingWaveStatement(statement.text),
  }));
}

/**
 * Why a MySQL server, given by its `SELECT VERSION()`, is not a good target for RisingWave's JDBC sink;
 * null for MySQL 8.0+.
 *
 * RisingWave's JDBC sink talks to MySQL through MySQL Connector/J (the only MySQL-protocol driver in
 * java/connector-node/risingwave-sink-jdbc/pom.xml). MariaDB before 11.0.1 announces itself in the
 * handshake as "5.5.5-10.x.y-MariaDB" (MariaDB's RPL_VERSION_HACK, removed by MDEV-28910); Connector/J
 * parses that as 5.5.5 (com/mysql/cj/ServerVersion.parseVersion, NativeCapabilities line 53) and,
 * being below 5.6.4, as a server without fractional seconds (NativeCapabilities line 91), so its value
 * encoders drop the fraction of every timestamp (AbstractValueEncoder.adjustTimestamp,
 * OffsetDateTimeValueEncoder): the sink would write alert_time in whole seconds while the stations
 * write milliseconds, and the alert lists' (alert_time, alert_id) order and the acknowledgement times
 * would shift. RisingWave documents MySQL 5.7 and 8.0 as the JDBC sink's targets
 * (https://docs.risingwave.com/integrations/destinations/mysql); mysql.sql needs 8.0+.
 */
export function sinkTargetProblem(version: string): string | null {
  const mariadb = /mariadb/i.test(version);
  const m = /^(?:5\.5\.5-)?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  const major = m ? Number(m[1]) : NaN;
  if (mariadb) {
    const shown = m ? `${m[1]}.${m[2]}.${m[3]}` : version;
    return major < 11
      ? `MariaDB ${shown} is not a target for RisingWave's sink: MySQL Connector/J reads its handshake version 5.5.5-${shown} as 5.5.5 and drops the fractional seconds of alert_time; point the sink (--mysql-jdbc-url) at MySQL 8.0+`
      : `MariaDB ${shown} is not a supported target for RisingWave's sink (it writes through MySQL Connector/J; RisingWave documents MySQL 5.7/8.0); use MySQL 8.0+`;
  }
  if (!m) return `cannot read the server version "${version}": RisingWave's sink needs MySQL 8.0+`;
  if (major < 8) return `MySQL ${m[1]}.${m[2]}.${m[3]} is too old: the sink's target must be MySQL 8.0+`;
  return null;
}
