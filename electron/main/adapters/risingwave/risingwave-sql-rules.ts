// The RisingWave dialect gate: the SQL subset this project may send to RisingWave, as a checker the
// tests run over every statement of backend-setup/risingwave.sql (rendered) and every adapter query
// (backend-setup/risingwave-dialect.spec.ts, risingwave-sql.spec.ts).
//
// Why a gate: the PostgreSQL that stands in for RisingWave in the integration tests is lenient, it
// accepts SQL that RisingWave's own parser, binder or connectors reject. Every rule below was read
// from RisingWave's source at tag v2.8.0 (the version backend-setup/docker-compose.yml pins), github
// risingwavelabs/risingwave, or from its docs; each names where. docs/risingwave-compat.md lists every
// construct the project sends with the test or page that shows RisingWave accepts it.
//
// It is a token-level checker, not a parser: it errs on the side of reporting (an unknown function or
// type is a problem until someone has looked it up in RisingWave and added it here with its source).

/** Problems found in one statement; empty when it is inside the subset. */
export function checkRisingWaveStatement(sql: string): string[] {
  const ts = tokenize(sql);
  const problems: string[] = [];
  const consumed = new Set<number>(); // tokens read as part of a type name
  checkSessionRules(ts, problems);
  checkUpdateTargets(ts, problems);
  checkTypedLiterals(ts, problems);
  checkCasts(ts, problems, consumed);
  const create = createTarget(ts);
  if (create) checkColumnTypes(ts, create, problems, consumed);
  checkFunctions(ts, problems, consumed, create);
  if (create) checkConnector(ts, create, problems);
  return problems;
}

// ---- tokens ---------------------------------------------------------------------------------------

interface Token {
  kind: 'word' | 'qident' | 'string' | 'number' | 'param' | 'op';
  /** a string's content, a word as written, an operator */
  text: string;
  /** word in upper case (empty for other kinds) */
  up: string;
}

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const push = (kind: Token['kind'], text: string) =>
    out.push({ kind, text, up: kind === 'word' ? text.toUpperCase() : '' });
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const escaped = c !== "'";
      let j = escaped ? i + 2 : i + 1;
      let body = '';
      while (j < n) {
        const d = sql[j]!;
        if (escaped && d === '\\') {
          body += d + (sql[j + 1] ?? '');
          j += 2;
        } else if (d === "'" && sql[j + 1] === "'") {
          body += "'";
          j += 2;
        } else if (d === "'") break;
        else {
          body += d;
          j++;
        }
      }
      push('string', body);
      i = j + 1;
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      push('qident', sql.slice(i + 1, end === -1 ? n : end));
      i = end === -1 ? n : end + 1;
    } else if (c === '$') {
      const param = /^\$(\d+)/.exec(sql.slice(i));
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (param) {
        push('param', param[0]);
        i += param[0].length;
      } else if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        push('string', sql.slice(i + tag[0].length, end === -1 ? n : end));
        i = end === -1 ? n : end + tag[0].length;
      } else {
        push('op', c);
        i++;
      }
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      push('word', m[0]);
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      push('number', m[0]);
      i += m[0].length;
    } else if (c === ':' && next === ':') {
      push('op', '::');
      i += 2;
    } else if ('(),;[].'.includes(c)) {
      push('op', c);
      i++;
    } else {
      const m = /^[+\-*/<>=~!@#%^&|`?:]+/.exec(sql.slice(i));
      const text = m ? m[0] : c;
      push('op', text);
      i += text.length;
    }
  }
  return out;
}

const isWord = (t: Token | undefined, ...words: string[]) =>
  t?.kind === 'word' && (words.length === 0 || words.includes(t.up));
const isOp = (t: Token | undefined, op: string) => t?.kind === 'op' && t.text === op;

/** Index of the token closing the parenthesis opened at `open`. */
function closing(ts: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < ts.length; i++) {
    if (isOp(ts[i], '(')) depth++;
    else if (isOp(ts[i], ')') && --depth === 0) return i;
  }
  return ts.length;
}

/** Top-level comma-separated items between the parenthesis at `open` and its closing one. */
function items(ts: Token[], open: number): [number, number][] {
  const end = closing(ts, open);
  const out: [number, number][] = [];
  let start = open + 1;
  let depth = 0;
  for (let i = open + 1; i < end; i++) {
    if (isOp(ts[i], '(') || isOp(ts[i], '[')) depth++;
    else if (isOp(ts[i], ')') || isOp(ts[i], ']')) depth--;
    else if (depth === 0 && isOp(ts[i], ',')) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (start < end) out.push([start, end]);
  return out;
}

// ---- session and protocol rules (the subset the adapter was written to) ---------------------------
// RisingWave infers parameter types poorly (an uncast `$1` is taken as varchar), takes LIMIT only as a
// literal, has no read-write transactions, LISTEN/NOTIFY, temp tables, or INSERT … ON CONFLICT
// (the adapter's header in risingwave-vitals-source.ts; RisingWave INSERT grammar: parser.rs
// `parse_insert` has no ON CONFLICT; transactions: docs.risingwave.com/sql/commands/sql-begin, READ ONLY only).

function checkSessionRules(ts: Token[], problems: string[]): void {
  ts.forEach((t, i) => {
    if (t.kind === 'param' && !isOp(ts[i + 1], '::')) problems.push(`parameter ${t.text} has no ::type cast`);
  });
  if (ts.some((t, i) => isWord(t, 'LIMIT', 'OFFSET') && ts[i + 1]?.kind === 'param'))
    problems.push('LIMIT/OFFSET must be a literal, not a parameter');
  if (ts.some((t, i) => isWord(t, 'ON') && isWord(ts[i + 1], 'CONFLICT')))
    problems.push('INSERT … ON CONFLICT is not supported');
  if (isWord(ts[0], 'LISTEN', 'UNLISTEN', 'NOTIFY')) problems.push('LISTEN/NOTIFY is not supported');
  if (ts.some((t, i) => isWord(t, 'TEMP', 'TEMPORARY') && isWord(ts[i + 1], 'TABLE')))
    problems.push('temporary tables are not supported');
  const begins = isWord(ts[0], 'BEGIN') || (isWord(ts[0], 'START') && isWord(ts[1], 'TRANSACTION'));
  if (begins && !ts.some((t, i) => isWord(t, 'READ') && isWord(ts[i + 1], 'ONLY')))
    problems.push('only BEGIN READ ONLY transactions are supported');
}

// ---- UPDATE of a primary key ----------------------------------------------------------------------
// RisingWave refuses an UPDATE that assigns a primary-key column: "update modifying the PK column is
// unsupported" (src/frontend/src/binder/update.rs:246-252, e2e_test/batch/basic/dml_basic.slt.part:124);
// PostgreSQL allows it. The statement alone does not say which columns are keys, so the gate knows the
// keys of this project's tables (backend-setup/risingwave.sql; risingwave-dialect.spec.ts checks that
// this list matches the file). Change a key by DELETE and INSERT.

/** Primary-key columns of the tables backend-setup/risingwave.sql creates. */
export const PROJECT_TABLE_PRIMARY_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['patient_thresholds', ['patient_id']],
  ['ward_beds', ['bed_id']],
]);

