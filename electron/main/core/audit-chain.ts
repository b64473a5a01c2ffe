// The audit's hash chain, one per table: what is hashed, how, and how a table is checked. The writers
// (the SQLite ack cache and audit log, the MySQL alert store) and the verifier (`nurse-station audit
// verify`) all go through this module, so a row is hashed the same way wherever it was written and
// whoever reads it back.
//
//   hash = hex(sha256(prev_hash ‖ canonical(table, fields)))     genesis prev_hash = 64 × '0'
//
// canonical(table, fields) is the JSON array ["ns-audit/1", table, ...fields] with the fields in the
// fixed order of CHAINED_COLUMNS: strings as stored, integers as integers, null as null, times as
// epoch ms. JSON gives every value an unambiguous boundary (no "ab"+"c" = "a"+"bc"); the table's name
// keeps a row from being passed off as a row of another table; the format tag lets a later version
// change the encoding without old rows being misread. Only fields that never change are hashed: the
// ack cache's sync state moves on after the row was written, and is not.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_FORMAT = 'ns-audit/1';

/**
 * The chained tables and their immutable columns, in hashing order. The names are the tables' own
 * column names (SQLite's and MySQL's alike), so a row read back is hashed by picking these columns.
 */
export const CHAINED_COLUMNS = {
  ack_log: [
    'ack_id',
    'alert_id',
    'patient_id',
    'action',
    'nurse_id',
    'nurse',
    'station_id',
    'note',
    'ack_time',
    'alert_json',
  ],
  threshold_audit: ['patient_id', 'nurse_id', 'nurse', 'station_id', 'at', 'before_json', 'after_json'],
  settings_audit: [
    'section',
    'outcome',
    'nurse_id',
    'nurse',
    'station_id',
    'at',
    'before_json',
    'after_json',
  ],
  access_audit: ['action', 'nurse_id', 'nurse', 'station_id', 'subject', 'detail', 'at'],
  alert_events: [
    'alert_id',
    'action',
    'from_status',
    'to_status',
    'outcome',
    'nurse_id',
    'nurse',
    'station_id',
    'note',
    'event_time',
    'recorded_at',
    'message',
  ],
} as const satisfies Record<string, readonly string[]>;

export type ChainName = keyof typeof CHAINED_COLUMNS;
export type SqliteChainName = Exclude<ChainName, 'alert_events'>;
/** The station's SQLite tables, in the order the verifier reports them. */
export const SQLITE_CHAINS: readonly SqliteChainName[] = [
  'ack_log',
  'threshold_audit',
  'settings_audit',
  'access_audit',
];

export type ChainValue = string | number | null;
/** A row's hashed fields by column name (times already as epoch ms). */
export type ChainRecord<C extends ChainName> = Record<(typeof CHAINED_COLUMNS)[C][number], ChainValue>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string as the databases keep it: both drivers encode text as UTF-8, where a lone UTF-16 surrogate
 * becomes U+FFFD. Hashing the string as typed would make such a row fail verification once read back.
 */
