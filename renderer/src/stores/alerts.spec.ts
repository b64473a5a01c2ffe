import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AckRecord, Alert, AlertPage, Thresholds } from '../../../shared/domain/types';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain/types';
import type { AckOutcome, AlertDetail } from '../../../shared/ipc/contract';
import { fail, fakeSessions, flush, mockStation, ok, type Handlers } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { useAlertsStore } from './alerts';
import { useStationStore } from './station';

const NOW = Date.now();
function alert(id: string, ageMs: number, patch: Partial<Alert> = {}): Alert {
  return {
    alertId: id,
    patientId: 'P1',
    deviceId: 'D1',
    alertTime: NOW - ageMs,
    alertType: 'heart_rate',
    alertDetail: 'Heart rate too high',
    alertLevel: 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 130, bloodOxygen: 97, bloodGlucose: 5 },
    ...patch,
  };
}
const thresholds: Thresholds = { patientId: 'P1', ...DEFAULT_THRESHOLDS, custom: false };
function record(a: Alert, action: 'confirm' | 'resolve', nurse = 'Li Na', nurseId = 'N1001'): AckRecord {
  return {
    ackId: `ack-${a.alertId}-${action}`,
    alertId: a.alertId,
    action,
    nurse,
    nurseId,
    stationId: 's1',
    note: null,
    ackTime: NOW,
    alert: a,
    syncState: 'synced',
    syncError: null,
    syncedAt: NOW,
  };
}

let station: ReturnType<typeof mockStation>;
let db: Map<string, Alert>;

/** `signedIn`: Li Na (N1001, the demo roster's nurse) is signed in on this window from the start */
async function setup(extra: Handlers = {}, signedIn = true) {
  db = new Map(
    ['a5', 'a4', 'a3', 'a2', 'a1'].map((id, i) => [id, alert(id, (i + 1) * 60_000)] as [string, Alert]),
  );
  const sessions = fakeSessions();
  if (signedIn) sessions.handlers['session:sign-in']({ nurseId: 'N1001', pin: '1234' });
  station = mockStation({
    ...sessions.handlers,
    'alerts:list': (q) => {
      const all = [...db.values()].filter((a) => !q.status || a.status === q.status);
      const start = q.after ? all.findIndex((a) => a.alertId === q.after!.alertId) + 1 : 0;
      const items = all.slice(start, start + 2);
      const last = items[items.length - 1];
      const page: AlertPage = {
        items,
        next: start + 2 < all.length && last ? { alertTime: last.alertTime, alertId: last.alertId } : null,
      };
      return ok(page);
    },
    'alerts:stats': () =>
      ok({
        total: 5,
        level1: 5,
        level2: 0,
        pending: 5,
        pendingChange: 1,
        confirmed: 0,
        resolved: 0,
        confirmedRate: 0,
        resolvedRate: 0,
      }),
    'alerts:get': ({ alertId }) => {
      const a = db.get(alertId);
      if (!a) return fail('not_found');
      const d: AlertDetail = { alert: a, thresholds, trend: [], history: [] };
      return ok(d);
    },
    'alerts:acknowledge': sessions.requires('nurse', 'alerts:acknowledge', ({ alertId, action }) => {
      const who = sessions.info().nurse!;
      const a = db.get(alertId)!;
      const next = {
        ...a,
        status: action === 'confirm' ? 'confirmed' : 'resolved',
        handleBy: who.name,
      } as Alert;
      db.set(alertId, next);
      const outcome: AckOutcome = {
        alert: next,
        synced: true,
        record: record(next, action, who.name, who.nurseId),
      };
      return ok(outcome);
    }),
    ...extra,
  });
  setStationApi(station.api);
  setActivePinia(createPinia());
  const s = useStationStore();
  await s.load();
  const store = useAlertsStore();
  return { store, s };
}

