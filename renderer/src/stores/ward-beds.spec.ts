import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import type { WardBed } from '../../../shared/domain/types';
import { fail, mockStation, ok } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { useWardBedsStore } from './ward-beds';

afterEach(() => setStationApi(null));

const bed = (bedId: string, patientId: string | null): WardBed => ({
  bedId,
  patientId,
  updatedAt: null,
  updatedBy: null,
});

function setup(handlers: Parameters<typeof mockStation>[0]) {
  const station = mockStation(handlers);
  setStationApi(station.api);
  setActivePinia(createPinia());
  return { station, store: useWardBedsStore() };
}

describe('ward beds store', () => {
  it('loads the ward beds and shows a load error as the station worded it', async () => {
    const { store } = setup({ 'ward:beds-config': () => ok([bed('A-1', 'P1')]) });
    await store.load();
    expect(store.beds).toEqual([bed('A-1', 'P1')]);
    const other = setup({ 'ward:beds-config': () => fail('not_found', 'No ward is set for this station') });
    await other.store.load();
    expect(other.store.loadError).toBe('No ward is set for this station');
  });

  it('sends an empty patient as null (an empty bed) and keeps the answer', async () => {
    const { store, station } = setup({ 'ward:assign-bed': (r) => ok([bed(r.bedId, r.patientId)]) });
    expect(await store.assign(' A-1 ', '')).toEqual({ ok: true });
    expect(station.callsOf('ward:assign-bed')).toEqual([{ bedId: 'A-1', patientId: null }]);
    expect(store.beds).toEqual([bed('A-1', null)]);
  });

  it('refuses malformed ids before asking, and shows a refusal inline', async () => {
    const { store, station } = setup({
      'ward:assign-bed': () => fail('conflict', 'Bed B-1 belongs to another ward.'),
    });
    expect(await store.assign('A 1', 'P1')).toMatchObject({ ok: false });
    expect(await store.assign('A-1', 'P 1')).toMatchObject({ ok: false });
    expect(station.callsOf('ward:assign-bed')).toEqual([]);
    expect(await store.assign('B-1', 'P1')).toEqual({
      ok: false,
      message: 'Bed B-1 belongs to another ward.',
    });
  });
});
