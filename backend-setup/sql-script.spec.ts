import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { placeholdersOf, prepareSqlScript } from './sql-script';

const RISINGWAVE_SQL = readFileSync(fileURLToPath(new URL('./risingwave.sql', import.meta.url)), 'utf8');
const VALUES = {
  KAFKA_BOOTSTRAP: 'kafka:19092',
  MYSQL_JDBC_URL: 'jdbc:mysql://mysql:3306/nurse_station?connectionTimeZone=UTC',
  MYSQL_USER: 'nurse_station',
  MYSQL_PASSWORD: "it's a \\ secret; --",
  WARD_TIME_ZONE: 'Europe/Berlin',
};

/** The literals of a statement, unescaped, as the server will read them (standard strings). */
function literals(sql: string): string[] {
  return [...sql.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

describe('risingwave.sql preparation', () => {
  const statements = prepareSqlScript(RISINGWAVE_SQL, VALUES);

  it('finds the statements in file order, with the objects they create', () => {
    expect(statements.map((s) => (s.object ? `${s.object.kind} ${s.object.name}` : null))).toEqual([
      'SOURCE vital_signs',
      'TABLE patient_thresholds',
      'TABLE ward_beds',
      'VIEW vital_readings',
      'VIEW vital_checks',
      'VIEW trend_firsts',
      'VIEW trend_checks',
      'MATERIALIZED VIEW alerts',
      'MATERIALIZED VIEW patient_latest_vitals',
      'MATERIALIZED VIEW patient_vitals_1min',
      'SINK alerts_mysql_sink',
      'SINK alerts_kafka_sink',
    ]);
    expect(statements.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('splits exactly like the file\'s own "-- ;;" separator lines', () => {
    const chunks = RISINGWAVE_SQL.split(/^-- ;;$/m)
      .map((chunk) => prepareSqlScript(chunk, VALUES))
      .filter((s) => s.length > 0);
    expect(chunks.every((s) => s.length === 1)).toBe(true);
    expect(chunks.map((s) => s[0]!.text)).toEqual(statements.map((s) => s.text));
  });

  it('uses exactly the documented placeholders, and leaves none behind', () => {
    expect(placeholdersOf(RISINGWAVE_SQL)).toEqual(Object.keys(VALUES).sort());
    for (const s of statements) {
      expect(s.text).not.toContain('${');
      expect(s.text).not.toMatch(/^\s*--/m);
      expect(s.text.endsWith(';')).toBe(false);
    }
  });

  it('puts each value inside its string literal, quotes doubled', () => {
    const sink = statements.find((s) => s.object?.kind === 'SINK')!;
    const sinkLiterals = literals(sink.text);
    expect(sinkLiterals).toContain(VALUES.MYSQL_PASSWORD);
    expect(sinkLiterals).toContain(VALUES.MYSQL_JDBC_URL);
    expect(sink.text).toContain("password = 'it''s a \\ secret; --'");
    const source = statements.find((s) => s.object?.kind === 'SOURCE')!;
    expect(literals(source.text)).toContain('kafka:19092');
    expect(source.text).toContain("AT TIME ZONE 'Europe/Berlin'");
  });
});

describe('prepareSqlScript', () => {
  it('cannot be broken out of a literal by a hostile value', () => {
    const hostile = "x', password = 'owned'); DROP TABLE alerts; --";
    const [s] = prepareSqlScript("CREATE SINK s WITH (user = '${U}', password = 'p')", { U: hostile });
    expect(literals(s!.text)).toEqual([hostile, 'p']);
    // re-splitting the rendered statement still gives one statement
    expect(prepareSqlScript(s!.text, {})).toHaveLength(1);
  });

  it('doubles backslashes inside E-strings', () => {
    const [s] = prepareSqlScript("SELECT E'a${V}b'", { V: "\\'" });
    expect(s!.text).toBe("SELECT E'a\\\\''b'");
  });

  it('does not split on semicolons inside literals, identifiers, dollar quotes or comments', () => {
    const script = `
      SELECT 'a;b', "c;d" FROM t; -- one; two
      /* x; /* nested; */ y; */ SELECT $fn$ body; $fn$;
      SELECT 1`;
    expect(prepareSqlScript(script, {}).map((s) => s.text)).toEqual([
      `SELECT 'a;b', "c;d" FROM t`,
      'SELECT $fn$ body; $fn$',
      'SELECT 1',
    ]);
  });

  it('refuses a placeholder outside a literal, or one without a value, without echoing values', () => {
    expect(() => prepareSqlScript('SELECT ${X}', { X: 'secret-value' })).toThrow(
      "statement 1: placeholder ${X} must sit inside a '…' string literal",
    );
    expect(() => prepareSqlScript("SELECT 1; SELECT '${MISSING}'", { X: 'secret-value' })).toThrow(
      'statement 2: no value for placeholder ${MISSING}',
    );
    expect(() => prepareSqlScript("SELECT 'unterminated", {})).toThrow('unterminated string literal');
    expect(() => prepareSqlScript("SELECT '${X}'", { X: 'a\0b' })).toThrow('NUL');
  });

  it('ignores placeholders in comments', () => {
    expect(prepareSqlScript("-- uses ${NOTHING}\nSELECT 'x'", {})).toEqual([
      { index: 1, text: "SELECT 'x'", object: null },
    ]);
  });
});