function checkUpdateTargets(ts: Token[], problems: string[]): void {
  if (!isWord(ts[0], 'UPDATE') || (ts[1]?.kind !== 'word' && ts[1]?.kind !== 'qident')) return;
  let n = 1;
  while (isOp(ts[n + 1], '.') && ts[n + 2]) n += 2; // schema-qualified: the table is the last part
  const table = ts[n]!.kind === 'word' ? ts[n]!.text.toLowerCase() : ts[n]!.text;
  const keys = PROJECT_TABLE_PRIMARY_KEYS.get(table);
  const set = ts.findIndex((t, i) => i > n && isWord(t, 'SET'));
  if (!keys || set < 0) return;
  const assigned: string[] = [];
  let depth = 0;
  let lhs = true; // inside the target part of an assignment (before its '=')
  for (let i = set + 1; i < ts.length; i++) {
    const t = ts[i]!;
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'WHERE', 'RETURNING', 'FROM')) break;
    else if (depth === 0 && isOp(t, '=')) lhs = false;
    else if (depth === 0 && isOp(t, ',')) lhs = true;
    else if (lhs && (t.kind === 'word' || t.kind === 'qident') && !isOp(ts[i + 1], '.'))
      assigned.push(t.kind === 'word' ? t.text.toLowerCase() : t.text);
  }
  for (const col of assigned.filter((c) => keys.includes(c)))
    problems.push(
      `UPDATE ${table} SET ${col}: RisingWave refuses to update a primary-key column ("update modifying the PK column is unsupported"); DELETE the row and INSERT it`,
    );
}

// ---- typed string literals ------------------------------------------------------------------------
// `type 'string'` is parsed only for the data types RisingWave's parser knows by keyword: parser.rs
// `parse_prefix` (v2.8.0 lines 581-612) calls `parse_data_type` and refuses `DataType::Custom` ("we
// don't accept the `type 'string'` syntax for the custom data types at all"). The keyword types are in
// src/sqlparser/src/parser_v2/data_type.rs `keyword_datatype` (lines 189-238); jsonb, regclass, regproc,
// map and vector are the only non-keyword names that are not Custom (`non_keyword_datatype`, 241-253).
// Everything else — timestamptz, int4, int8, float8, json … — is Custom: `TIMESTAMPTZ '…'` fails with
// "expected end of statement". The literal must also bind (bind_data_type, see casts): UUID, CHAR(n),
// TIME WITH TIME ZONE parse but do not bind. RisingWave's own tests write TIMESTAMP WITH TIME ZONE '…'
// (e2e_test/batch/types/timestamptz_utc.slt.part:145) or '…'::timestamptz (e2e_test/batch/basic/make_time.slt.part:88).

/** Keyword types whose `TYPE '…'` literal parses and binds (multi-word ones by their last word). */
const TYPED_LITERAL_TYPES = new Set([
  'BOOLEAN',
  'BOOL',
  'FLOAT',
  'REAL',
  'SMALLINT',
  'INT',
  'INTEGER',
  'BIGINT',
  'STRING',
  'VARCHAR',
  'DATE',
  'TIMESTAMP',
  'TIME',
  'INTERVAL',
  'TEXT',
  'BYTEA',
  'NUMERIC',
  'DECIMAL',
  'DEC',
  'JSONB',
]);

/** Words after which a string literal simply starts an expression or is a clause's argument. */
const LITERAL_PREDECESSORS = new Set([
  'SELECT',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'LIKE',
  'ILIKE',
  'SIMILAR',
  'TO',
  'IS',
  'DEFAULT',
  'ESCAPE',
  'AS',
  'BY',
  'IN',
  'BETWEEN',
  'SYMMETRIC',
  'FROM',
  'ON',
  'RETURNING',
  'VALUES',
  'HAVING',
  'SET',
  'DISTINCT',
  'ALL',
  'ANY',
  'SOME',
  'USING',
  'FOR',
  'PLACING',
  'LOCAL',
  'ZONE',
]);

