// The roster editor's store: the charge nurse's list, a new member with a PIN typed twice, edits
// that keep the PIN when none is typed.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, mockSignedStation } from '../api/mock-station';
import { setStationApi } from '../api/station-api';
import { draftProblems, useRosterStore, type MemberDraft } from './roster';
import { useStationStore } from './station';

afterEach(() => setStationApi(null));

const draft = (patch: Partial<MemberDraft> = {}): MemberDraft => ({
  nurseId: 'N2001',
  name: 'Ada Obi',
  role: 'nurse',
  active: true,
  pin: '4321',
  pinAgain: '4321',
  ...patch,
});

async function setup(as: 'charge' | 'nurse') {
  const station = mockSignedStation();
  setStationApi(station.api);
  setActivePinia(createPinia());
  const s = useStationStore();
  await (as === 'charge' ? s.signIn('C1001', '9876') : s.signIn('N1001', '1234'));
  const roster = useRosterStore();
  roster.watchSession();
  await flush();
  return { station, s, roster };
}

describe('roster', () => {
  it('checks a draft like the station, and the two PINs against each other', () => {
    const existing = [
      { nurseId: 'N1001', name: 'Li Na', role: 'nurse' as const, active: true, updatedAt: 0 },
    ];
    expect(draftProblems(draft(), true, existing)).toEqual({});
    expect(draftProblems(draft({ nurseId: 'N1001' }), true, existing).nurseId).toMatch(
      /already on the roster/,
    );
    expect(draftProblems(draft({ nurseId: 'N 2' }), true, existing).nurseId).toMatch(/no spaces/);
    expect(draftProblems(draft({ pin: '', pinAgain: '' }), true, existing).pin).toMatch(/needs a PIN/);
    expect(draftProblems(draft({ pinAgain: '4322' }), true, existing).pinAgain).toMatch(/differ/);
    expect(draftProblems(draft({ pin: '12', pinAgain: '12' }), true, existing).pin).toMatch(/4 characters/);
    expect(draftProblems(draft({ name: '  ' }), true, existing).name).toBeTruthy();
    // #18 review: PINs anyone tries first, and names that would look like another member's
    expect(draftProblems(draft({ pin: '1111', pinAgain: '1111' }), true, existing).pin).toBe(
      'The PIN must not be one character repeated.',
    );
    expect(draftProblems(draft({ pin: ' 4321', pinAgain: ' 4321' }), true, existing).pin).toMatch(/blank/);
    expect(draftProblems(draft({ name: 'Li\u200b Na' }), true, existing).name).toMatch(/invisible/);
    // an edit keeps the PIN when none is typed
    expect(draftProblems(draft({ nurseId: 'N1001', pin: '', pinAgain: '' }), false, existing)).toEqual({});
  });

  it('lists the roster for the charge nurse, adds a member who can then sign in, edits without a PIN', async () => {
    const { station, s, roster } = await setup('charge');
    expect(roster.members.map((m) => m.nurseId)).toEqual(['C1001', 'N1001', 'N1002']);
    expect(await roster.save(draft(), true)).toEqual({ ok: true });
    expect(roster.members.map((m) => m.nurseId)).toContain('N2001');
    expect(await roster.save(draft({ name: 'Ada Obi-Lee', pin: '', pinAgain: '' }), false)).toEqual({
      ok: true,
    });
    expect(station.callsOf('roster:save').at(-1)).toEqual({
      nurseId: 'N2001',
      name: 'Ada Obi-Lee',
      role: 'nurse',
      active: true,
    });
    expect(await s.signIn('N2001', '4321')).toBeNull();
    expect(s.nurse?.name).toBe('Ada Obi-Lee');
  });

  it('asks nothing for a nurse, and shows the station’s refusal plainly', async () => {
    const { station, roster } = await setup('nurse');
    expect(station.callsOf('roster:list')).toHaveLength(0);
    expect(roster.members).toEqual([]);
    const r = await roster.save(draft(), true);
    expect(r).toEqual({ ok: false, message: 'Only the charge nurse may do this.', fields: {} });
  });
});