function asStored(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

function checkValue(chain: string, column: string, v: unknown): ChainValue {
  if (v === null || typeof v === 'string') return v === null ? null : asStored(v);
  // Integers only: a float's decimal form is not one that every reader would spell the same way.
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw new TypeError(
    `audit chain ${chain}.${column}: expected a string, an integer or null, got ${String(v)}`,
  );
}

/** The fields of `row` that `chain` hashes, in order; throws on a value that is not hashable. */
export function chainFields<C extends ChainName>(
  chain: C,
  row: Readonly<Record<string, unknown>>,
): ChainValue[] {
  return CHAINED_COLUMNS[chain].map((column) => {
    if (!(column in row)) throw new TypeError(`audit chain ${chain}: the row has no ${column}`);
    return checkValue(chain, column, row[column]);
  });
}

/** The exact text that is hashed after the previous hash. */
export function canonicalRow(chain: ChainName, fields: readonly ChainValue[]): string {
  return JSON.stringify([CHAIN_FORMAT, chain, ...fields.map((f) => checkValue(chain, '?', f))]);
}

export function isChainHash(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

/** sha256(prevHash ‖ canonical row), hex. */
export function chainHash(prevHash: string, chain: ChainName, fields: readonly ChainValue[]): string {
  if (!isChainHash(prevHash)) throw new TypeError(`audit chain ${chain}: previous hash is not 64 hex digits`);
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalRow(chain, fields), 'utf8')
    .digest('hex');
}

/** The head of a chain as stored beside it: the last chained row written (seq 0 and genesis: none yet). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type ChainProblem =
  /** the row's content no longer gives its hash: edited after it was written */
  | 'hash-mismatch'
  /** the row does not name the hash of the row before it: a row was removed, inserted or re-hashed */
  | 'prev-link-broken'
  /** a row without a hash where the chain had started (SQLite: only the station writes these tables) */
  | 'unchained-row'
  /** the stored head names a row after the last one left: the newest rows were removed */
  | 'missing-at-head'
  /** the stored head is not the last row: rows were added after it, or the head was changed */
  | 'head-mismatch';

export interface ChainBreak {
  /** the row's seq (MySQL: event_id); for a head mismatch, the head's seq */
  seq: number;
  problem: ChainProblem;
  expected: string | null;
  found: string | null;
  message: string;
}

export interface ChainReport {
  table: ChainName;
  /** chained rows whose hash and link were checked (up to the first break) */
  rowsChecked: number;
  /** rows without a hash before the first chained one: written before the chain existed */
  legacyRows: number;
  /** rows without a hash after the chain started that are allowed there (MySQL: written outside the app) */
  unchainedRows: number;
  /** the first of those unchained rows, to look at */
  firstUnchainedSeq: number | null;
  /** pruned rows the chain resumes from (retention) */
  anchors: number;
  head: ChainHead | null;
  ok: boolean;
  broken: ChainBreak | null;
}

export interface ChainVerifierOptions {
  /**
   * What a row without a hash after the chain started is. 'broken' where only the app writes the table
   * (the station's SQLite); 'counted' where the database itself may add rows outside the app (MySQL's
   * trigger for a status changed by an administrator, or a station of an older version).
   */
  unchainedAfterStart: 'broken' | 'counted';
}

/**
 * Checks one table's chain, fed in seq order (rows and anchors interleaved), then `finish`ed with the
 * stored head. Streaming, so a table of millions of rows is checked in constant memory. Stops at the
 * first break: everything after it is unverifiable anyway.
 */
export class ChainVerifier {
  private expectedPrev = GENESIS_HASH;
  private started = false;
  private last: ChainHead | null = null;
  private rowsChecked = 0;
  private legacyRows = 0;
  private unchainedRows = 0;
  private firstUnchainedSeq: number | null = null;
  private anchors = 0;
  private broken: ChainBreak | null = null;
  private expectedHead: ChainHead | null | undefined = undefined;
  /** the first row or anchor after the expected head's row: where rows were added after the head */
  private afterHeadSeq: number | null = null;

  constructor(
    readonly table: ChainName,
    private readonly opts: ChainVerifierOptions,
  ) {}

  get done(): boolean {
    return this.broken !== null;
  }

  /**
   * The head as stored, when it is known before the rows are fed: a row chained after it is then
   * named as the first broken row (rather than the head). Optional; `finish` takes the head anyway.
   */
  expectHead(head: ChainHead | null): void {
    this.expectedHead = head;
  }

  /**
   * Pruned rows the chain continues from: the last pruned row's seq and hash, and the hash the first
   * pruned row followed (`prevHash`; null for an anchor that did not record it). With it, the anchor is
   * a link like any row: a row inserted before it, or removed from before it, breaks the chain there.
   */
  anchor(seq: number, hash: string, prevHash: string | null = null): void {
    if (this.broken) return;
    if (prevHash !== null && prevHash !== this.expectedPrev) {
      this.break(
        seq,
        'prev-link-broken',
        this.expectedPrev,
        prevHash,
        this.last
          ? `the rows pruned up to seq ${seq} did not follow seq ${this.last.seq}: a row between them was inserted, removed or changed`
          : `the rows pruned up to seq ${seq} did not start from the genesis hash: a row before them was inserted`,
      );
      return;
    }
    this.noteSuccessor(seq);
    this.anchors++;
    this.started = true;
    this.expectedPrev = hash;
    this.last = { seq, hash };
  }

  /** `fields` is called only for a chained row (a value that cannot be hashed is a hash mismatch). */
  row(seq: number, prevHash: string | null, hash: string | null, fields: () => readonly ChainValue[]): void {
    if (this.broken) return;
    if (hash === null && prevHash === null) {
      if (!this.started) this.legacyRows++;
      else if (this.opts.unchainedAfterStart === 'counted') {
        this.unchainedRows++;
        this.firstUnchainedSeq ??= seq;
      } else {
        this.break(
          seq,
          'unchained-row',
          this.expectedPrev,
          null,
          'the row has no hash, yet rows before it do',
        );
      }
      return;
    }
    this.started = true;
    if (prevHash !== this.expectedPrev) {
      this.break(
        seq,
        'prev-link-broken',
        this.expectedPrev,
        prevHash,
        this.last
          ? `the row does not follow seq ${this.last.seq}: a row before it was removed or changed`
          : 'the first chained row does not start from the genesis hash',
      );
      return;
    }
    let computed: string;
    try {
      computed = chainHash(prevHash, this.table, fields());
    } catch (err) {
      this.break(seq, 'hash-mismatch', null, hash, `the row cannot be hashed (${(err as Error).message})`);
      return;
    }
    if (computed !== hash) {
      this.break(
        seq,
        'hash-mismatch',
        computed,
        hash,
        'the row’s content does not give its hash: it was edited',
      );
      return;
    }
    this.noteSuccessor(seq);
    this.rowsChecked++;
    this.expectedPrev = hash;
    this.last = { seq, hash };
  }

  finish(head: ChainHead | null): ChainReport {
    if (!this.broken) {
      const last = this.last;
      const emptyHead = head === null || (head.seq === 0 && head.hash === GENESIS_HASH);
      if (last === null && !emptyHead) {
        this.break(
          head.seq,
          'missing-at-head',
          head.hash,
          null,
          `the head names seq ${head.seq}, but no chained row is left: rows up to seq ${head.seq} were removed`,
        );
      } else if (last !== null && head === null) {
        this.break(last.seq, 'head-mismatch', last.hash, null, 'the table has chained rows but no head');
      } else if (last !== null && head !== null && (head.seq !== last.seq || head.hash !== last.hash)) {
        const added =
          head.seq < last.seq && this.afterHeadSeq !== null && this.expectedHead?.seq === head.seq;
        this.break(
          added ? this.afterHeadSeq! : head.seq,
          head.seq > last.seq ? 'missing-at-head' : 'head-mismatch',
          head.hash,
          last.hash,
          head.seq > last.seq
            ? `the head names seq ${head.seq}, but the last chained row is seq ${last.seq}: rows at the end (after seq ${last.seq}) were removed`
            : added
              ? `the head names seq ${head.seq}, but chained rows follow it (seq ${this.afterHeadSeq} to ${last.seq}): rows were added outside the station, or the head was moved back`
              : `the head (seq ${head.seq}) is not the last chained row (seq ${last.seq})`,
        );
      }
    }
    return {
      table: this.table,
      rowsChecked: this.rowsChecked,
      legacyRows: this.legacyRows,
      unchainedRows: this.unchainedRows,
      firstUnchainedSeq: this.firstUnchainedSeq,
      anchors: this.anchors,
      head,
      ok: this.broken === null,
      broken: this.broken,
    };
  }

  private noteSuccessor(seq: number): void {
    const h = this.expectedHead;
    if (h && this.afterHeadSeq === null && this.last !== null && this.last.seq === h.seq) {
      this.afterHeadSeq = seq;
    }
  }

  private break(
    seq: number,
    problem: ChainProblem,
    expected: string | null,
    found: string | null,
    message: string,
  ) {
    this.broken = { seq, problem, expected, found, message };
  }
}
