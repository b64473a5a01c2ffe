// Splits backend-setup/risingwave.sql into statements and fills in its ${PLACEHOLDERS}.
//
// RisingWave DDL (CREATE SOURCE/SINK … WITH (…)) takes connector settings only as string literals, not
// as bind parameters, so the values are written into the text. To make that safe:
// - the text is tokenized (quotes, dollar quotes, comments), and a placeholder is accepted ONLY inside
//   a single-quoted literal, where its value has every ' doubled (and \ doubled in E'…' literals);
// - comments are dropped from what is sent (the file's header mentions the placeholders);
// - an unknown placeholder, or a known one outside a literal, is an error, never sent as is.

export interface SqlStatement {
  /** 1-based position in the file */
  index: number;
  /** the statement without comments and without its trailing semicolon */
  text: string;
  /** e.g. { kind: 'MATERIALIZED VIEW', name: 'alerts' } for CREATE statements */
  object: { kind: string; name: string } | null;
}

type Segment = { kind: 'code' | 'literal' | 'eliteral' | 'ident' | 'dollar'; text: string };

/** Tokenizes one script into statements made of segments, splitting on top-level semicolons. */
function tokenize(script: string): Segment[][] {
  const statements: Segment[][] = [];
  let current: Segment[] = [];
  let code = '';
  const flushCode = () => {
    if (code) current.push({ kind: 'code', text: code });
    code = '';
  };
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      // line comment: dropped, the newline kept
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === '/' && next === '*') {
      // block comment (nesting allowed, as in PostgreSQL)
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (script[i] === '*' && script[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) throw new Error('unterminated /* comment */');
      code += ' ';
      continue;
    }
    if (
      c === "'" ||
      ((c === 'E' || c === 'e') && next === "'" && !/[A-Za-z0-9_]/.test(script[i - 1] ?? ''))
    ) {
      const escaped = c !== "'";
      let j = escaped ? i + 2 : i + 1;
      let body = '';
      for (;;) {
        if (j >= n) throw new Error('unterminated string literal');
        const d = script[j]!;
        if (escaped && d === '\\') {
          body += d + (script[j + 1] ?? '');
          j += 2;
          continue;
        }
        if (d === "'") {
          if (script[j + 1] === "'") {
            body += "''";
            j += 2;
            continue;
          }
          break;
        }
        body += d;
        j++;
      }
      flushCode();
      current.push({ kind: escaped ? 'eliteral' : 'literal', text: body });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      const end = script.indexOf('"', i + 1);
      if (end === -1) throw new Error('unterminated quoted identifier');
      flushCode();
      current.push({ kind: 'ident', text: script.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        if (end === -1) throw new Error(`unterminated dollar-quoted string ${tag[0]}`);
        flushCode();
        current.push({ kind: 'dollar', text: script.slice(i, end + tag[0].length) });
        i = end + tag[0].length;
        continue;
      }
    }
    if (c === ';') {
      flushCode();
      statements.push(current);
      current = [];
      i++;
      continue;
    }
    code += c;
    i++;
  }
  flushCode();
  statements.push(current);
  return statements.filter((segments) => segments.some((s) => s.kind !== 'code' || s.text.trim() !== ''));
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function escapeLiteral(value: string, eString: boolean): string {
  if (value.includes('\0')) throw new Error('a value contains a NUL character');
  const quoted = value.replace(/'/g, "''");
  return eString ? quoted.replace(/\\/g, '\\\\') : quoted;
}

function render(segments: Segment[], values: Readonly<Record<string, string>>): string {
  let out = '';
  for (const s of segments) {
    switch (s.kind) {
      case 'code': {
        const stray = [...s.text.matchAll(PLACEHOLDER)].map((m) => m[1]);
        if (stray.length > 0)
          throw new Error(`placeholder \${${stray[0]}} must sit inside a '…' string literal`);
        out += s.text;
        break;
      }
      case 'literal':
      case 'eliteral': {
        const body = s.text.replace(PLACEHOLDER, (_, name: string) => {
          const value = values[name];
          if (value === undefined) throw new Error(`no value for placeholder \${${name}}`);
          return escapeLiteral(value, s.kind === 'eliteral');
        });
        out += s.kind === 'eliteral' ? `E'${body}'` : `'${body}'`;
        break;
      }
      default:
        out += s.text;
    }
  }
  // tidy: no blank lines or trailing spaces left where comments were
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .join('\n')
    .trim();
}

const CREATE_OBJECT =
  /^CREATE\s+(?:OR\s+REPLACE\s+)?(MATERIALIZED\s+VIEW|VIEW|TABLE|SOURCE|SINK|INDEX|FUNCTION|CONNECTION|SECRET|SUBSCRIPTION|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?("[^"]+"|[A-Za-z_][A-Za-z0-9_.]*)/i;

export function describeObject(text: string): { kind: string; name: string } | null {
  const m = CREATE_OBJECT.exec(text);
  if (!m) return null;
  return { kind: m[1]!.toUpperCase().replace(/\s+/g, ' '), name: m[2]!.replace(/^"|"$/g, '') };
}

/** Names of the placeholders a script uses in its statements (comments excluded). */
export function placeholdersOf(script: string): string[] {
  const names = new Set<string>();
  for (const segments of tokenize(script)) {
    for (const s of segments) for (const m of s.text.matchAll(PLACEHOLDER)) names.add(m[1]!);
  }
  return [...names].sort();
}

/**
 * The script's statements with placeholders filled in. Throws (naming the statement) on an unknown
 * placeholder or one outside a string literal; error messages never include a value.
 */
export function prepareSqlScript(script: string, values: Readonly<Record<string, string>>): SqlStatement[] {
  return tokenize(script).map((segments, k) => {
    let text: string;
    try {
      text = render(segments, values);
    } catch (err) {
      throw new Error(`statement ${k + 1}: ${(err as Error).message}`);
    }
    return { index: k + 1, text, object: describeObject(text) };
  });
}
