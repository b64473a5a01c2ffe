import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHAINED_COLUMNS,
  ChainVerifier,
  GENESIS_HASH,
  canonicalRow,
  chainFields,
  chainHash,
  isChainHash,
  type ChainValue,
} from './audit-chain';

const access = (n: number) => ({
  action: 'sign-in',
  nurse_id: `N${n}`,
  nurse: `Nurse ${n}`,
  station_id: 'ward-3',
  subject: null,
  detail: `row ${n}`,
  at: 1_700_000_000_000 + n,
});

/** n chained access_audit rows, seq 1..n */
function chainOf(n: number) {
  const rows: { seq: number; prev: string; hash: string; fields: ChainValue[] }[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields = chainFields('access_audit', access(seq));
    const hash = chainHash(prev, 'access_audit', fields);
    rows.push({ seq, prev, hash, fields });
    prev = hash;
  }
  return rows;
}

function verify(
  rows: { seq: number; prev: string | null; hash: string | null; fields: ChainValue[] }[],
  head: { seq: number; hash: string } | null,
  opts: { unchainedAfterStart: 'broken' | 'counted'; expectHead?: boolean } = {
    unchainedAfterStart: 'broken',
  },
) {
  const v = new ChainVerifier('access_audit', opts);
  if (opts.expectHead) v.expectHead(head);
  for (const r of rows) v.row(r.seq, r.prev, r.hash, () => r.fields);
  return v.finish(head);
}

describe('chainHash and canonicalRow', () => {
  it('is sha256 over the previous hash and the JSON array of tag, table and fields', () => {
    const fields = chainFields('access_audit', access(1));
    const canonical = canonicalRow('access_audit', fields);
    expect(canonical).toBe(
      JSON.stringify([
        'ns-audit/1',
        'access_audit',
        'sign-in',
        'N1',
        'Nurse 1',
        'ward-3',
        null,
        'row 1',
        1_700_000_000_001,
      ]),
    );
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonical)
      .digest('hex');
    expect(chainHash(GENESIS_HASH, 'access_audit', fields)).toBe(expected);
    expect(isChainHash(expected)).toBe(true);
  });

  it('keeps field boundaries and the table apart', () => {
    const a = chainHash(GENESIS_HASH, 'access_audit', ['ab', 'c', 'x', 'y', null, 'd', 1]);
    const b = chainHash(GENESIS_HASH, 'access_audit', ['a', 'bc', 'x', 'y', null, 'd', 1]);
    expect(a).not.toBe(b);
    const fields = ['p', 'n', 'x', 'y', 1, '{}', '{}'];
    expect(chainHash(GENESIS_HASH, 'threshold_audit', fields)).not.toBe(
      chainHash(GENESIS_HASH, 'settings_audit', fields),
    );
    // null and the string "null" differ
    expect(chainHash(GENESIS_HASH, 'access_audit', ['a', null, 'n', 's', null, 'd', 1])).not.toBe(
      chainHash(GENESIS_HASH, 'access_audit', ['a', 'null', 'n', 's', null, 'd', 1]),
    );
  });

  it('hashes a lone surrogate as the databases store it (U+FFFD)', () => {
    const typed = chainFields('access_audit', { ...access(1), detail: 'x\uD800y' });
    const stored = chainFields('access_audit', { ...access(1), detail: 'x\uFFFDy' });
    expect(chainHash(GENESIS_HASH, 'access_audit', typed)).toBe(
      chainHash(GENESIS_HASH, 'access_audit', stored),
    );
    // a proper pair stays as it is
    expect(chainFields('access_audit', { ...access(1), detail: '😀' })[5]).toBe('😀');
  });

  it('refuses values that are not hashable, a missing column and a bad previous hash', () => {
    expect(() => chainFields('access_audit', { ...access(1), at: 1.5 })).toThrow(/integer/);
    expect(() => chainFields('access_audit', { ...access(1), at: new Date() })).toThrow(TypeError);
    const { detail: _detail, ...missing } = access(1);
    expect(() => chainFields('access_audit', missing)).toThrow(/no detail/);
    expect(() => chainHash('abc', 'access_audit', [])).toThrow(/64 hex/);
  });

  it('names every chained table with its columns', () => {
    expect(Object.keys(CHAINED_COLUMNS)).toEqual([
      'ack_log',
      'threshold_audit',
      'settings_audit',
      'access_audit',
      'alert_events',
    ]);
  });
});