function checkTypedLiterals(ts: Token[], problems: string[]): void {
  ts.forEach((t, i) => {
    if (t.kind !== 'string') return;
    const prev = ts[i - 1];
    if (!isWord(prev)) return;
    const w = prev!.up;
    if (w === 'PRECISION' && isWord(ts[i - 2], 'DOUBLE')) return;
    if (w === 'VARYING' && isWord(ts[i - 2], 'CHARACTER', 'CHAR')) return;
    if (w === 'ZONE' && isWord(ts[i - 2], 'TIME')) {
      const before = ts[i - 3];
      // TIME WITH TIME ZONE '…' parses (data_type.rs 226) but does not bind (binder/expr/mod.rs 1150)
      if (isWord(before, 'WITH') && isWord(ts[i - 4], 'TIME'))
        problems.push(`TIME WITH TIME ZONE '${t.text}': RisingWave has no time with time zone type`);
      return; // TIMESTAMP WITH|WITHOUT TIME ZONE '…', AT TIME ZONE '…', SET TIME ZONE '…'
    }
    if (TYPED_LITERAL_TYPES.has(w) || LITERAL_PREDECESSORS.has(w)) return;
    problems.push(
      `typed literal ${prev!.text} '${t.text}': RisingWave's parser takes TYPE '…' only for its keyword types ` +
        `(BOOLEAN, INT, BIGINT, DOUBLE PRECISION, NUMERIC, VARCHAR, DATE, TIME, TIMESTAMP [WITH TIME ZONE], INTERVAL, ` +
        `BYTEA, JSONB …); write '${t.text}'::${prev!.text.toLowerCase()}` +
        (w === 'TIMESTAMPTZ' ? ` or TIMESTAMP WITH TIME ZONE '${t.text}'` : ''),
    );
  });
}

// ---- types: casts and column definitions ----------------------------------------------------------
// A type binds only if bind_data_type accepts it: src/frontend/src/binder/expr/mod.rs (v2.8.0 lines
// 1064-1152). Custom names accepted there: int2, int4, int8, rw_int256, float4, float8, timestamptz,
// text (and pg_catalog.<those>); rejected: CHAR(n) ("CHAR is not supported, please use VARCHAR"),
// SERIAL, UUID, regclass/regproc, NUMERIC(p, s) (only `Decimal(None, None)` binds), TIME WITH TIME ZONE,
// and any other name. VARCHAR takes no length (data_type.rs 218: `empty`), so `varchar(64)` does not parse.
// Casts themselves: src/frontend/src/expr/type_inference/cast.rs CAST_TABLE (jsonb → number explicit,
// jsonb → varchar assign, varchar → anything explicit).

const BINDABLE_TYPES = new Set([
  'boolean',
  'bool',
  'smallint',
  'int2',
  'int',
  'integer',
  'int4',
  'bigint',
  'int8',
  'rw_int256',
  'real',
  'float4',
  'float',
  'double precision',
  'float8',
  'numeric',
  'decimal',
  'dec',
  'varchar',
  'text',
  'string',
  'character varying',
  'date',
  'time',
  'time without time zone',
  'timestamp',
  'timestamp without time zone',
  'timestamp with time zone',
  'timestamptz',
  'interval',
  'bytea',
  'jsonb',
]);

interface TypeRead {
  name: string;
  args: boolean;
  end: number;
}

/** Reads a type name starting at token `j` (after `::`, `AS` in CAST, or a column name). */
function readType(ts: Token[], j: number, consumed: Set<number>): TypeRead | null {
  if (!isWord(ts[j])) return null;
  let k = j;
  let name = ts[k]!.text.toLowerCase();
  if (isOp(ts[k + 1], '.') && isWord(ts[k + 2])) {
    // schema-qualified: only pg_catalog.<name> binds
    name = name === 'pg_catalog' ? ts[k + 2]!.text.toLowerCase() : `${name}.${ts[k + 2]!.text.toLowerCase()}`;
    k += 2;
  } else if (name === 'double' && isWord(ts[k + 1], 'PRECISION')) {
    name = 'double precision';
    k++;
  } else if ((name === 'character' || name === 'char') && isWord(ts[k + 1], 'VARYING')) {
    name = 'character varying';
    k++;
  } else if (
    (name === 'timestamp' || name === 'time') &&
    isWord(ts[k + 1], 'WITH', 'WITHOUT') &&
    isWord(ts[k + 2], 'TIME') &&
    isWord(ts[k + 3], 'ZONE')
  ) {
    name = `${name} ${ts[k + 1]!.up.toLowerCase()} time zone`;
    k += 3;
  }
  for (let x = j; x <= k; x++) consumed.add(x);
  let args = false;
  if (isOp(ts[k + 1], '(')) {
    args = true;
    const end = closing(ts, k + 1);
    for (let x = k + 1; x <= end; x++) consumed.add(x);
    k = end;
  }
  while (isOp(ts[k + 1], '[') && isOp(ts[k + 2], ']')) k += 2;
  return { name, args, end: k };
}

function typeProblem(t: TypeRead): string | null {
  const { name, args } = t;
  if (name === 'char' || name === 'character')
    return 'type CHAR is not supported by RisingWave, please use VARCHAR';
  if (name === 'json') return 'type json is not a RisingWave type: use jsonb';
  if (name === 'time with time zone') return 'RisingWave has no time with time zone type';
  if (!BINDABLE_TYPES.has(name))
    return `type ${name} does not bind in RisingWave (bind_data_type accepts ${[...BINDABLE_TYPES].join(', ')})`;
  if (args && name !== 'float')
    return `type ${name}(…) is not accepted by RisingWave: write ${name} without precision or length`;
  return null;
}

function checkCasts(ts: Token[], problems: string[], consumed: Set<number>): void {
  ts.forEach((t, i) => {
    let at = -1;
    if (isOp(t, '::')) at = i + 1;
    else if (isWord(t, 'CAST', 'TRY_CAST') && isOp(ts[i + 1], '(')) {
      const end = closing(ts, i + 1);
      let depth = 0;
      for (let k = i + 1; k < end; k++) {
        if (isOp(ts[k], '(')) depth++;
        else if (isOp(ts[k], ')')) depth--;
        else if (depth === 1 && isWord(ts[k], 'AS')) at = k + 1;
      }
    }
    if (at < 0) return;
    const type = readType(ts, at, consumed);
    const problem = type ? typeProblem(type) : 'a cast without a type name';
    if (problem) problems.push(`cast: ${problem}`);
  });
}

interface CreateTarget {
  kind: string;
  /** index of the object name token */
  name: number;
}

