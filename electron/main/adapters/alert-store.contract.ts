// The behaviour every AlertStore adapter must share, run against each of them (SQLite in
// sqlite-alert-store.spec.ts, MySQL in mysql-alert-store.int.spec.ts). The factory must create stores
// with stationId CONTRACT_STATION and timeZone CONTRACT_TIME_ZONE, on empty tables.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertQuery, AlertStatus } from '../../../shared/domain/types';
import type { TransitionRequest, TransitionResult } from '../core/ports';
import { AlertStoreError, SCOPE_LIST_SIZES, SCOPE_MAX_PATIENTS } from './alert-store-shared';
import type { AuditedAlertStore } from './alert-store-shared';

export const CONTRACT_STATION = 'ST-1';
export const CONTRACT_TIME_ZONE = 'UTC';

const M = 60_000;
const H = 60 * M;
/** 2026-11-20 12:00:00.000 UTC */
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function mk(alertId: string, over: Partial<Alert> = {}): Alert {
  return {
    alertId,
    patientId: 'P001',
    deviceId: 'D001',
    alertTime: NOW - 5 * M,
    alertType: 'heart_rate',
    alertDetail: 'heart rate 131 above 120',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 131, bloodOxygen: 97.53, bloodGlucose: 5.41 },
    ...over,
  };
}

function req(
  alertId: string,
  action: 'confirm' | 'resolve',
  over: Partial<TransitionRequest> = {},
): TransitionRequest {
  return {
    alertId,
    action,
    nurse: 'Ana',
    stationId: 'ST-2',
    note: null,
    at: NOW,
    snapshot: mk(alertId),
    ...over,
  };
}

function q(over: Partial<AlertQuery> = {}): AlertQuery {
  return { range: '24h', limit: 100, ...over };
}

const ids = (alerts: Alert[]): string[] => alerts.map((a) => a.alertId);

