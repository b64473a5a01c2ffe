import { describe, expect, it } from 'vitest';
import { RISINGWAVE_SQL } from './risingwave-vitals-source';
import { checkRisingWaveStatement } from './risingwave-sql-rules';

describe('RisingWave SQL subset', () => {
  it.each(Object.entries(RISINGWAVE_SQL))(
    'statement %s casts every parameter and uses literal LIMITs',
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
});
