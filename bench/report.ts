// The shape of a benchmark result and how the table is printed. Each case (bench/cases/*.ts) returns a
// CaseResult; the runner prints every row and writes everything, details included, as JSON.

export type RowStatus = 'pass' | 'miss' | 'info';

export interface ResultRow {
  /** the measure of the table, e.g. 'Engine throughput' */
  measure: string;
  /** what this row varies, e.g. '1,000 beds' or '1M alerts · pending, 24h' */
  size: string;
  /** the figure as shown, e.g. '1.52 M readings/s' or '0.8 / 3.1 ms' */
  value: string;
  /** the target as shown; '' when the row only records the curve */
  target: string;
  status: RowStatus;
  /** the numbers behind `value` */
  data: Record<string, unknown>;
  note?: string;
}

export interface CaseResult {
  name: string;
  title: string;
  rows: ResultRow[];
  /** anything worth keeping: parameters, breakdowns, server versions */
  details: Record<string, unknown>;
}

export interface CaseContext {
  quick: boolean;
  /** progress lines go to stderr, so the table on stdout stays clean */
  log: (message: string) => void;
}

export interface BenchCase {
  name: string;
  title: string;
  /** node flags the case's child process needs, e.g. --expose-gc */
  nodeFlags?: string[];
  run(ctx: CaseContext): Promise<CaseResult>;
}

/** pass/miss for "lower is better" figures against `limit`. */
export function atMost(value: number, limit: number): RowStatus {
  return Number.isFinite(value) && value <= limit ? 'pass' : 'miss';
}

/** pass/miss for "higher is better" figures against `limit`. */
export function atLeast(value: number, limit: number): RowStatus {
  return Number.isFinite(value) && value >= limit ? 'pass' : 'miss';
}

const STATUS_TEXT: Record<RowStatus, string> = { pass: 'ok', miss: 'MISS', info: '' };

/** A plain-text table with aligned columns. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['Measure', 'Size / case', 'Value', 'Target', ''];
  const body = rows.map((r) => [r.measure, r.size, r.value, r.target, STATUS_TEXT[r.status]]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const b of body) {
    // the measure is printed once per group
    const cells = [...b];
    if (cells[0] === last) cells[0] = '';
    else last = cells[0]!;
    out.push(line(cells));
  }
  return out.join('\n');
}

/** The same rows as a Markdown table (docs/performance.md). */
export function formatMarkdown(rows: readonly ResultRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['| Measure | Size / case | Value | Target | |', '|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${esc(r.measure)} | ${esc(r.size)} | ${esc(r.value)} | ${esc(r.target)} | ${r.status === 'miss' ? '**miss**' : STATUS_TEXT[r.status]} |`,
    );
  }
  return out.join('\n');
}