/** CREATE [TEMP] {SOURCE|TABLE|VIEW|MATERIALIZED VIEW|SINK|INDEX} [IF NOT EXISTS] name */
function createTarget(ts: Token[]): CreateTarget | null {
  if (!isWord(ts[0], 'CREATE')) return null;
  let i = 1;
  if (isWord(ts[i], 'OR') && isWord(ts[i + 1], 'REPLACE')) i += 2;
  if (isWord(ts[i], 'TEMP', 'TEMPORARY')) i++;
  let kind = ts[i]?.up ?? '';
  if (kind === 'MATERIALIZED' && isWord(ts[i + 1], 'VIEW')) {
    kind = 'MATERIALIZED VIEW';
    i++;
  }
  i++;
  if (isWord(ts[i], 'IF') && isWord(ts[i + 1], 'NOT') && isWord(ts[i + 2], 'EXISTS')) i += 3;
  if (ts[i]?.kind !== 'word' && ts[i]?.kind !== 'qident') return null;
  while (isOp(ts[i + 1], '.') && ts[i + 2]) i += 2;
  return { kind, name: i };
}

const TABLE_CONSTRAINTS = new Set(['PRIMARY', 'WATERMARK', 'CONSTRAINT', 'UNIQUE', 'CHECK', 'FOREIGN']);

function checkColumnTypes(ts: Token[], c: CreateTarget, problems: string[], consumed: Set<number>): void {
  if (c.kind !== 'TABLE' && c.kind !== 'SOURCE') return;
  if (!isOp(ts[c.name + 1], '(')) return;
  for (const [start] of items(ts, c.name + 1)) {
    if (isWord(ts[start]) && TABLE_CONSTRAINTS.has(ts[start]!.up)) continue;
    if (isOp(ts[start], '*')) continue;
    const type = readType(ts, start + 1, consumed);
    const problem = type ? typeProblem(type) : 'a column without a type';
    if (problem) problems.push(`column ${ts[start]?.text}: ${problem}`);
  }
}

// ---- functions ------------------------------------------------------------------------------------
// Every `name(` must be a function RisingWave has. Each entry names where v2.8.0 defines it; a name not
// here is reported until someone has checked it and added it (src/frontend/src/binder/expr/function/
// builtin_scalar.rs is the scalar list; `#[function("…")]` in src/expr/impl/src/scalar/ gives signatures).

const BUILTIN = 'src/frontend/src/binder/expr/function/builtin_scalar.rs';
const FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['coalesce', `${BUILTIN}:147`],
  ['nullif', `${BUILTIN}:154`],
  ['round', `${BUILTIN}:158 (round(x), round(numeric, int): src/expr/impl/src/scalar/round.rs:18)`],
  ['floor', `${BUILTIN}:169 (float8 and decimal: round.rs:40-45)`],
  ['abs', `${BUILTIN}:171`],
  ['to_timestamp', `${BUILTIN}:212`],
  ['date_trunc', `${BUILTIN}:218 ('milliseconds': src/expr/impl/src/scalar/date_trunc.rs:22-55)`],
  ['date_part', `${BUILTIN}:220`],
  ['timezone', `${BUILTIN}:225`],
  ['length', `${BUILTIN}:232`],
  ['upper', `${BUILTIN}:233`],
  ['lower', `${BUILTIN}:234`],
  ['btrim', `${BUILTIN}:238`],
  ['md5', `${BUILTIN}:241`],
  ['to_char', `${BUILTIN}:242`],
  ['concat_ws', `${BUILTIN}:247`],
  ['regexp_match', `${BUILTIN}:257`],
  ['regexp_replace', `${BUILTIN}:258`],
  ['jsonb_extract_path_text', `${BUILTIN}:396`],
  ['jsonb_typeof', `${BUILTIN}:397`],
  ['greatest', `${BUILTIN}:483`],
  ['least', `${BUILTIN}:484`],
  ['version', `${BUILTIN}:771`],
  ['now', `${BUILTIN}:773`],
  ['proctime', `${BUILTIN}:775`],
  ['min', 'src/expr/impl/src/aggregate/general.rs:90'],
  ['max', 'src/expr/impl/src/aggregate/general.rs:109'],
  ['sum', 'src/expr/impl/src/aggregate/general.rs:18'],
  ['avg', 'src/expr/core/src/aggregate/def.rs:332 (rewritten to sum/count)'],
  ['count', 'https://docs.risingwave.com/sql/functions/aggregate'],
  ['row_number', 'src/expr/core/src/window_function/kind.rs:29'],
  ['tumble', 'src/frontend/src/binder/relation/window_table_function.rs:37'],
  ['hop', 'src/frontend/src/binder/relation/window_table_function.rs:39'],
]);

/** Keywords followed by a parenthesis that are not function calls. */
const PAREN_KEYWORDS = new Set([
  'CAST',
  'TRY_CAST',
  'EXTRACT',
  'SUBSTRING',
  'POSITION',
  'OVERLAY',
  'TRIM',
  'EXISTS',
  'ROW',
  'ARRAY',
  'IN',
  'VALUES',
  'OVER',
  'AS',
  'FROM',
  'JOIN',
  'WITH',
  'ANY',
  'ALL',
  'SOME',
  'FILTER',
  'KEY',
  'UNIQUE',
  'USING',
  'ON',
  'AND',
  'OR',
  'NOT',
  'WHERE',
  'SELECT',
  'BY',
  'THEN',
  'ELSE',
  'WHEN',
  'INTO',
  'TABLE',
  'LATERAL',
  'CHECK',
  'REFERENCES',
  'WINDOW',
  'CONFLICT',
  'RETURNING',
  'SET',
  'IS',
  'BETWEEN',
  'LIKE',
  'ILIKE',
  'INCLUDE',
]);

