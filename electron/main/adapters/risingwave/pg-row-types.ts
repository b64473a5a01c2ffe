// Per-pool type parsers for RisingWave (and PostgreSQL in tests). Set on the pool, not with the
// global `pg.types.setTypeParser`, so no other `pg` user in the process is affected.
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

const OID = {
  int8: 20,
  numeric: 1700,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

/** TIMESTAMP WITHOUT TIME ZONE is read as UTC (never the host's local zone) → epoch ms. */
export function parseTimestampAsUtc(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

const parseTimestamptzText = pg.types.getTypeParser(OID.timestamptz, 'text') as (text: string) => unknown;

/** TIMESTAMPTZ → epoch ms, via pg's own parser (offsets, fractions, BC dates). */
export function parseTimestamptz(text: string): number {
  const value = parseTimestamptzText(text);
  if (value instanceof Date) return value.getTime();
  return Date.parse(text);
}

function parseNumber(text: string): number {
  return Number(text);
}

const overrides = new Map<number, (text: string) => unknown>([
  [OID.int8, parseNumber],
  [OID.numeric, parseNumber],
  [OID.timestamp, parseTimestampAsUtc],
  [OID.timestamptz, parseTimestamptz],
]);

export const risingWaveTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const parser = overrides.get(oid);
      if (parser) return parser;
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

/** A column value as a finite number, or null (NULL, NaN, garbage). */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof value === 'bigint') return Number(value);
  return null;
}

/** A timestamp column (already epoch ms through the parsers above, or a Date) as epoch ms, or null. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? t : null;
  }
  if (typeof value === 'string') {
    const t = parseTimestamptz(value);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/** Epoch ms as a parameter for `$n::timestamptz` (ISO 8601 with Z: unambiguous for the server). */
export function tsParam(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
