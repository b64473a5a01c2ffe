// The Audit screen's store: charge nurse only, filters passed to `audit:list` as the station reads them.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../shared/ipc/contract';
import { flush, mockSignedStation } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { shortHash } from '../lib/audit';
import { AUDIT_LIMIT, useAuditStore } from './audit';
import { useStationStore } from './station';

afterEach(() => setStationApi(null));

async function setup(as: 'charge' | 'nurse' | null = 'charge') {
  const station = mockSignedStation();
  setStationApi(station.api);
  setActivePinia(createPinia());
  const s = useStationStore();
  // a refused attempt and a nurse's sign-in, then whoever this test is
  await s.signIn('N1002', '0000');
  await s.signIn('N1001', '1234');
  const ack: AuditEntry = {
    kind: 'acknowledgement',
    seq: 1,
    at: Date.now(),
    nurseId: 'N1001',
    nurse: 'Li Na',
    stationId: 'MOCK-1',
    action: 'confirm',
    subject: 'P004',
    detail: 'heart rate too high, note: repositioned sensor',
    hash: '0123456789abcdef'.repeat(4),
  };
  station.sessions.audit.unshift(ack);
  if (as === 'charge') await s.signIn('C1001', '9876');
  if (as === null) await s.signOut();
  return { station, s, audit: useAuditStore() };
}

describe('audit store', () => {
  it('lists every kind for the charge nurse, newest first, with the limit', async () => {
    const { station, audit } = await setup();
    await audit.load();
    expect(station.callsOf('audit:list')).toEqual([{ limit: AUDIT_LIMIT }]);
    expect(audit.error).toBeNull();
    expect(audit.entries.map((e) => e.action)).toEqual(['sign-in', 'confirm', 'sign-in', 'sign-in-refused']);
    expect(shortHash(audit.entries[1]!.hash)).toBe('0123456789ab');
  });

  it('filters by kind, nurse identifier and time, and sends only what is set', async () => {
    const { station, audit } = await setup();
    audit.setFilters({ kind: 'acknowledgement' });
    await flush();
    expect(audit.entries.map((e) => e.action)).toEqual(['confirm']);
    audit.setFilters({ kind: 'access', nurseId: ' N1002 ' });
    await flush();
    expect(station.callsOf('audit:list').at(-1)).toEqual({
      kind: 'access',
      nurseId: 'N1002',
      limit: AUDIT_LIMIT,
    });
    expect(audit.entries.map((e) => e.action)).toEqual(['sign-in-refused']);
    const t = Date.now();
    audit.setFilters({ kind: null, nurseId: '', from: t - 60_000, to: t + 60_000 });
    await flush();
    expect(station.callsOf('audit:list').at(-1)).toEqual({
      from: t - 60_000,
      to: t + 60_000,
      limit: AUDIT_LIMIT,
    });
    expect(audit.entries).toHaveLength(4);
    audit.setFilters({ from: t + 1, to: t + 1 });
    await flush();
    expect(audit.error).toBe('"From" must be before "To".');
    expect(station.callsOf('audit:list')).toHaveLength(3);
  });

  it('asks nothing and shows nothing for a nurse or nobody; a charge list is dropped at sign-out', async () => {
    for (const who of ['nurse', null] as const) {
      const { station, audit } = await setup(who);
      await audit.load();
      expect(station.callsOf('audit:list')).toHaveLength(0);
      expect(audit.entries).toEqual([]);
    }
    const { s, audit } = await setup('charge');
    audit.watchSession();
    await flush();
    expect(audit.entries.length).toBeGreaterThan(0);
    await s.signOut();
    await flush();
    expect(audit.entries).toEqual([]);
    audit.unwatchSession();
  });

  it('shows the station’s refusal plainly', async () => {
    const { station, audit } = await setup('charge');
    station.handlers['audit:list'] = () => ({
      ok: false,
      error: { code: 'forbidden', message: 'Only the charge nurse may do this.' },
    });
    await audit.load();
    expect(audit.error).toBe('Only the charge nurse may do this.');
  });
});