function checkFunctions(
  ts: Token[],
  problems: string[],
  consumed: Set<number>,
  c: CreateTarget | null,
): void {
  ts.forEach((t, i) => {
    if (!isWord(t) || !isOp(ts[i + 1], '(') || consumed.has(i)) return;
    if (c && i === c.name) return;
    // CREATE INDEX i ON t (cols): t is the table (parser.rs parse_create_index, v2.8.0 lines 2479-2492)
    if (c?.kind === 'INDEX' && isWord(ts[i - 1], 'ON')) return;
    if (isWord(ts[i - 1], 'INTO', 'ENCODE') || isOp(ts[i - 1], '.')) return;
    if (PAREN_KEYWORDS.has(t.up)) return;
    if (!FUNCTIONS.has(t.text.toLowerCase()))
      problems.push(
        `function ${t.text.toLowerCase()}() is not among the RisingWave functions this gate has verified ` +
          `(look it up in ${BUILTIN} at the pinned version and add it with its source)`,
      );
  });
}

// ---- connectors -----------------------------------------------------------------------------------

/** The WITH (…) options of a CREATE SOURCE / TABLE / SINK, keys lower-cased. */
function withOptions(ts: Token[], c: CreateTarget): Map<string, string> | null {
  let i = c.name + 1;
  if (isOp(ts[i], '(')) i = closing(ts, i) + 1;
  let depth = 0;
  for (; i < ts.length; i++) {
    if (isOp(ts[i], '(')) depth++;
    else if (isOp(ts[i], ')')) depth--;
    else if (depth === 0 && isWord(ts[i], 'WITH') && isOp(ts[i + 1], '(')) break;
  }
  if (i >= ts.length) return null;
  return optionList(ts, i + 1);
}

/** `key = value, …` between the parenthesis at `open` and its closing one, keys lower-cased. */
function optionList(ts: Token[], open: number): Map<string, string> {
  const options = new Map<string, string>();
  for (const [start, end] of items(ts, open)) {
    const eq = ts.findIndex((t, k) => k >= start && k < end && isOp(t, '='));
    if (eq < 0) continue;
    const key = ts
      .slice(start, eq)
      .map((t) => t.text)
      .join('')
      .toLowerCase();
    options.set(key, ts[eq + 1]?.text ?? '');
  }
  return options;
}

interface FormatEncode {
  format: string;
  encode: string;
  /** the options in ENCODE x (…), keys lower-cased; empty when there are none */
  options: Map<string, string>;
  /** KEY ENCODE x, upper-cased, if given */
  keyEncode: string | null;
}

/** The FORMAT x ENCODE y [(…)] [KEY ENCODE z] clause of a CREATE SOURCE / TABLE / SINK. */
function formatEncode(ts: Token[]): FormatEncode | null {
  const f = ts.findIndex((t, i) => isWord(t, 'FORMAT') && isWord(ts[i + 1]) && isWord(ts[i + 2], 'ENCODE'));
  if (f < 0 || !isWord(ts[f + 3])) return null;
  let next = f + 4;
  let options = new Map<string, string>();
  if (isOp(ts[next], '(')) {
    options = optionList(ts, next);
    next = closing(ts, next) + 1;
  }
  const keyEncode =
    isWord(ts[next], 'KEY') && isWord(ts[next + 1], 'ENCODE') ? (ts[next + 2]?.up ?? '') : null;
  return { format: ts[f + 1]!.up, encode: ts[f + 3]!.up, options, keyEncode };
}

// Kafka source: KafkaProperties in src/connector/with_options_source.yaml (v2.8.0 lines 350-646);
// CREATE SOURCE refuses unknown keys ("Unknown fields in the WITH clause", src/connector/src/source/base.rs:133-147).
const KAFKA_SOURCE_OPTIONS = new Set([
  'connector',
  'bytes.per.second',
  'max.num.messages',
  'scan.startup.mode',
  'scan.startup.timestamp.millis',
  'group.id.prefix',
  'upsert',
  'topic',
  'properties.sync.call.timeout',
  'properties.bootstrap.server',
  'properties.security.protocol',
  'properties.ssl.endpoint.identification.algorithm',
  'properties.ssl.ca.location',
  'properties.ssl.ca.pem',
  'properties.ssl.certificate.location',
  'properties.ssl.certificate.pem',
  'properties.ssl.key.location',
  'properties.ssl.key.pem',
  'properties.ssl.key.password',
  'properties.sasl.mechanism',
  'properties.sasl.username',
  'properties.sasl.password',
  'properties.sasl.kerberos.service.name',
  'properties.sasl.kerberos.keytab',
  'properties.sasl.kerberos.principal',
  'properties.sasl.kerberos.kinit.cmd',
  'properties.sasl.kerberos.min.time.before.relogin',
  'properties.sasl.oauthbearer.config',
  'properties.message.max.bytes',
  'properties.receive.message.max.bytes',
  'properties.statistics.interval.ms',
  'properties.client.id',
  'properties.enable.ssl.certificate.verification',
  'properties.socket.keepalive.enable',
  'properties.queued.min.messages',
  'properties.queued.max.messages.kbytes',
  'properties.fetch.wait.max.ms',
  'properties.fetch.min.bytes',
  'properties.fetch.message.max.bytes',
  'properties.fetch.queue.backoff.ms',
  'properties.fetch.max.bytes',
  'properties.enable.auto.commit',
  'broker.rewrite.endpoints',
  'aws.region',
  'aws.endpoint_url',
  'aws.credentials.access_key_id',
  'aws.credentials.secret_access_key',
  'aws.credentials.session_token',
  'aws.credentials.role.arn',
  'aws.credentials.role.external_id',
  'aws.profile',
  'aws.msk.signer_timeout_sec',
]);