export function runAlertStoreContract(
  name: string,
  make: () => Promise<{ store: AuditedAlertStore; cleanup: () => Promise<void> }>,
): void {
  describe(`AlertStore contract: ${name}`, () => {
    let store: AuditedAlertStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    /** upserts `alerts` and brings each to `status` through real transitions at `handledAt` */
    async function seed(rows: { alert: Alert; status?: AlertStatus; handledAt?: number; via?: 'direct' }[]) {
      await store.upsertAlerts(rows.map((r) => r.alert));
      for (const r of rows) {
        const at = r.handledAt ?? r.alert.alertTime + M;
        if (r.status === 'confirmed' || (r.status === 'resolved' && r.via !== 'direct')) {
          expect((await store.transition(req(r.alert.alertId, 'confirm', { at }))).kind).toBe('applied');
        }
        if (r.status === 'resolved') {
          expect((await store.transition(req(r.alert.alertId, 'resolve', { at }))).kind).toBe('applied');
        }
      }
    }

    describe('upsert and get', () => {
      it('stores an alert and reads it back unchanged, to the millisecond', async () => {
        const a = mk('a-1', {
          alertTime: NOW - 1234,
          alertLevel: 2,
          alertType: 'multi_vital_signs_deterioration',
        });
        const s = mk('s-1', { alertType: 'signal_loss', reading: null, alertDetail: 'no reading for 30 s' });
        await store.upsertAlerts([a, s]);
        expect(await store.get('a-1')).toEqual(a);
        expect(await store.get('s-1')).toEqual(s);
      });

      it('returns null for an unknown id', async () => {
        expect(await store.get('nope')).toBeNull();
      });

      it('is idempotent on alert_id', async () => {
        const a = mk('a-1');
        const b = mk('b-1', { patientId: 'P002' });
        await store.upsertAlerts([a, b]);
        await store.upsertAlerts([a, b]);
        await store.upsertAlerts([a]);
        expect(ids((await store.list(q(), NOW)).items)).toEqual(['b-1', 'a-1']);
      });

      it('updates the alert columns but never resets who handled it', async () => {
        await store.upsertAlerts([mk('a-1')]);
        await store.transition(req('a-1', 'confirm', { note: 'checked the probe' }));
        const replay = mk('a-1', {
          alertDetail: 'heart rate 140 above 120',
          alertLevel: 2,
          reading: { heartRate: 140, bloodOxygen: 96, bloodGlucose: 5 },
        });
        await store.upsertAlerts([replay]);
        expect(await store.get('a-1')).toEqual({
          ...replay,
          status: 'confirmed',
          handleBy: 'Ana',
          handleTime: NOW,
          handleNote: 'checked the probe',
        });
        expect((await store.pendingAlerts()).length).toBe(0);
      });

      it('accepts an empty batch', async () => {
        await store.upsertAlerts([]);
        expect((await store.list(q(), NOW)).items).toEqual([]);
      });

      it('stores large batches', async () => {
        const batch = Array.from({ length: 237 }, (_, i) =>
          mk(`bulk-${String(i).padStart(3, '0')}`, { alertTime: NOW - i * 1000 }),
        );
        await store.upsertAlerts(batch);
        expect((await store.stats('1h', NOW)).total).toBe(237);
        expect(await store.get('bulk-236')).toEqual(batch[236]);
      });

      it('stores the valid alerts of a batch and names the ones it refuses', async () => {
        const bad = mk('x'.repeat(65));
        const err = await store
          .upsertAlerts([mk('good'), bad, mk('bad-level', { alertLevel: 3 as 1 })])
          .catch((e) => e);
        expect(err).toBeInstanceOf(AlertStoreError);
        expect(err.message).toMatch(/2 of 3 alerts were not stored/);
        expect(await store.get('good')).not.toBeNull();
        expect(await store.get('bad-level')).toBeNull();
      });

      it('shortens an over-long description instead of losing the alert', async () => {
        await store.upsertAlerts([mk('long', { alertDetail: 'd'.repeat(300) })]);
        const got = await store.get('long');
        expect(got?.alertDetail).toHaveLength(255);
        expect(got?.alertDetail.endsWith('…')).toBe(true);
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        await seed([
          { alert: mk('a1', { patientId: 'P001', alertLevel: 1, alertTime: NOW - 1 * M }) },
          { alert: mk('a2', { patientId: 'P002', alertLevel: 2, alertTime: NOW - 2 * M }) },
          {
            alert: mk('a3', { patientId: 'P003', alertLevel: 2, alertTime: NOW - 3 * M }),
            status: 'confirmed',
          },
          {
            alert: mk('a4', { patientId: 'P001', alertLevel: 1, alertTime: NOW - 30 * M }),
            status: 'resolved',
          },
          { alert: mk('a5', { patientId: 'P010', alertLevel: 2, alertTime: NOW - 2 * H }) },
          { alert: mk('a6', { patientId: 'BED-7', alertLevel: 1, alertTime: NOW - 8 * 24 * H }) },
        ]);
      });

      it('lists newest first, within the time range only', async () => {
        expect(ids((await store.list(q({ range: '1h' }), NOW)).items)).toEqual(['a1', 'a2', 'a3', 'a4']);
        expect(ids((await store.list(q({ range: '6h' }), NOW)).items)).toEqual([
          'a1',
          'a2',
          'a3',
          'a4',
          'a5',
        ]);
        expect(ids((await store.list(q({ range: '7d' }), NOW)).items)).toEqual([
          'a1',
          'a2',
          'a3',
          'a4',
          'a5',
        ]);
        expect(ids((await store.list(q({ range: '1h' }), NOW + 2 * H)).items)).toEqual([]);
      });

      it('includes an alert exactly at the start of the range', async () => {
        await store.upsertAlerts([mk('edge', { alertTime: NOW - H })]);
        expect(ids((await store.list(q({ range: '1h' }), NOW)).items)).toContain('edge');
        expect(ids((await store.list(q({ range: '1h' }), NOW + 1)).items)).not.toContain('edge');
      });

      it('filters by level', async () => {
        expect(ids((await store.list(q({ range: '6h', level: 2 }), NOW)).items)).toEqual(['a2', 'a3', 'a5']);
        expect(ids((await store.list(q({ range: '6h', level: 1 }), NOW)).items)).toEqual(['a1', 'a4']);
      });

      it('filters by status', async () => {
        expect(ids((await store.list(q({ range: '6h', status: 'pending' }), NOW)).items)).toEqual([
          'a1',
          'a2',
          'a5',
        ]);
        expect(ids((await store.list(q({ range: '6h', status: 'confirmed' }), NOW)).items)).toEqual(['a3']);
        expect(ids((await store.list(q({ range: '6h', status: 'resolved' }), NOW)).items)).toEqual(['a4']);
      });

      it('searches patients by case-insensitive substring', async () => {
        expect(ids((await store.list(q({ range: '1h', patientSearch: 'p00' }), NOW)).items)).toEqual([
          'a1',
          'a2',
          'a3',
          'a4',
        ]);
        expect(ids((await store.list(q({ range: '6h', patientSearch: '01' }), NOW)).items)).toEqual([
          'a1',
          'a4',
          'a5',
        ]);
        expect(ids((await store.list(q({ range: '7d', patientSearch: 'bed' }), NOW)).items)).toEqual([]);
        expect(ids((await store.list(q({ range: '6h', patientSearch: '' }), NOW)).items)).toHaveLength(5);
      });

      it('combines filters', async () => {
        const page = await store.list(
          q({ range: '6h', level: 2, status: 'pending', patientSearch: 'P0' }),
          NOW,
        );
        expect(ids(page.items)).toEqual(['a2', 'a5']);
        const none = await store.list(
          q({ range: '1h', level: 1, status: 'confirmed', patientSearch: 'P00' }),
          NOW,
        );
        expect(none.items).toEqual([]);
        expect(none.next).toBeNull();
      });
    });

    describe('keyset pagination', () => {
      it('walks every page exactly once, with ties on alert_time', async () => {
        // 23 alerts, four sharing each timestamp, ids inserted in scrambled order.
        const all = Array.from({ length: 23 }, (_, i) =>
          mk(`k-${String((i * 7) % 23).padStart(2, '0')}`, { alertTime: NOW - Math.floor(i / 4) * M }),
        );
        await store.upsertAlerts(all);
        const full = ids((await store.list(q({ limit: 500 }), NOW)).items);
        expect(full).toHaveLength(23);
        const expected = [...all]
          .sort((a, b) => b.alertTime - a.alertTime || (a.alertId < b.alertId ? 1 : -1))
          .map((a) => a.alertId);
        expect(full).toEqual(expected);

        const seen: string[] = [];
        let after: AlertQuery['after'];
        let pages = 0;
        do {
          const page = await store.list(q({ limit: 5, after }), NOW);
          seen.push(...ids(page.items));
          after = page.next ?? undefined;
          pages++;
          if (page.next) expect(page.items).toHaveLength(5);
        } while (after && pages < 20);
        expect(pages).toBe(5);
        expect(seen).toEqual(full);
      });

      it('reports no next page when the last page is exactly full', async () => {
        await store.upsertAlerts(
          Array.from({ length: 10 }, (_, i) => mk(`e-${i}`, { alertTime: NOW - i * M })),
        );
        const p1 = await store.list(q({ limit: 5 }), NOW);
        expect(p1.next).toEqual({ alertTime: NOW - 4 * M, alertId: 'e-4' });
        const p2 = await store.list(q({ limit: 5, after: p1.next! }), NOW);
        expect(ids(p2.items)).toEqual(['e-5', 'e-6', 'e-7', 'e-8', 'e-9']);
        expect(p2.next).toBeNull();
      });

      it('orders ids on equal times by exact code point, case-sensitively', async () => {
        await store.upsertAlerts([
          mk('A', { alertTime: NOW - M }),
          mk('a', { alertTime: NOW - M }),
          mk('B', { alertTime: NOW - M }),
        ]);
        expect(ids((await store.list(q(), NOW)).items)).toEqual(['a', 'B', 'A']);
        const p1 = await store.list(q({ limit: 1 }), NOW);
        const p2 = await store.list(q({ limit: 1, after: p1.next! }), NOW);
        const p3 = await store.list(q({ limit: 1, after: p2.next! }), NOW);
        expect([...ids(p1.items), ...ids(p2.items), ...ids(p3.items)]).toEqual(['a', 'B', 'A']);
        expect(p3.next).toBeNull();
      });

      it('never pages past the time range', async () => {
        await store.upsertAlerts([
          mk('in-1', { alertTime: NOW - 10 * M }),
          mk('in-2', { alertTime: NOW - 50 * M }),
          mk('out', { alertTime: NOW - 90 * M }),
        ]);
        const p1 = await store.list(q({ range: '1h', limit: 1 }), NOW);
        const p2 = await store.list(q({ range: '1h', limit: 1, after: p1.next! }), NOW);
        expect(ids(p2.items)).toEqual(['in-2']);
        expect(p2.next).toBeNull();
      });

      it('combines the cursor with filters', async () => {
        await store.upsertAlerts(
          Array.from({ length: 12 }, (_, i) =>
            mk(`f-${String(i).padStart(2, '0')}`, {
              alertTime: NOW - Math.floor(i / 3) * M,
              alertLevel: i % 2 ? 2 : 1,
            }),
          ),
        );
        const p1 = await store.list(q({ level: 2, limit: 4 }), NOW);
        const p2 = await store.list(q({ level: 2, limit: 4, after: p1.next! }), NOW);
        expect([...ids(p1.items), ...ids(p2.items)]).toEqual([
          'f-01',
          'f-05',
          'f-03',
          'f-07',
          'f-11',
          'f-09',
        ]);
        expect(p2.next).toBeNull();
      });
    });

    describe('stats', () => {
      it('computes the cards exactly, including the change of pending over 10 minutes', async () => {
        await seed([
          { alert: mk('s1', { alertTime: NOW - 5 * M, alertLevel: 1 }) },
          { alert: mk('s2', { alertTime: NOW - 15 * M, alertLevel: 2 }) },
          // confirmed 2 minutes ago: still pending 10 minutes ago
          {
            alert: mk('s3', { alertTime: NOW - 20 * M, alertLevel: 2 }),
            status: 'confirmed',
            handledAt: NOW - 2 * M,
          },
          // resolved directly 30 minutes ago
          {
            alert: mk('s4', { alertTime: NOW - 40 * M, alertLevel: 1 }),
            status: 'resolved',
            via: 'direct',
            handledAt: NOW - 30 * M,
          },
          // confirmed 45 minutes ago, resolved 5 minutes ago: not pending 10 minutes ago
          { alert: mk('s5', { alertTime: NOW - 50 * M, alertLevel: 2 }) },
          // exactly at the start of the window
          { alert: mk('s9', { alertTime: NOW - 60 * M, alertLevel: 1 }) },
          // outside the window now, inside the window as it was 10 minutes ago
          { alert: mk('s6', { alertTime: NOW - 65 * M, alertLevel: 1 }) },
          { alert: mk('s7', { alertTime: NOW - 75 * M, alertLevel: 1 }) },
          { alert: mk('s8', { alertTime: NOW - 3 * H, alertLevel: 2 }), status: 'confirmed' },
        ]);
        expect((await store.transition(req('s5', 'confirm', { at: NOW - 45 * M }))).kind).toBe('applied');
        expect((await store.transition(req('s5', 'resolve', { at: NOW - 5 * M }))).kind).toBe('applied');

        const stats = await store.stats('1h', NOW);
        expect(stats).toEqual({
          total: 6,
          level1: 3,
          level2: 3,
          pending: 3,
          // pending then: s2, s3, s9, s6 = 4
          pendingChange: -1,
          confirmed: 1,
          resolved: 2,
          confirmedRate: 1 / 6,
          resolvedRate: 2 / 6,
        });
        const day = await store.stats('24h', NOW);
        expect(day).toMatchObject({ total: 9, pending: 5, confirmed: 2, resolved: 2, level1: 5, level2: 4 });
        // 10 minutes ago the day window held s2..s9 with s2, s3, s6, s7, s9 pending; s1 did not exist yet.
        expect(day.pendingChange).toBe(0);
      });

      it('is all zeros on an empty store (rates 0, never NaN)', async () => {
        expect(await store.stats('7d', NOW)).toEqual({
          total: 0,
          level1: 0,
          level2: 0,
          pending: 0,
          pendingChange: 0,
          confirmed: 0,
          resolved: 0,
          confirmedRate: 0,
          resolvedRate: 0,
        });
      });

      it('counts a rise in pending as positive', async () => {
        await store.upsertAlerts([mk('n1', { alertTime: NOW - M }), mk('n2', { alertTime: NOW - 2 * M })]);
        expect((await store.stats('1h', NOW)).pendingChange).toBe(2);
      });
    });

    describe('transitions', () => {
      beforeEach(async () => {
        await store.upsertAlerts([mk('t1'), mk('t2', { patientId: 'P002' })]);
      });

      it('moves pending → confirmed → resolved', async () => {
        const c = await store.transition(req('t1', 'confirm', { note: 'on my way', at: NOW + 1000 }));
        expect(c).toEqual({
          kind: 'applied',
          alert: {
            ...mk('t1'),
            status: 'confirmed',
            handleBy: 'Ana',
            handleTime: NOW + 1000,
            handleNote: 'on my way',
          },
        });
        expect(await store.get('t1')).toEqual(c.kind === 'applied' ? c.alert : null);
        const r = await store.transition(
          req('t1', 'resolve', { nurse: 'Ben', stationId: 'ST-3', at: NOW + 5000 }),
        );
        expect(r).toEqual({
          kind: 'applied',
          alert: {
            ...mk('t1'),
            status: 'resolved',
            handleBy: 'Ben',
            handleTime: NOW + 5000,
            handleNote: null,
          },
        });
        expect((await store.get('t1'))?.status).toBe('resolved');
      });

      it('resolves a pending alert directly', async () => {
        const r = await store.transition(req('t1', 'resolve', { note: 'artefact' }));
        expect(r.kind).toBe('applied');
        expect(await store.get('t1')).toMatchObject({
          status: 'resolved',
          handleBy: 'Ana',
          handleNote: 'artefact',
        });
      });

      it('refuses resolved → confirmed with who resolved it', async () => {
        await store.transition(req('t1', 'resolve', { nurse: 'Ben', stationId: 'ST-3', at: NOW + 5 * M }));
        const c = await store.transition(req('t1', 'confirm', { at: NOW + 6 * M }));
        expect(c).toEqual({
          kind: 'conflict',
          current: {
            ...mk('t1'),
            status: 'resolved',
            handleBy: 'Ben',
            handleTime: NOW + 5 * M,
            handleNote: null,
          },
          message: 'Already resolved by Nurse Ben at 12:05 from station ST-3',
        });
        expect((await store.get('t1'))?.status).toBe('resolved');
      });

      it('refuses a second confirm, saying who confirmed, when and where', async () => {
        const at = Date.UTC(2026, 10, 20, 3, 12, 30);
        await store.transition(req('t1', 'confirm', { nurse: 'Ana', stationId: 'ST-2', at }));
        const again = await store.transition(
          req('t1', 'confirm', { nurse: 'Ben', stationId: 'ST-1', at: at + M }),
        );
        expect(again.kind).toBe('conflict');
        expect(again.kind === 'conflict' && again.message).toBe(
          'Already confirmed by Nurse Ana at 03:12 from station ST-2',
        );
        expect(again.kind === 'conflict' && again.current.handleBy).toBe('Ana');
      });

      it('says "this station" and the date when that is what happened', async () => {
        const at = Date.UTC(2026, 10, 19, 23, 59);
        await store.transition(
          req('t1', 'confirm', { nurse: 'Nurse Cleo', stationId: CONTRACT_STATION, at }),
        );
        const again = await store.transition(req('t1', 'confirm', { at: NOW }));
        expect(again.kind === 'conflict' && again.message).toBe(
          'Already confirmed by Nurse Cleo at 2026-11-19 23:59 from this station',
        );
      });

      it('refuses to resolve a resolved alert', async () => {
        await store.transition(req('t1', 'resolve'));
        const again = await store.transition(req('t1', 'resolve', { nurse: 'Ben' }));
        expect(again.kind).toBe('conflict');
        expect((await store.get('t1'))?.handleBy).toBe('Ana');
      });

      it('lets exactly one of two concurrent confirms win', async () => {
        const [x, y] = await Promise.all([
          store.transition(req('t1', 'confirm', { nurse: 'Ana', stationId: 'ST-2' })),
          store.transition(req('t1', 'confirm', { nurse: 'Ben', stationId: 'ST-3' })),
        ]);
        const results = [x, y];
        const winners = results.filter((r) => r.kind === 'applied');
        const losers = results.filter(
          (r): r is Extract<TransitionResult, { kind: 'conflict' }> => r.kind === 'conflict',
        );
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        const winner = winners[0]!.kind === 'applied' ? winners[0]!.alert.handleBy : null;
        expect(losers[0]!.current.handleBy).toBe(winner);
        expect((await store.get('t1'))?.handleBy).toBe(winner);
        const trail = await store.auditTrail('t1');
        expect(trail.map((e) => e.outcome).sort()).toEqual(['applied', 'conflict']);
      });

      it('lets exactly one of many concurrent confirms win, and keeps concurrent resolves consistent', async () => {
        const results = await Promise.all(
          ['A', 'B', 'C', 'D', 'E'].map((n) => store.transition(req('t1', 'confirm', { nurse: n }))),
        );
        expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'conflict')).toHaveLength(4);

        const mixed = await Promise.all([
          store.transition(req('t2', 'confirm')),
          store.transition(req('t2', 'resolve')),
        ]);
        expect(mixed.filter((r) => r.kind === 'applied').length).toBeGreaterThanOrEqual(1);
        expect((await store.get('t2'))?.status).toBe('resolved');
      });

      it('answers not_yet for an alert the store does not have', async () => {
        expect(await store.transition(req('unknown', 'confirm'))).toEqual({ kind: 'not_yet' });
        expect(await store.get('unknown')).toBeNull();
      });

      it('refuses malformed requests before writing anything', async () => {
        const bad: Partial<TransitionRequest>[] = [
          { alertId: '' },
          { alertId: 'x'.repeat(65) },
          { nurse: '' },
          { nurse: '   ' },
          { nurse: 'n'.repeat(81) },
          { stationId: '' },
          { stationId: 's'.repeat(65) },
          { note: 'x'.repeat(1001) },
          { at: Number.NaN },
          { action: 'delete' as 'confirm' },
        ];
        for (const over of bad) {
          const err = await store.transition(req('t1', 'confirm', over)).catch((e) => e);
          expect(err, JSON.stringify(over).slice(0, 60)).toBeInstanceOf(AlertStoreError);
        }
        expect(await store.get('t1')).toEqual(mk('t1'));
        expect(await store.auditTrail('t1')).toEqual([]);
      });
    });

    describe('audit', () => {
      it('records every attempt with its outcome', async () => {
        await store.upsertAlerts([mk('t1')]);
        await store.transition(req('t1', 'confirm', { note: 'seen', at: NOW + 1 }));
        await store.transition(req('t1', 'confirm', { nurse: 'Ben', stationId: 'ST-3', at: NOW + 2 }));
        await store.transition(req('t1', 'resolve', { nurse: 'Ben', stationId: 'ST-3', at: NOW + 3 }));
        await store.transition(req('t1', 'resolve', { at: NOW + 4 }));
        await store.transition(req('ghost', 'confirm', { at: NOW + 5 }));

        const trail = await store.auditTrail('t1');
        const strip = trail.map(({ eventId: _e, recordedAt: _r, ...rest }) => rest);
        expect(strip).toEqual([
          {
            alertId: 't1',
            action: 'confirm',
            fromStatus: 'pending',
            toStatus: 'confirmed',
            outcome: 'applied',
            nurse: 'Ana',
            stationId: 'ST-2',
            note: 'seen',
            eventTime: NOW + 1,
            message: null,
          },
          {
            alertId: 't1',
            action: 'confirm',
            fromStatus: 'confirmed',
            toStatus: 'confirmed',
            outcome: 'conflict',
            nurse: 'Ben',
            stationId: 'ST-3',
            note: null,
            eventTime: NOW + 2,
            message: 'Already confirmed by Nurse Ana at 12:00 from station ST-2',
          },
          {
            alertId: 't1',
            action: 'resolve',
            fromStatus: 'confirmed',
            toStatus: 'resolved',
            outcome: 'applied',
            nurse: 'Ben',
            stationId: 'ST-3',
            note: null,
            eventTime: NOW + 3,
            message: null,
          },
          {
            alertId: 't1',
            action: 'resolve',
            fromStatus: 'resolved',
            toStatus: 'resolved',
            outcome: 'conflict',
            nurse: 'Ana',
            stationId: 'ST-2',
            note: null,
            eventTime: NOW + 4,
            message: 'Already resolved by Nurse Ben at 12:00 from station ST-3',
          },
        ]);
        expect(trail.every((e) => e.recordedAt > 0)).toBe(true);
        expect(trail.map((e) => e.eventId)).toEqual([...trail.map((e) => e.eventId)].sort((a, b) => a - b));

        const ghost = await store.auditTrail('ghost');
        expect(ghost).toHaveLength(1);
        expect(ghost[0]).toMatchObject({ outcome: 'not_found', fromStatus: null, toStatus: 'confirmed' });
        // a retry from another start of the station is an attempt too
        await store.transition(req('ghost', 'confirm', { at: NOW + 5 }));
        expect(await store.auditTrail('ghost')).toHaveLength(2);
        // but a repeat of an attempt already audited as not found writes nothing (#21: 887 rows in 32 min)
        for (let i = 0; i < 5; i++) {
          expect(await store.transition(req('ghost', 'confirm', { at: NOW + 5, repeat: true }))).toEqual({
            kind: 'not_yet',
          });
        }
        expect(await store.auditTrail('ghost')).toHaveLength(2);
        // and the outcome, once the alert arrives, is audited
        await store.upsertAlerts([mk('ghost')]);
        const applied = await store.transition(req('ghost', 'confirm', { at: NOW + 5, repeat: true }));
        expect(applied.kind).toBe('applied');
        expect((await store.auditTrail('ghost')).map((e) => e.outcome)).toEqual([
          'not_found',
          'not_found',
          'applied',
        ]);
      });
    });

    describe('patient and pending lists', () => {
      beforeEach(async () => {
        await seed([
          { alert: mk('p1', { patientId: 'P001', alertTime: NOW - 1 * M }) },
          { alert: mk('p2', { patientId: 'P001', alertTime: NOW - 20 * M }), status: 'confirmed' },
          { alert: mk('p3', { patientId: 'P001', alertTime: NOW - 3 * H }) },
          { alert: mk('p4', { patientId: 'P002', alertTime: NOW - 2 * M }) },
          { alert: mk('p5', { patientId: 'P0011', alertTime: NOW - 2 * M }) },
          { alert: mk('p6', { patientId: 'P003', alertTime: NOW - 30 * 24 * H }) },
          { alert: mk('p7', { patientId: 'P003', alertTime: NOW - 4 * M }), status: 'resolved' },
        ]);
      });

      it("lists one patient's alerts in the range, newest first", async () => {
        expect(ids(await store.patientAlerts('P001', '1h', NOW))).toEqual(['p1', 'p2']);
        expect(ids(await store.patientAlerts('P001', '6h', NOW))).toEqual(['p1', 'p2', 'p3']);
        expect(await store.patientAlerts('P999', '7d', NOW)).toEqual([]);
      });

      it('lists every pending alert, whatever its age, newest first', async () => {
        expect(ids(await store.pendingAlerts())).toEqual(['p1', 'p5', 'p4', 'p3', 'p6']);
      });

      it('names which of the given alerts are handled, as the store has them', async () => {
        const handled = await store.handledAmong(['p1', 'p2', 'p7', 'nope', 'p2']);
        expect(ids(handled).sort()).toEqual(['p2', 'p7']);
        expect(handled.find((a) => a.alertId === 'p7')).toMatchObject({
          status: 'resolved',
          patientId: 'P003',
        });
        expect(await store.handledAmong([])).toEqual([]);
        // more ids than one statement takes: every chunk is asked
        const many = Array.from({ length: 450 }, (_, i) => `x${i}`);
        expect(ids(await store.handledAmong([...many, 'p7', ...many]))).toEqual(['p7']);
      });
    });

    describe('burden', () => {
      it('computes the report exactly', async () => {
        const t = (over: Partial<Alert>, id: string) => mk(id, over);
        await store.upsertAlerts([
          t({ patientId: 'P001', alertType: 'heart_rate', alertLevel: 1, alertTime: NOW - 30 * M }, 'b1'),
          t({ patientId: 'P001', alertType: 'heart_rate', alertLevel: 1, alertTime: NOW - 20 * M }, 'b2'),
          t({ patientId: 'P001', alertType: 'blood_oxygen', alertLevel: 2, alertTime: NOW - 130 * M }, 'b3'),
          t({ patientId: 'P002', alertType: 'heart_rate', alertLevel: 2, alertTime: NOW - 13 * H }, 'b4'),
          t({ patientId: 'P002', alertType: 'heart_rate', alertLevel: 2, alertTime: NOW - 13 * H + M }, 'b5'),
          t({ patientId: 'P003', alertType: 'signal_loss', alertLevel: 1, alertTime: NOW - 25 * H }, 'b6'),
          t({ patientId: 'P003', alertType: 'blood_glucose', alertLevel: 1, alertTime: NOW - M }, 'b7'),
          t({ patientId: 'P004', alertType: 'blood_glucose', alertLevel: 1, alertTime: NOW - 3 * H }, 'b8'),
        ]);
        const ack = async (id: string, action: 'confirm' | 'resolve', afterMs: number, alertTime: number) =>
          expect((await store.transition(req(id, action, { at: alertTime + afterMs }))).kind).toBe('applied');
        await ack('b1', 'confirm', 60_000, NOW - 30 * M);
        await ack('b2', 'confirm', 120_000, NOW - 20 * M);
        await ack('b3', 'resolve', 30_000, NOW - 130 * M);
        await ack('b4', 'confirm', 600_000, NOW - 13 * H);
        await ack('b4', 'resolve', 900_000, NOW - 13 * H); // time to acknowledge stays 600 s
        await ack('b7', 'confirm', 10_000, NOW - M);
        await ack('b8', 'confirm', -5_000, NOW - 3 * H); // clock skew: counted as 0
        await ack('b6', 'confirm', 1_000, NOW - 25 * H); // outside the range

        const hour = (h: number) => Date.UTC(2026, 10, 20, h);
        expect(await store.burden('24h', NOW)).toEqual({
          overTime: [
            { t: Date.UTC(2026, 10, 19, 23), alertType: 'heart_rate', alertLevel: 2, count: 2 },
            { t: hour(9), alertType: 'blood_glucose', alertLevel: 1, count: 1 },
            { t: hour(9), alertType: 'blood_oxygen', alertLevel: 2, count: 1 },
            { t: hour(11), alertType: 'blood_glucose', alertLevel: 1, count: 1 },
            { t: hour(11), alertType: 'heart_rate', alertLevel: 1, count: 2 },
          ],
          perBedPerDay: [
            { patientId: 'P001', day: '2026-11-20', count: 3 },
            { patientId: 'P002', day: '2026-11-19', count: 2 },
            { patientId: 'P003', day: '2026-11-20', count: 1 },
            { patientId: 'P004', day: '2026-11-20', count: 1 },
          ],
          // deltas 0, 10 s, 30 s, 60 s, 120 s, 600 s
          timeToAckMs: { median: 45_000, p90: 360_000, samples: 6 },
          noisiestBeds: [
            { patientId: 'P001', count: 3 },
            { patientId: 'P002', count: 2 },
            { patientId: 'P003', count: 1 },
            { patientId: 'P004', count: 1 },
          ],
        });
      });

      it('splits a week into ward days and keeps the ten noisiest beds', async () => {
        const alerts: Alert[] = [];
        for (let bed = 0; bed < 12; bed++) {
          for (let i = 0; i <= bed; i++) {
            alerts.push(
              mk(`w-${bed}-${i}`, {
                patientId: `B${String(bed).padStart(2, '0')}`,
                alertTime: NOW - i * 24 * H - M,
              }),
            );
          }
        }
        await store.upsertAlerts(alerts);
        const b = await store.burden('7d', NOW);
        expect(b.noisiestBeds).toHaveLength(10);
        expect(b.noisiestBeds[0]).toEqual({ patientId: 'B06', count: 7 });
        // B06..B11 tie at 7 alerts within 7 days (older ones fall outside); ties go by id.
        expect(b.noisiestBeds.map((x) => x.patientId)).toEqual([
          'B06',
          'B07',
          'B08',
          'B09',
          'B10',
          'B11',
          'B05',
          'B04',
          'B03',
          'B02',
        ]);
        const b11 = b.perBedPerDay.filter((r) => r.patientId === 'B11');
        expect(b11.map((r) => r.day)).toEqual([
          '2026-11-14',
          '2026-11-15',
          '2026-11-16',
          '2026-11-17',
          '2026-11-18',
          '2026-11-19',
          '2026-11-20',
        ]);
        expect(b11.every((r) => r.count === 1)).toBe(true);
        expect(b.timeToAckMs).toEqual({ median: null, p90: null, samples: 0 });
      });

      it('is empty on an empty store', async () => {
        expect(await store.burden('7d', NOW)).toEqual({
          overTime: [],
          perBedPerDay: [],
          timeToAckMs: { median: null, p90: null, samples: 0 },
          noisiestBeds: [],
        });
      });

      it('gives the single sample as median and p90', async () => {
        await store.upsertAlerts([mk('one', { alertTime: NOW - 10 * M })]);
        await store.transition(req('one', 'confirm', { at: NOW - 10 * M + 42_000 }));
        expect((await store.burden('1h', NOW)).timeToAckMs).toEqual({
          median: 42_000,
          p90: 42_000,
          samples: 1,
        });
      });
    });

    // Issue #12: a station reads only its ward's patients. The scope is the last argument of every read
    // that lists or counts; null (or none) is the whole hospital, [] an empty ward.
    describe('ward scope', () => {
      const WARD = ['P001', 'P003'];

      beforeEach(async () => {
        await seed([
          { alert: mk('w1', { patientId: 'P001', alertLevel: 1, alertTime: NOW - 1 * M }) },
          { alert: mk('w2', { patientId: 'P002', alertLevel: 2, alertTime: NOW - 2 * M }) },
          {
            alert: mk('w3', { patientId: 'P003', alertLevel: 2, alertTime: NOW - 3 * M }),
            status: 'confirmed',
          },
          {
            alert: mk('w4', { patientId: 'P001', alertLevel: 1, alertTime: NOW - 30 * M }),
            status: 'resolved',
          },
          // one character away from a ward patient: neither a prefix nor another case matches
          { alert: mk('w5', { patientId: 'P0011', alertLevel: 2, alertTime: NOW - 4 * M }) },
          { alert: mk('w6', { patientId: 'p001', alertLevel: 2, alertTime: NOW - 5 * M }) },
          { alert: mk('w7', { patientId: 'P003', alertLevel: 1, alertTime: NOW - 3 * H }) },
          { alert: mk('w8', { patientId: 'P002', alertLevel: 1, alertTime: NOW - 4 * H }) },
        ]);
      });

      it("lists only the ward's alerts, with every filter, and everything for a null scope", async () => {
        const list = async (over: Partial<AlertQuery>, scope?: readonly string[] | null) =>
          ids((await store.list(q(over), NOW, scope)).items);
        expect(await list({}, WARD)).toEqual(['w1', 'w3', 'w4', 'w7']);
        expect(await list({ range: '1h' }, WARD)).toEqual(['w1', 'w3', 'w4']);
        expect(await list({ level: 2 }, WARD)).toEqual(['w3']);
        expect(await list({ status: 'pending' }, WARD)).toEqual(['w1', 'w7']);
        expect(await list({}, ['P002'])).toEqual(['w2', 'w8']);
        // the same ward named twice is the same ward
        expect(await list({}, [...WARD, ...WARD])).toEqual(['w1', 'w3', 'w4', 'w7']);
        const everyone = ['w1', 'w2', 'w3', 'w5', 'w6', 'w4', 'w7', 'w8'];
        expect(await list({}, null)).toEqual(everyone);
        expect(await list({}, undefined)).toEqual(everyone);
      });

      it('lists nothing for an empty ward or one whose patients have no alerts', async () => {
        expect(await store.list(q(), NOW, [])).toEqual({ items: [], next: null });
        expect(await store.list(q({ patientSearch: 'P' }), NOW, [])).toEqual({ items: [], next: null });
        expect(await store.list(q(), NOW, ['P404', 'P405'])).toEqual({ items: [], next: null });
      });

      it("searches among the ward's patients only", async () => {
        const search = async (patientSearch: string, scope: readonly string[]) =>
          ids((await store.list(q({ patientSearch }), NOW, scope)).items);
        expect(await search('p00', WARD)).toEqual(['w1', 'w3', 'w4', 'w7']);
        expect(await search('003', WARD)).toEqual(['w3', 'w7']);
        // P002 and P0011 match, but are not in the ward
        expect(await search('002', WARD)).toEqual([]);
        expect(await search('0011', WARD)).toEqual([]);
        expect(await search('0011', [...WARD, 'P0011'])).toEqual(['w5']);
      });

      it('pages through a ward exactly once', async () => {
        await store.upsertAlerts(
          Array.from({ length: 14 }, (_, i) =>
            mk(`wp-${String(i).padStart(2, '0')}`, {
              patientId: i % 2 ? 'P001' : 'P002',
              alertTime: NOW - 10 * M - Math.floor(i / 3) * M,
            }),
          ),
        );
        const full = ids((await store.list(q({ range: '1h', limit: 500 }), NOW, ['P001'])).items);
        expect(full).toHaveLength(2 + 7);
        const seen: string[] = [];
        let after: AlertQuery['after'];
        let pages = 0;
        do {
          const page = await store.list(q({ range: '1h', limit: 2, after }), NOW, ['P001']);
          seen.push(...ids(page.items));
          after = page.next ?? undefined;
          pages++;
        } while (after && pages < 20);
        expect(seen).toEqual(full);
        expect(pages).toBe(5);
      });

      it("counts only the ward's alerts on the statistic cards", async () => {
        // the exact scenario of "computes the cards exactly", for ward patient P001, beside the seeded
        // alerts of other patients and ward patient P003 (changing w3 and w4 only for the 1h cards)
        await seed([
          { alert: mk('s1', { alertTime: NOW - 5 * M, alertLevel: 1 }) },
          { alert: mk('s2', { alertTime: NOW - 15 * M, alertLevel: 2 }) },
          {
            alert: mk('s3', { alertTime: NOW - 20 * M, alertLevel: 2 }),
            status: 'confirmed',
            handledAt: NOW - 2 * M,
          },
          { alert: mk('s6', { alertTime: NOW - 65 * M, alertLevel: 1 }) },
        ]);
        expect(await store.stats('1h', NOW, ['P001'])).toEqual({
          // s1, s2, s3, w1, w4
          total: 5,
          level1: 3,
          level2: 2,
          pending: 3,
          // pending 10 minutes ago: s2, s3, w4 (resolved 29 minutes ago: no), s6 = 3
          pendingChange: 0,
          confirmed: 1,
          resolved: 1,
          confirmedRate: 1 / 5,
          resolvedRate: 1 / 5,
        });
        expect(await store.stats('24h', NOW, WARD)).toMatchObject({
          total: 8,
          pending: 5,
          confirmed: 2,
          resolved: 1,
          level1: 5,
          level2: 3,
        });
        expect((await store.stats('24h', NOW, null)).total).toBe(12);
        expect((await store.stats('24h', NOW)).total).toBe(12);
        expect(await store.stats('24h', NOW, [])).toEqual({
          total: 0,
          level1: 0,
          level2: 0,
          pending: 0,
          pendingChange: 0,
          confirmed: 0,
          resolved: 0,
          confirmedRate: 0,
          resolvedRate: 0,
        });
        expect((await store.stats('24h', NOW, ['P404'])).total).toBe(0);
      });

      it("reports the burden of the ward's beds only", async () => {
        expect((await store.transition(req('w2', 'confirm', { at: NOW - 2 * M + 5_000 }))).kind).toBe(
          'applied',
        );
        const b = await store.burden('24h', NOW, WARD);
        expect(b.noisiestBeds).toEqual([
          { patientId: 'P001', count: 2 },
          { patientId: 'P003', count: 2 },
        ]);
        expect(b.perBedPerDay).toEqual([
          { patientId: 'P001', day: '2026-11-20', count: 2 },
          { patientId: 'P003', day: '2026-11-20', count: 2 },
        ]);
        expect(b.overTime.reduce((n, r) => n + r.count, 0)).toBe(4);
        // w3 and w4 were handled a minute after they were raised; w2 (P002) after 5 s is not the ward's
        expect(b.timeToAckMs).toEqual({ median: 60_000, p90: 60_000, samples: 2 });
        expect((await store.burden('24h', NOW, null)).noisiestBeds).toHaveLength(5);
        expect(await store.burden('24h', NOW, [])).toEqual({
          overTime: [],
          perBedPerDay: [],
          timeToAckMs: { median: null, p90: null, samples: 0 },
          noisiestBeds: [],
        });
      });

      it("lists the ward's pending alerts and one patient's alerts only inside the ward", async () => {
        expect(ids(await store.pendingAlerts(WARD))).toEqual(['w1', 'w7']);
        expect(ids(await store.pendingAlerts(null))).toEqual(['w1', 'w2', 'w5', 'w6', 'w7', 'w8']);
        expect(await store.pendingAlerts([])).toEqual([]);
        expect(ids(await store.patientAlerts('P003', '7d', NOW, WARD))).toEqual(['w3', 'w7']);
        expect(await store.patientAlerts('P002', '7d', NOW, WARD)).toEqual([]);
        expect(await store.patientAlerts('P001', '7d', NOW, [])).toEqual([]);
        expect(ids(await store.patientAlerts('P002', '7d', NOW, null))).toEqual(['w2', 'w8']);
      });

      it('reads wards of every size up to the limit, and refuses a larger one plainly', async () => {
        // one id past each IN-list size, so every padding is exercised
        for (const size of [...SCOPE_LIST_SIZES.slice(0, -1).map((n) => n + 1), SCOPE_MAX_PATIENTS]) {
          const scope = [...Array.from({ length: size - 2 }, (_, i) => `X${i}`), 'P003', 'P001'];
          expect(scope).toHaveLength(size);
          expect(ids((await store.list(q(), NOW, scope)).items)).toEqual(['w1', 'w3', 'w4', 'w7']);
          expect((await store.stats('24h', NOW, scope)).total).toBe(4);
          expect(ids(await store.pendingAlerts(scope))).toEqual(['w1', 'w7']);
          expect((await store.burden('24h', NOW, scope)).noisiestBeds).toHaveLength(2);
        }
        const tooMany = Array.from({ length: SCOPE_MAX_PATIENTS + 1 }, (_, i) => `X${i}`);
        for (const read of [
          () => store.list(q(), NOW, tooMany),
          () => store.stats('24h', NOW, tooMany),
          () => store.burden('24h', NOW, tooMany),
          () => store.pendingAlerts(tooMany),
        ]) {
          const err = await read().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(AlertStoreError);
          expect((err as Error).message).toMatch(
            /ward has 1001 patients; the alert store reads at most 1000/,
          );
        }
      });
    });

    describe('hostile input', () => {
      const PAYLOADS = [
        "' OR 1=1 --",
        "'; DROP TABLE alerts; --",
        '"; DROP TABLE alert_events; --',
        '%',
        '_',
        '\\',
        '!',
        "'",
        '`',
        'é',
        'Zoë 看护 🚑',
        'x'.repeat(1000),
      ];
      const PATIENTS = ['P%1', 'P_1', 'P\\1', 'P!1', "P'1", 'PX1', 'Pé1', 'P🚑1'];

      beforeEach(async () => {
        await store.upsertAlerts(
          PATIENTS.map((p, i) => mk(`h-${i}`, { patientId: p, alertTime: NOW - (i + 1) * M })),
        );
      });

      async function intact(): Promise<void> {
        expect((await store.list(q({ limit: 500 }), NOW)).items).toHaveLength(PATIENTS.length);
        expect((await store.stats('24h', NOW)).total).toBe(PATIENTS.length);
        await store.ping();
      }

      it('treats every search as a literal substring', async () => {
        const found = async (s: string) =>
          (await store.list(q({ patientSearch: s }), NOW)).items.map((a) => a.patientId).sort();
        expect(await found('%')).toEqual(['P%1']);
        expect(await found('_')).toEqual(['P_1']);
        expect(await found('\\')).toEqual(['P\\1']);
        expect(await found('!')).toEqual(['P!1']);
        expect(await found("'")).toEqual(["P'1"]);
        expect(await found('é')).toEqual(['Pé1']);
        expect(await found('🚑')).toEqual(['P🚑1']);
        expect(await found('P_')).toEqual(['P_1']);
        expect(await found('x1')).toEqual(['PX1']);
        for (const p of PAYLOADS.filter((s) => !['%', '_', '\\', '!', "'", 'é'].includes(s))) {
          expect(await found(p)).toEqual([]);
        }
        await intact();
      });

      it('takes ids, notes, nurses and stations verbatim', async () => {
        for (const p of PAYLOADS) {
          expect(await store.get(p)).toBeNull();
          expect(await store.patientAlerts(p, '7d', NOW)).toEqual([]);
          if (p.length <= 64) {
            expect(await store.transition(req(p, 'confirm'))).toEqual({ kind: 'not_yet' });
            expect((await store.auditTrail(p))[0]?.alertId).toBe(p);
          } else {
            await expect(store.transition(req(p, 'confirm'))).rejects.toBeInstanceOf(AlertStoreError);
          }
        }
        const short = PAYLOADS.filter((p) => p.length <= 64);
        for (const [i, p] of short.entries()) {
          const id = `v-${i}`;
          await store.upsertAlerts([mk(id, { patientId: 'PV', alertDetail: p, deviceId: p.slice(0, 64) })]);
          const res = await store.transition(req(id, 'confirm', { note: p, nurse: p, stationId: p }));
          expect(res.kind).toBe('applied');
          expect(await store.get(id)).toMatchObject({
            alertDetail: p,
            deviceId: p,
            handleBy: p,
            handleNote: p,
          });
          const again = await store.transition(req(id, 'confirm', { nurse: 'Ben' }));
          expect(again.kind === 'conflict' && again.message).toContain(p);
          expect((await store.auditTrail(id))[0]).toMatchObject({ nurse: p, stationId: p, note: p });
        }
        const long = 'n'.repeat(1000);
        await store.upsertAlerts([mk('long-note')]);
        expect((await store.transition(req('long-note', 'confirm', { note: long }))).kind).toBe('applied');
        expect((await store.get('long-note'))?.handleNote).toBe(long);
        await expect(store.transition(req('long-note', 'resolve', { nurse: long }))).rejects.toBeInstanceOf(
          AlertStoreError,
        );
        await expect(
          store.transition(req('long-note', 'resolve', { stationId: long })),
        ).rejects.toBeInstanceOf(AlertStoreError);
        expect((await store.get('long-note'))?.status).toBe('confirmed');
        // the hostile-id alerts are the only additions
        expect((await store.list(q({ limit: 500 }), NOW)).items).toHaveLength(
          PATIENTS.length + short.length + 1,
        );
        expect(await store.get('h-0')).toEqual(mk('h-0', { patientId: 'P%1', alertTime: NOW - M }));
      });

      it('takes the ids of a scope verbatim, as values', async () => {
        for (const p of PAYLOADS.filter((x) => x.length <= 64)) {
          expect((await store.list(q(), NOW, [p])).items).toEqual([]);
          expect((await store.stats('24h', NOW, [p])).total).toBe(0);
          expect(await store.pendingAlerts([p])).toEqual([]);
          expect((await store.burden('24h', NOW, [p])).noisiestBeds).toEqual([]);
        }
        // '%', '_' and '\\' are not patterns in a scope: only the very patient is read
        expect(ids((await store.list(q(), NOW, ['P%1'])).items)).toEqual(['h-0']);
        expect(ids((await store.list(q(), NOW, ['P_1', 'P\\1'])).items)).toEqual(['h-1', 'h-2']);
        expect(ids(await store.pendingAlerts(['P🚑1']))).toEqual(['h-7']);
        await intact();
      });

      it('stores hostile alert ids verbatim', async () => {
        const short = PAYLOADS.filter((p) => p.length <= 64);
        await store.upsertAlerts(short.map((p, i) => mk(p, { patientId: `Q${i}`, alertTime: NOW - 48 * H })));
        for (const p of short) expect((await store.get(p))?.alertId).toBe(p);
        await intact();
      });
    });

    describe('lifecycle', () => {
      it('pings, and fails clearly once closed', async () => {
        await store.ping();
        await store.close();
        await store.close();
        const err = await store.ping().catch((e) => e);
        expect(err).toBeInstanceOf(AlertStoreError);
        expect(err.code).toBe('unavailable');
      });
    });
  });
}
