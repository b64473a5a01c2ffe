// Statistics for the benchmarks: percentiles, medians, summaries and the formatting of the table.
// Percentiles interpolate linearly between closest ranks (NumPy's default, "type 7"), so p50 of an even
// number of samples is the mean of the middle two, and p0/p100 are the minimum/maximum.

/** The p-th percentile (0..100) of `values`, or NaN when there are none. Does not modify `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError('a percentile is between 0 and 100');
  if (values.length === 0) return Number.NaN;
  for (const v of values) if (Number.isNaN(v)) throw new RangeError('a sample is NaN');
  const sorted = Float64Array.from(values).sort();
  return percentileOfSorted(sorted, p);
}

/** As percentile(), for samples already sorted ascending (not checked). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** n, min, p50, p90, p95, p99, max and mean of `values` (all NaN but n when empty). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    const nan = Number.NaN;
    return { n: 0, min: nan, p50: nan, p90: nan, p95: nan, p99: nan, max: nan, mean: nan };
  }
  const sorted = Float64Array.from(values).sort();
  if (Number.isNaN(sorted[sorted.length - 1]!)) throw new RangeError('a sample is NaN');
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/** Rounds the numbers of a summary for JSON output (3 significant decimals are plenty for ms). */
export function roundSummary(s: Summary, digits = 3): Summary {
  const r = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);
  return {
    n: s.n,
    min: r(s.min),
    p50: r(s.p50),
    p90: r(s.p90),
    p95: r(s.p95),
    p99: r(s.p99),
    max: r(s.max),
    mean: r(s.mean),
  };
}

/** a / b, or NaN when b is 0 or either is not finite. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Milliseconds for the table: 0.042 → "0.04", 3.14159 → "3.1", 1234.5 → "1,235". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  if (abs >= 100) return Math.round(ms).toLocaleString('en');
  if (abs >= 10) return ms.toFixed(1);
  if (abs >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** Large counts for the table: 1234567 → "1.23 M", 45678 → "45.7 k". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return Math.round(n).toLocaleString('en');
}

/** Bytes as MB (10^6) with one decimal. */
export function formatMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '–';
}

/** Runs `fn` `runs` times and returns every result; the caller takes the median. */
export async function repeat<T>(runs: number, fn: (run: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}