// JDBC sink (a Java sink: java/connector-node/risingwave-sink-jdbc). Its options are the fields of
// JDBCSinkConfig.java (jdbc.url, table.name, type via @JsonCreator; user, password, schema.name,
// jdbc.query.timeout, jdbc.auto.commit, database.name, batch.insert.rows, tcp.keepalive.*) and
// CommonSinkConfig.java (connector, force_append_only, primary_key), plus RisingWave's own sink
// options: ignore_delete / force_append_only and snapshot (src/connector/src/sink/mod.rs:232-243).
// The Java config has @JsonIgnoreProperties(ignoreUnknown = true): a misspelt key is silently ignored
// there, so this gate refuses it.
const JDBC_SINK_OPTIONS = new Set([
  'connector',
  'jdbc.url',
  'user',
  'password',
  'table.name',
  'schema.name',
  'database.name',
  'type',
  'primary_key',
  'ignore_delete',
  'force_append_only',
  'snapshot',
  'jdbc.query.timeout',
  'jdbc.auto.commit',
  'batch.insert.rows',
]);

// jdbc URL prefixes with a dialect: JdbcUtils.getDialectFactory (JdbcUtils.java:39-52). jdbc:mariadb is
// mapped to the MySQL dialect there, but risingwave-sink-jdbc/pom.xml bundles no MariaDB driver, only
// mysql-connector-j, postgresql, redshift-jdbc42 and snowflake-jdbc (and mssql for sqlserver).
const JDBC_URL_PREFIXES = [
  'jdbc:mysql:',
  'jdbc:postgresql:',
  'jdbc:redshift:',
  'jdbc:snowflake:',
  'jdbc:sqlserver:',
];

// Kafka sink: KafkaConfig in src/connector/with_options_sink.yaml (v2.8.0 lines 749-1032; the struct is
// src/connector/src/sink/kafka.rs:225-264), with the aliases listed there, plus what the frontend itself
// reads from WITH: type (the legacy syntax), ignore_delete / force_append_only
// (src/connector/src/sink/mod.rs:231-242), snapshot (src/frontend/src/handler/create_sink.rs:344-356),
// backfill_rate_limit (e2e_test/sink/kafka/create_sink.slt:108-115). KafkaConfig::from_btreemap
// (kafka.rs:275-280) is a plain serde deserialisation without deny_unknown_fields: RisingWave IGNORES
// a misspelt key (properties.bootstrap.servers, properties.enable.idempotance …) without a word, so
// this gate refuses it.
const KAFKA_SINK_OPTIONS = new Set([
  'connector',
  'type',
  'ignore_delete',
  'force_append_only',
  'snapshot',
  'backfill_rate_limit',
  'primary_key',
  'topic',
  'kafka.topic',
  'properties.bootstrap.server',
  'kafka.brokers',
  'properties.sync.call.timeout',
  'properties.security.protocol',
  'properties.ssl.endpoint.identification.algorithm',
  'properties.ssl.ca.location',
  'properties.ssl.ca.pem',
  'properties.ssl.certificate.location',
  'properties.ssl.certificate.pem',
  'properties.ssl.key.location',
  'properties.ssl.key.pem',
  'properties.ssl.key.password',
  'properties.sasl.mechanism',
  'properties.sasl.username',
  'properties.sasl.password',
  'properties.sasl.kerberos.service.name',
  'properties.sasl.kerberos.keytab',
  'properties.sasl.kerberos.principal',
  'properties.sasl.kerberos.kinit.cmd',
  'properties.sasl.kerberos.min.time.before.relogin',
  'properties.sasl.oauthbearer.config',
  'properties.retry.max',
  'properties.retry.interval',
  'properties.message.max.bytes',
  'properties.receive.message.max.bytes',
  'properties.statistics.interval.ms',
  'properties.client.id',
  'properties.enable.ssl.certificate.verification',
  'properties.socket.keepalive.enable',
  'properties.allow.auto.create.topics',
  'properties.queue.buffering.max.messages',
  'properties.queue.buffering.max.kbytes',
  'properties.queue.buffering.max.ms',
  'properties.enable.idempotence',
  'properties.message.send.max.retries',
  'properties.retry.backoff.ms',
  'properties.batch.num.messages',
  'properties.batch.size',
  'properties.compression.codec',
  'properties.message.timeout.ms',
  'properties.max.in.flight.requests.per.connection',
  'properties.request.required.acks',
  'broker.rewrite.endpoints',
  'aws.region',
  'region',
  's3.region',
  'aws.endpoint_url',
  'endpoint_url',
  'endpoint',
  's3.endpoint',
  'aws.credentials.access_key_id',
  'access_key',
  's3.access.key',
  'aws.credentials.secret_access_key',
  'secret_key',
  's3.secret.key',
  'aws.credentials.session_token',
  'session_token',
  'aws.credentials.role.arn',
  'arn',
  'aws.credentials.role.external_id',
  'external_id',
  'aws.profile',
  'profile',
  'aws.msk.signer_timeout_sec',
]);

/** Boolean KafkaConfig fields: serde DisplayFromStr, so exactly 'true' or 'false' (kafka.rs:695-697 refuses 'True'). */
const KAFKA_SINK_BOOLEANS = [
  'properties.enable.idempotence',
  'properties.allow.auto.create.topics',
  'properties.enable.ssl.certificate.verification',
  'properties.socket.keepalive.enable',
];

// FORMAT … ENCODE JSON (…) options a Kafka sink reads (v2.8.0): timestamptz.handling.mode
// (src/connector/src/sink/encoder/mod.rs:111-138), jsonb.handling.mode (mod.rs:158-177), schemas.enable
// (src/connector/src/sink/formatter/mod.rs:148-165), ignore_delete / force_append_only
// (src/frontend/src/optimizer/plan_node/stream_sink.rs:604-663, read from these options when the
// FORMAT syntax is used). bind_sink_format_desc (create_sink.rs:751-817) checks no other key, so a
// misspelt one is silently ignored there too.
const KAFKA_SINK_JSON_OPTIONS: ReadonlyMap<string, readonly string[] | null> = new Map([
  ['timestamptz.handling.mode', ['utc_string', 'utc_without_suffix', 'micro', 'milli']],
  ['jsonb.handling.mode', ['string', 'dynamic']],
  ['schemas.enable', null],
  ['ignore_delete', null],
  ['force_append_only', null],
]);

