// #12 review findings in the core: forged copies, re-handed acknowledged alerts, ward unknown at start, ward scoping by id.
import { describe, expect, it } from 'vitest';
import { alert, makeCore, Store, Vitals } from './review-fixtures';
import { callAs, NOBODY } from '../../support/nurses';

const ANA = callAs('Ana', { role: 'nurse' });
import { alertId, bucketStart } from '../../../shared/engine/rules';

async function tick(clock: { advance(ms: number): void }, ms: number) {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

describe('a forged copy of an alert (id computed, level 1, old time)', () => {
  it('the genuine level-2 alert that follows a forged level-1 copy is announced and shown critical', async () => {
    const store = new Store();
    const vitals = new Vitals();
    const { core, shown, clock } = await makeCore(store, vitals);
    await core.start();
    const now = clock.now();
    const id = alertId('P001', 'multi_vital_signs_deterioration', bucketStart(now));
    // the forgery, planted beforehand: same id, level 1, 3 min old (backlog: listed, not announced)
    vitals.emit([
      alert(id, 'P001', {
        alertType: 'multi_vital_signs_deterioration',
        alertLevel: 1,
        alertTime: now - 180_000,
      }),
    ]);
    // the real one from RisingWave's sink
    vitals.emit([
      alert(id, 'P001', { alertType: 'multi_vital_signs_deterioration', alertLevel: 2, alertTime: now }),
    ]);
    const beds = await core.handlers['ward:beds']({}, NOBODY);
    const out = { shown: shown.length, state: beds[0]!.state };
    await core.stop();
    expect(out).toEqual({ shown: 1, state: 'critical' });
  });
});

describe('acknowledged alert handed over again (restart / rewire / redelivery) while MySQL is down', () => {
  it('does not come back as pending', async () => {
    const store = new Store();
    const vitals = new Vitals();
    const first = await makeCore(store, vitals);
    await first.core.start();
    const a = alert('b'.repeat(32), 'P001', { alertTime: first.clock.now() - 10_000 });
    vitals.emit([a]);
    // MySQL unreachable: the acknowledgement stays in the local cache
    store.transition = async () => {
      throw Object.assign(new Error('down'), { code: 'unavailable' });
    };
    store.ping = async () => {
      throw new Error('down');
    };
    await first.core.handlers['alerts:acknowledge']({ alertId: a.alertId, action: 'confirm' }, ANA);
    expect(first.core.unreadCount()).toBe(0);
    await first.core.stop();
    // a rebuilt core on the same SQLite file (the host rewires on a settings change; a restart does the same)
    const { StationCore } = await import('../../../electron/main/core/station-core');
    void StationCore;
    const second = await makeCore(store, vitals, first.clock);
    // same db: reuse the first's cache by re-creating on its db handle
    const { createSqliteAckCache } = await import('../../../electron/main/adapters/sqlite/sqlite-ack-cache');
    (second.core as unknown as { deps: { cache: unknown } }).deps.cache = createSqliteAckCache(first.db);
    await second.core.start();
    vitals.emit([a]); // the poll's 10-min look-back / an uncommitted Kafka batch
    const unread = second.core.unreadCount();
    const beds = await second.core.handlers['ward:beds']({}, NOBODY);
    let again: unknown = null;
    try {
      await second.core.handlers['alerts:acknowledge']({ alertId: a.alertId, action: 'confirm' }, ANA);
    } catch (e) {
      again = (e as Error).message;
    }
    await second.core.stop();
    expect({ unread, state: beds[0]!.state }).toEqual({ unread: 0, state: 'normal' });
    expect(again).toMatch(/already confirmed/i);
  });
});

describe('ward unknown when the alert store comes back', () => {
  it('loads the pending alerts once RisingWave answers', async () => {
    const store = new Store();
    let up = false;
    store.ping = async () => {
      if (!up) throw new Error('down');
    };
    store.rows.set('c'.repeat(32), alert('c'.repeat(32), 'P001', { alertTime: 2_000_000 - 600_000 }));
    const vitals = new Vitals();
    vitals.scopeIds = []; // RisingWave down: wardPatients null → scope() = []
    const { core, clock } = await makeCore(store, vitals);
    await core.start();
    up = true;
    await tick(clock, 1_100); // health tick: store back → loadPendingFromStore(scope = [])
    vitals.scopeIds = ['P001']; // RisingWave answers now
    await tick(clock, 30_000);
    const calls = store.pendingCalls;
    const unread = core.unreadCount();
    await core.stop();
    expect(unread).toBe(1);
    expect(calls.at(-1)).toEqual(['P001']); // loaded again once the ward was known
  });
});

describe('ward scoping of alerts:get and alerts:acknowledge', () => {
  it("refuses another ward's alert, to read or to acknowledge", async () => {
    const store = new Store();
    const other = alert('d'.repeat(32), 'P999');
    store.rows.set(other.alertId, other);
    const vitals = new Vitals(); // ward = [P001]
    const asked: string[] = [];
    vitals.trend = async (p: string) => {
      asked.push(`trend:${p}`);
      return [];
    };
    vitals.thresholds = async (p: string) => {
      asked.push(`thresholds:${p}`);
      return { patientId: p, custom: true } as never;
    };
    const { core } = await makeCore(store, vitals);
    await core.start();
    let err: unknown = null;
    let got: unknown = null;
    try {
      got = await core.handlers['alerts:get']({ alertId: other.alertId }, ANA);
    } catch (e) {
      err = e;
    }
    let ackErr: unknown = null;
    try {
      await core.handlers['alerts:acknowledge']({ alertId: other.alertId, action: 'resolve' }, ANA);
    } catch (e) {
      ackErr = (e as Error).message;
    }
    await core.stop();
    expect(err).not.toBeNull(); // a patient of another ward must be refused, as patients:trend is
    expect(got).toBeNull();
    expect(ackErr).toMatch(/not in this station's ward/);
    expect(asked).toEqual([]);
  });
});