describe('ChainVerifier', () => {
  it('passes an intact chain and its head', () => {
    const rows = chainOf(5);
    const r = verify(rows, { seq: 5, hash: rows[4]!.hash });
    expect(r).toMatchObject({ ok: true, rowsChecked: 5, legacyRows: 0, broken: null });
  });

  it('passes an empty table with no head or the genesis head', () => {
    expect(verify([], null).ok).toBe(true);
    expect(verify([], { seq: 0, hash: GENESIS_HASH }).ok).toBe(true);
  });

  it('names an edited row', () => {
    const rows = chainOf(5);
    rows[2]!.fields = [...rows[2]!.fields];
    rows[2]!.fields[5] = 'edited';
    const r = verify(rows, { seq: 5, hash: rows[4]!.hash });
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ seq: 3, problem: 'hash-mismatch', found: rows[2]!.hash });
    expect(r.rowsChecked).toBe(2);
  });

  it('names the row after a removed one', () => {
    const rows = chainOf(5);
    rows.splice(2, 1);
    const r = verify(rows, { seq: 5, hash: rows.at(-1)!.hash });
    expect(r.broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    expect(r.broken?.message).toMatch(/seq 2/);
  });

  it('names a first row that does not start from genesis', () => {
    const rows = chainOf(3).slice(1);
    const r = verify(rows, { seq: 3, hash: rows.at(-1)!.hash });
    expect(r.broken).toMatchObject({ seq: 2, problem: 'prev-link-broken' });
    expect(r.broken?.message).toMatch(/genesis/);
  });

  it('names a row whose value cannot be hashed as a hash mismatch', () => {
    const rows = chainOf(2);
    const v = new ChainVerifier('access_audit', { unchainedAfterStart: 'broken' });
    v.row(1, rows[0]!.prev, rows[0]!.hash, () => rows[0]!.fields);
    v.row(2, rows[1]!.prev, rows[1]!.hash, () => {
      throw new TypeError('bad value');
    });
    expect(v.finish({ seq: 2, hash: rows[1]!.hash }).broken).toMatchObject({
      seq: 2,
      problem: 'hash-mismatch',
    });
  });

  it('finds removed newest rows through the head', () => {
    const rows = chainOf(5);
    const r = verify(rows.slice(0, 3), { seq: 5, hash: rows[4]!.hash });
    expect(r.broken).toMatchObject({ seq: 5, problem: 'missing-at-head' });
    expect(r.broken?.message).toMatch(/rows at the end \(after seq 3\) were removed/);
    expect(verify([], { seq: 5, hash: rows[4]!.hash }).broken?.problem).toBe('missing-at-head');
  });

  it('finds chained rows without a head, and a changed head', () => {
    const rows = chainOf(3);
    expect(verify(rows, null).broken).toMatchObject({ seq: 3, problem: 'head-mismatch' });
    expect(verify(rows, { seq: 3, hash: rows[1]!.hash }).broken).toMatchObject({
      seq: 3,
      problem: 'head-mismatch',
    });
  });

  it('names the first row added after the head when the head is known in advance', () => {
    const rows = chainOf(6);
    const head = { seq: 4, hash: rows[3]!.hash };
    const r = verify(rows, head, { unchainedAfterStart: 'broken', expectHead: true });
    expect(r.broken).toMatchObject({ seq: 5, problem: 'head-mismatch' });
    expect(r.broken?.message).toMatch(/seq 5 to 6/);
    // without it, the head is named
    expect(verify(rows, head).broken).toMatchObject({ seq: 4, problem: 'head-mismatch' });
  });

  it('counts rows from before the chain as legacy, not as broken', () => {
    const rows = chainOf(2);
    const legacy = [
      { seq: 1, prev: null, hash: null, fields: [] },
      { seq: 2, prev: null, hash: null, fields: [] },
    ];
    const chained = rows.map((r) => ({ ...r, seq: r.seq + 2 }));
    const r = verify([...legacy, ...chained], { seq: 4, hash: rows[1]!.hash });
    expect(r).toMatchObject({ ok: true, legacyRows: 2, rowsChecked: 2, unchainedRows: 0 });
  });

  it('treats an unchained row after the start as broken, or counts it where allowed', () => {
    const rows = chainOf(2);
    const withGap = [rows[0]!, { seq: 2, prev: null, hash: null, fields: [] }, { ...rows[1]!, seq: 3 }];
    const head = { seq: 3, hash: rows[1]!.hash };
    expect(verify(withGap, head).broken).toMatchObject({ seq: 2, problem: 'unchained-row' });
    expect(verify(withGap, head, { unchainedAfterStart: 'counted' })).toMatchObject({
      ok: true,
      unchainedRows: 1,
      firstUnchainedSeq: 2,
      rowsChecked: 2,
    });
  });

  it('resumes from an anchor, and checks the link the anchor recorded', () => {
    const rows = chainOf(6);
    const head = { seq: 6, hash: rows[5]!.hash };
    // rows 2..4 pruned: anchor at 4, the run followed row 1
    const anchored = (prev: string | null, kept = [rows[0]!, rows[4]!, rows[5]!]) => {
      const v = new ChainVerifier('access_audit', { unchainedAfterStart: 'broken' });
      for (const r of kept) {
        if (r.seq === 5) v.anchor(4, rows[3]!.hash, prev);
        v.row(r.seq, r.prev, r.hash, () => r.fields);
      }
      return v.finish(head);
    };
    expect(anchored(rows[1]!.prev)).toMatchObject({ ok: true, anchors: 1, rowsChecked: 3 });
    expect(anchored(null).ok).toBe(true); // an anchor that did not record its link
    // a row forged into the pruned gap, chained from row 1
    const forgedFields = chainFields('access_audit', { ...access(2), detail: 'forged' });
    const forged = {
      seq: 2,
      prev: rows[0]!.hash,
      hash: chainHash(rows[0]!.hash, 'access_audit', forgedFields),
      fields: forgedFields,
    };
    const r = anchored(rows[1]!.prev, [rows[0]!, forged, rows[4]!, rows[5]!]);
    expect(r.broken).toMatchObject({ seq: 4, problem: 'prev-link-broken' });
    expect(r.broken?.message).toMatch(/seq 2/);
  });
});