// Formats and encodes a Kafka sink takes: CONNECTORS_COMPATIBLE_FORMATS (create_sink.rs:839-843).
const KAFKA_SINK_FORMATS: ReadonlyMap<string, readonly string[]> = new Map([
  ['PLAIN', ['JSON', 'AVRO', 'PROTOBUF', 'BYTES']],
  ['UPSERT', ['JSON', 'AVRO', 'PROTOBUF']],
  ['DEBEZIUM', ['JSON']],
]);

function checkConnector(ts: Token[], c: CreateTarget, problems: string[]): void {
  if (c.kind !== 'SOURCE' && c.kind !== 'TABLE' && c.kind !== 'SINK') return;
  if (c.kind === 'SINK' && isWord(ts[c.name + 1], 'INTO')) return; // sink into a RisingWave table
  const options = withOptions(ts, c);
  if (!options) {
    if (c.kind !== 'TABLE') problems.push(`CREATE ${c.kind} without WITH (connector = …)`);
    return;
  }
  const connector = options.get('connector');
  if (connector === undefined) {
    if (c.kind !== 'TABLE' || options.size > 0) problems.push(`CREATE ${c.kind} without connector option`);
    return;
  }
  if (c.kind !== 'SINK' && connector === 'kafka') return checkKafkaSource(ts, options, problems);
  if (c.kind === 'SINK' && connector === 'jdbc') return checkJdbcSink(options, problems);
  if (c.kind === 'SINK' && connector === 'kafka') return checkKafkaSink(ts, options, problems);
  problems.push(`connector '${connector}' for CREATE ${c.kind} is not verified by this gate`);
}

function checkKafkaSource(ts: Token[], options: Map<string, string>, problems: string[]): void {
  for (const key of options.keys())
    if (!KAFKA_SOURCE_OPTIONS.has(key)) problems.push(`kafka source: unknown option ${key}`);
  for (const key of ['topic', 'properties.bootstrap.server'])
    if (!options.has(key)) problems.push(`kafka source: missing required option ${key}`);
  const mode = options.get('scan.startup.mode');
  // src/connector/src/source/kafka/enumerator.rs:132-143: earliest, latest or absent
  if (mode !== undefined && !['earliest', 'latest'].includes(mode.toLowerCase()))
    problems.push(`kafka source: scan.startup.mode '${mode}' must be earliest or latest`);
  // FORMAT … ENCODE … is required for Kafka (parser.rs parse_format_encode_with_connector)
  const f = ts.findIndex((t, i) => isWord(t, 'FORMAT') && isWord(ts[i + 2], 'ENCODE'));
  if (f < 0) problems.push('kafka source: missing FORMAT … ENCODE …');
  else if (
    !isWord(ts[f + 1], 'PLAIN', 'UPSERT', 'DEBEZIUM') ||
    !isWord(ts[f + 3], 'JSON', 'AVRO', 'PROTOBUF', 'CSV', 'BYTES')
  )
    problems.push(
      `kafka source: FORMAT ${ts[f + 1]?.text} ENCODE ${ts[f + 3]?.text} is not verified by this gate`,
    );
}

function checkJdbcSink(options: Map<string, string>, problems: string[]): void {
  const url = options.get('jdbc.url') ?? '';
  // An unrendered ${PLACEHOLDER} (the raw file) is treated as this project's target: MySQL.
  const mysql = url.startsWith('jdbc:mysql:') || url.startsWith('${');
  for (const key of options.keys()) {
    if (key.startsWith('tcp.keepalive.')) {
      // JdbcUtils.getConnectionDefault (v2.8.0, JdbcUtils.java:108-122) then sets Connector/J's
      // socketFactory to JDBCKeepaliveSocketFactory, a javax.net.SocketFactory. Connector/J accepts
      // only com.mysql.cj.protocol.SocketFactory (AbstractSocketConnection.createSocketFactory ->
      // Util.getInstance: "does not implement the interface"), so every MySQL connection, and with it
      // CREATE SINK's validation, fails before reaching the server. RisingWave already sets
      // tcpKeepAlive=true for every JDBC connection (JdbcUtils.java:67).
      if (mysql)
        problems.push(
          `jdbc sink: ${key} breaks every MySQL connection (RisingWave hands Connector/J a javax.net.SocketFactory it refuses); ` +
            'RisingWave already sets tcpKeepAlive=true',
        );
    } else if (!JDBC_SINK_OPTIONS.has(key)) problems.push(`jdbc sink: unknown option ${key}`);
  }
  for (const key of ['jdbc.url', 'table.name', 'type'])
    if (!options.has(key)) problems.push(`jdbc sink: missing required option ${key}`);
  if (url.startsWith('jdbc:mariadb:'))
    problems.push(
      'jdbc sink: RisingWave bundles no MariaDB driver (risingwave-sink-jdbc/pom.xml); use jdbc:mysql: against MySQL 8.0+',
    );
  else if (url && !url.startsWith('${') && !JDBC_URL_PREFIXES.some((p) => url.startsWith(p)))
    problems.push(`jdbc sink: jdbc.url must start with one of ${JDBC_URL_PREFIXES.join(', ')}`);
  const type = options.get('type');
  // JDBCSinkConfig isUpsertSink ("upsert"), else plain INSERTs; stream_sink.rs derive_sink_type
  if (type !== undefined && type !== 'upsert' && type !== 'append-only')
    problems.push(`jdbc sink: type '${type}' must be upsert or append-only`);
  if (type === 'upsert' && !options.has('primary_key'))
    problems.push('jdbc sink: an upsert sink needs primary_key (JDBCSinkFactory.validate)');
  // stream_sink.rs is_user_ignore_delete (v2.8.0 lines 604-631)
  if (options.has('ignore_delete') && options.has('force_append_only'))
    problems.push('jdbc sink: force_append_only is an alias of ignore_delete, only one of them can be given');
  for (const key of ['ignore_delete', 'force_append_only']) {
    const v = options.get(key);
    if (v !== undefined && !['true', 'false'].includes(v.toLowerCase()))
      problems.push(`jdbc sink: ${key} must be true or false`);
  }
}