describe('useAlertsStore', () => {
  beforeEach(() => setStationApi(null));
  afterEach(() => {
    useAlertsStore().stop();
    useStationStore().stop();
  });

  it('loads the first page and keyset-paginates with the last row as cursor', async () => {
    const { store } = await setup();
    await store.reload();
    expect(store.items.map((a) => a.alertId)).toEqual(['a5', 'a4']);
    expect(store.next).toEqual({ alertTime: db.get('a4')!.alertTime, alertId: 'a4' });
    await store.loadMore();
    expect(station.callsOf('alerts:list')[1]).toMatchObject({ after: { alertId: 'a4' }, limit: 200 });
    expect(store.items.map((a) => a.alertId)).toEqual(['a5', 'a4', 'a3', 'a2']);
    await store.loadMore();
    expect(store.items).toHaveLength(5);
    expect(store.next).toBeNull();
  });

  it('sends filters to the station and drops answers to superseded queries', async () => {
    const { store } = await setup();
    store.setFilters({ status: 'pending', patientSearch: '  P1 ' });
    store.setFilters({ level: 2 });
    await flush();
    const calls = station.callsOf('alerts:list');
    expect(calls[calls.length - 1]).toMatchObject({
      status: 'pending',
      level: 2,
      patientSearch: 'P1',
      range: '24h',
    });
  });

  it('merges pushed alerts live without reloading', async () => {
    const { store } = await setup();
    store.start();
    await flush(10);
    const listCalls = station.callsOf('alerts:list').length;
    station.emit('alerts:new', [alert('a6', 1000)]);
    expect(store.items[0]!.alertId).toBe('a6');
    station.emit('alerts:changed', [{ ...db.get('a5')!, status: 'confirmed' }]);
    expect(store.items.find((a) => a.alertId === 'a5')!.status).toBe('confirmed');
    expect(station.callsOf('alerts:list')).toHaveLength(listCalls);
  });

  it('moves to the next alert after the selected one left a "pending" list', async () => {
    const { store } = await setup();
    store.setFilters({ status: 'pending' });
    await flush(10);
    await store.loadMore();
    await store.loadMore();
    expect(store.items.map((a) => a.alertId)).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
    store.select('a4');
    await store.acknowledge('confirm');
    expect(store.items.map((a) => a.alertId)).toEqual(['a5', 'a3', 'a2', 'a1']);
    expect(store.feedback).toMatchObject({ kind: 'synced', action: 'confirm', nurse: 'Li Na' });
    expect(store.moveSelection(1)).toBe('a3');
    expect(store.moveSelection(-1)).toBe('a5');
    expect(store.moveSelection(-1)).toBe('a5');
  });

  it("fetches the selected alert's history once per burst of changes, and not for its own acknowledgement", async () => {
    const { store } = await setup({
      // like the core: the change is announced (locally stored, then synced) before the answer
      'alerts:acknowledge': ({ alertId }) => {
        const next = { ...db.get(alertId)!, status: 'confirmed', handleBy: 'Ann' } as Alert;
        db.set(alertId, next);
        station.emit('alerts:changed', [next]);
        station.emit('alerts:changed', [next]);
        return ok({ alert: next, synced: true, record: record(next, 'confirm') } satisfies AckOutcome);
      },
    });
    store.start();
    await flush(10);
    store.select('a5');
    await flush();
    const gets = () => station.callsOf('alerts:get').length;
    const afterSelect = gets();
    await store.acknowledge('confirm');
    await new Promise((r) => setTimeout(r, 400));
    expect(gets()).toBe(afterSelect);
    expect(store.detail?.history).toHaveLength(1);
    // another station resolves it: three events, one fetch
    for (let i = 0; i < 3; i++) station.emit('alerts:changed', [{ ...db.get('a5')!, status: 'resolved' }]);
    await new Promise((r) => setTimeout(r, 400));
    expect(gets()).toBe(afterSelect + 1);
  });

  it('j from nothing selected starts at the top', async () => {
    const { store } = await setup();
    await store.reload();
    expect(store.moveSelection(1)).toBe('a5');
    await flush();
    expect(store.detail?.alert.alertId).toBe('a5');
  });

  it('says when an acknowledgement is only saved on this station', async () => {
    const { store } = await setup({
      'alerts:acknowledge': ({ alertId, action }) => {
        const a = { ...db.get(alertId)!, status: 'confirmed' as const };
        return ok({
          alert: a,
          synced: false,
          record: { ...record(a, action), syncState: 'pending' as const },
        });
      },
    });
    await store.reload();
    store.select('a5');
    store.note = '  repositioned sensor ';
    await store.acknowledge('confirm');
    expect(station.callsOf('alerts:acknowledge')[0]).toEqual({
      alertId: 'a5',
      action: 'confirm',
      note: 'repositioned sensor',
    });
    expect(store.feedback?.kind).toBe('queued');
    expect(store.note).toBe('');
  });

  it('shows a conflict with the alert’s current state', async () => {
    const { store } = await setup({
      'alerts:acknowledge': ({ alertId }) => {
        db.set(alertId, { ...db.get(alertId)!, status: 'resolved', handleBy: 'Bob' });
        return fail('conflict', 'Another station already resolved this alert.');
      },
    });
    await store.reload();
    store.select('a5');
    await flush();
    await store.acknowledge('confirm');
    expect(store.feedback).toMatchObject({
      kind: 'conflict',
      message: 'Another station already resolved this alert.',
      current: { status: 'resolved', handleBy: 'Bob' },
    });
    expect(store.items.find((a) => a.alertId === 'a5')!.status).toBe('resolved');
    expect(store.selectedAlert?.status).toBe('resolved');
  });

  it('asks for a sign-in first when nobody is signed in, and does nothing if the nurse cancels', async () => {
    const { store, s } = await setup({}, false);
    await store.reload();
    store.select('a5');
    const first = store.acknowledge('confirm');
    await flush();
    expect(s.signInPrompt).not.toBeNull();
    s.cancelSignIn();
    await first;
    expect(station.callsOf('alerts:acknowledge')).toHaveLength(0);

    const second = store.acknowledge('confirm');
    await flush();
    expect(await s.signIn('  N1002 ', '2345')).toBeNull();
    await second;
    expect(station.callsOf('session:sign-in')).toEqual([{ nurseId: 'N1002', pin: '2345' }]);
    expect(store.feedback).toMatchObject({ kind: 'synced', nurse: 'Sam Okafor' });
  });

  it('asks for a sign-in again when the station says the session ended', async () => {
    let first = true;
    const { store, s } = await setup({
      'alerts:acknowledge': ({ alertId, action }) => {
        if (first) {
          first = false;
          return fail('unauthorized', 'Sign in first.');
        }
        const a = { ...db.get(alertId)!, status: 'confirmed' as const };
        return ok({ alert: a, synced: true, record: record(a, action, 'Dora') });
      },
    });
    await store.reload();
    store.select('a5');
    const p = store.acknowledge('confirm');
    await flush(10);
    expect(s.signInPrompt).not.toBeNull();
    expect(s.nurse).toBeNull(); // the session ended: the header no longer shows Li Na
    expect(await s.signIn('N1001', '1234')).toBeNull();
    await p;
    expect(station.callsOf('alerts:acknowledge')).toHaveLength(2);
    expect(store.feedback).toMatchObject({ kind: 'synced' });
  });

  it('reports other errors without changing the list', async () => {
    const { store } = await setup({
      'alerts:acknowledge': () => fail('unavailable', 'The station cannot be reached.'),
    });
    await store.reload();
    store.select('a5');
    await store.acknowledge('resolve');
    expect(store.feedback).toEqual({
      kind: 'error',
      alertId: 'a5',
      message: 'The station cannot be reached.',
    });
    expect(store.items[0]!.status).toBe('pending');
  });

  it('only allows the transitions the station allows', async () => {
    const { store } = await setup();
    await store.reload();
    store.select('a5');
    await flush();
    expect(store.canConfirm).toBe(true);
    expect(store.canResolve).toBe(true);
    await store.acknowledge('confirm');
    expect(store.canConfirm).toBe(false);
    expect(store.canResolve).toBe(true);
    await store.acknowledge('resolve');
    expect(store.canResolve).toBe(false);
  });

  it('reloads after a reconnection', async () => {
    const { store } = await setup();
    store.start();
    await flush(10);
    const before = station.callsOf('alerts:list').length;
    station.reconnects.value += 1;
    await flush(10);
    expect(station.callsOf('alerts:list').length).toBe(before + 1);
  });
});
