// The PostgreSQL subset this adapter may send to RisingWave, as a checker the tests run over every
// statement. RisingWave infers parameter types poorly (an uncast `$1` is taken as varchar), takes
// LIMIT only as a literal, has no read-write transactions, LISTEN/NOTIFY, temp tables, or
// INSERT … ON CONFLICT.

/** Problems found in one statement; empty when it is inside the subset. */
export function checkRisingWaveStatement(sql: string): string[] {
  const problems: string[] = [];
  const params = [...sql.matchAll(/\$(\d+)(::)?/g)];
  for (const m of params) {
    if (!m[2]) problems.push(`parameter $${m[1]} has no ::type cast`);
  }
  if (/\b(LIMIT|OFFSET)\s+\$/i.test(sql)) problems.push('LIMIT/OFFSET must be a literal, not a parameter');
  if (/\bON\s+CONFLICT\b/i.test(sql)) problems.push('INSERT … ON CONFLICT is not supported');
  if (/^\s*(LISTEN|UNLISTEN|NOTIFY)\b/i.test(sql)) problems.push('LISTEN/NOTIFY is not supported');
  if (/\b(TEMP|TEMPORARY)\s+TABLE\b/i.test(sql)) problems.push('temporary tables are not supported');
  if (/^\s*(BEGIN|START\s+TRANSACTION)\b/i.test(sql) && !/\bREAD\s+ONLY\b/i.test(sql)) {
    problems.push('only BEGIN READ ONLY transactions are supported');
  }
  return problems;
}