const isBoolText = (v: string | undefined) => v !== undefined && ['true', 'false'].includes(v.toLowerCase());

function checkKafkaSink(ts: Token[], options: Map<string, string>, problems: string[]): void {
  for (const key of options.keys())
    if (!KAFKA_SINK_OPTIONS.has(key))
      problems.push(`kafka sink: unknown option ${key} (RisingWave's Kafka sink would silently ignore it)`);
  // required fields of KafkaConfig (with_options_sink.yaml 751-765: topic, properties.bootstrap.server)
  if (!options.has('topic') && !options.has('kafka.topic'))
    problems.push('kafka sink: missing required option topic');
  if (!options.has('properties.bootstrap.server') && !options.has('kafka.brokers'))
    problems.push('kafka sink: missing required option properties.bootstrap.server');
  for (const key of KAFKA_SINK_BOOLEANS) {
    const v = options.get(key);
    if (v !== undefined && v !== 'true' && v !== 'false')
      problems.push(`kafka sink: ${key} must be 'true' or 'false' (lower case)`);
  }
  const codec = options.get('properties.compression.codec');
  // CompressionCodec, kafka.rs:70-78
  if (codec !== undefined && !['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(codec))
    problems.push(
      `kafka sink: properties.compression.codec '${codec}' must be none, gzip, snappy, lz4 or zstd`,
    );
  const snapshot = options.get('snapshot');
  if (snapshot !== undefined && !isBoolText(snapshot))
    problems.push('kafka sink: snapshot must be true or false');

  const fe = formatEncode(ts);
  let format: string;
  let ignoreDelete: string | undefined;
  let forceAppendOnly: string | undefined;
  if (fe) {
    // With FORMAT … ENCODE …, the frontend takes the sink type and ignore_delete from that clause only
    // (create_sink.rs:311-332, stream_sink.rs:646-663): in WITH they are accepted and do nothing.
    for (const key of ['type', 'ignore_delete', 'force_append_only'])
      if (options.has(key))
        problems.push(
          `kafka sink: ${key} in WITH is ignored when FORMAT … ENCODE … is given` +
            (key === 'type' ? '' : `; write it as FORMAT ${fe.format} ENCODE ${fe.encode} (${key} = '…')`),
        );
    const encodes = KAFKA_SINK_FORMATS.get(fe.format);
    if (!encodes || !encodes.includes(fe.encode)) {
      problems.push(`kafka sink: FORMAT ${fe.format} ENCODE ${fe.encode} is not accepted for a Kafka sink`);
      return;
    }
    if (fe.encode !== 'JSON') {
      problems.push(`kafka sink: ENCODE ${fe.encode} is not verified by this gate`);
      return;
    }
    // KEY ENCODE TEXT | BYTES only (create_sink.rs:779-791), and not verified by this gate
    if (fe.keyEncode !== null)
      problems.push(`kafka sink: KEY ENCODE ${fe.keyEncode} is not verified by this gate`);
    for (const [key, value] of fe.options) {
      if (!KAFKA_SINK_JSON_OPTIONS.has(key)) {
        problems.push(`kafka sink: unknown ENCODE JSON option ${key} (RisingWave would silently ignore it)`);
        continue;
      }
      const allowed = KAFKA_SINK_JSON_OPTIONS.get(key);
      if (allowed ? !allowed.includes(value) : !isBoolText(value))
        problems.push(`kafka sink: ${key} must be ${allowed ? allowed.join(', ') : 'true or false'}`);
    }
    format = fe.format;
    ignoreDelete = fe.options.get('ignore_delete');
    forceAppendOnly = fe.options.get('force_append_only');
  } else {
    // the legacy syntax: type = '…' in WITH stands for FORMAT … ENCODE JSON
    // (SinkFormatDesc::from_legacy_type, src/connector/src/sink/catalog/mod.rs:137-168); with neither,
    // the sink fails with "missing FORMAT ... ENCODE ..." (kafka.rs:340-342)
    const type = options.get('type');
    if (type === undefined) {
      problems.push('kafka sink: missing FORMAT … ENCODE … (or the legacy type = …)');
      return;
    }
    const legacy: Record<string, string> = { 'append-only': 'PLAIN', upsert: 'UPSERT', debezium: 'DEBEZIUM' };
    if (!(type in legacy)) {
      problems.push(`kafka sink: type '${type}' must be append-only, upsert or debezium`);
      return;
    }
    format = legacy[type]!;
    ignoreDelete = options.get('ignore_delete');
    forceAppendOnly = options.get('force_append_only');
  }
  // stream_sink.rs is_user_ignore_delete (604-631) and derive_sink_type (679-684)
  if (ignoreDelete !== undefined && forceAppendOnly !== undefined)
    problems.push(
      'kafka sink: force_append_only is an alias of ignore_delete, only one of them can be given',
    );
  for (const [key, v] of [
    ['ignore_delete', ignoreDelete],
    ['force_append_only', forceAppendOnly],
  ] as const)
    if (v !== undefined && !isBoolText(v)) problems.push(`kafka sink: ${key} must be true or false`);
  if (format === 'DEBEZIUM' && [ignoreDelete, forceAppendOnly].some((v) => v?.toLowerCase() === 'true'))
    problems.push('kafka sink: a debezium (retract) sink does not take ignore_delete');
  // KafkaSink::validate (kafka.rs:379-385): "primary key not defined for Upsert kafka sink (please
  // define in `primary_key` field)"; it is not taken from the view's key (e2e_test/sink/kafka/create_sink.slt:53-59)
  if (format !== 'PLAIN' && !options.has('primary_key'))
    problems.push(
      `kafka sink: FORMAT ${format} needs primary_key (RisingWave does not derive it from the view)`,
    );
}
