import { describe, expect, it } from 'vitest';
import { RISINGWAVE_SQL } from './risingwave-vitals-source';
import { checkRisingWaveStatement } from './risingwave-sql-rules';

describe('RisingWave SQL subset', () => {
  it.each(Object.entries(RISINGWAVE_SQL))(
    'statement %s passes the RisingWave dialect gate (casts, literal LIMITs, types, functions)',
    (_, sql) => {
      expect(checkRisingWaveStatement(sql)).toEqual([]);
    },
  );

  it('catches what RisingWave would reject', () => {
    expect(checkRisingWaveStatement('SELECT * FROM t WHERE a = $1')).toEqual([
      'parameter $1 has no ::type cast',
    ]);
    expect(checkRisingWaveStatement('SELECT * FROM t WHERE a = $1::int LIMIT $2::int')).toContain(
      'LIMIT/OFFSET must be a literal, not a parameter',
    );
    expect(checkRisingWaveStatement('INSERT INTO t VALUES (1) ON CONFLICT (id) DO NOTHING')).toHaveLength(1);
    expect(checkRisingWaveStatement('BEGIN')).toHaveLength(1);
    expect(checkRisingWaveStatement('BEGIN READ ONLY')).toEqual([]);
    expect(checkRisingWaveStatement('LISTEN alerts')).toHaveLength(1);
    expect(checkRisingWaveStatement('CREATE TEMP TABLE x (a int)')).toHaveLength(1);
  });

  it('applies the dialect rules to adapter-shaped queries', () => {
    // typed literals only for RisingWave's keyword types (timestamptz is a custom name to its parser)
    expect(
      checkRisingWaveStatement("SELECT * FROM alerts WHERE alert_time >= TIMESTAMPTZ '2026-01-01Z'"),
    ).toHaveLength(1);
    expect(
      checkRisingWaveStatement("SELECT * FROM alerts WHERE alert_time >= '2026-01-01Z'::timestamptz"),
    ).toEqual([]);
    // parameter casts must name a type RisingWave binds
    expect(checkRisingWaveStatement('SELECT * FROM t WHERE a = $1::uuid')).toHaveLength(1);
    expect(checkRisingWaveStatement('SELECT * FROM t WHERE a = $1::character varying')).toEqual([]);
    // functions RisingWave lacks (or the gate has not verified) are reported
    expect(checkRisingWaveStatement('SELECT pg_sleep(1)')).toHaveLength(1);
  });
});
