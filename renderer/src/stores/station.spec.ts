// Sign-in per window against the mock station's faithful sign-in rules (demo roster, PINs, roles,
// lock-out, idle end): what the header and the sign-in dialog rely on.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { fail, flush, mockSignedStation, type FakeSessionOptions } from '../api/mock-station';
import { getStationApi, setStationApi } from '../api/station-api';
import { ACTIVITY_INTERVAL_MS, useSessionActivity } from '../composables/use-session-activity';
import { IDLE_END_MARGIN_MS, useStationStore } from './station';

function setup(opts: FakeSessionOptions = {}, extra: Parameters<typeof mockSignedStation>[0] = {}) {
  const station = mockSignedStation(extra, opts);
  setStationApi(station.api);
  setActivePinia(createPinia());
  const s = useStationStore();
  return { station, s };
}

const infoCalls = (station: ReturnType<typeof mockSignedStation>) => station.callsOf('station:info').length;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-03-01T03:00:00Z') });
});
afterEach(() => {
  useStationStore().stop();
  setStationApi(null);
  vi.useRealTimers();
});

describe('sign-in', () => {
  it('signs in with identifier and PIN: name, role, and the simulator demo roster', async () => {
    const { station, s } = setup();
    await s.load();
    expect(s.nurse).toBeNull();
    expect(s.demoRoster?.map((m) => m.nurseId)).toEqual(['N1001', 'N1002', 'C1001']);
    const waiting = s.ensureNurse();
    expect(s.signInPrompt).not.toBeNull();
    expect(await s.signIn(' N1001 ', '1234')).toBeNull();
    await expect(waiting).resolves.toBe(true);
    expect(station.callsOf('session:sign-in')).toEqual([{ nurseId: 'N1001', pin: '1234' }]);
    expect(s.nurse).toMatchObject({ nurseId: 'N1001', name: 'Li Na', role: 'nurse', idleMinutes: 10 });
    expect(s.isCharge).toBe(false);
    expect(s.signInPrompt).toBeNull();
    expect(station.sessions.audit[0]).toMatchObject({ kind: 'access', action: 'sign-in', nurseId: 'N1001' });

    expect(await s.signIn('C1001', '9876')).toBeNull();
    expect(s.nurse?.name).toBe('Maria Santos');
    expect(s.isCharge).toBe(true);
  });

  it('checks what was typed before asking the station', async () => {
    const { station, s } = setup();
    expect(await s.signIn('   ', '1234')).toMatchObject({ kind: 'invalid', field: 'nurseId' });
    expect(await s.signIn('N 1001', '1234')).toMatchObject({ kind: 'invalid', field: 'nurseId' });
    expect(await s.signIn('N1001', '')).toMatchObject({
      kind: 'invalid',
      field: 'pin',
      message: 'Enter your PIN.',
    });
    expect(await s.signIn('N1001', '12')).toMatchObject({
      kind: 'invalid',
      field: 'pin',
      message: /at least 4/,
    });
    expect(station.callsOf('session:sign-in')).toHaveLength(0);
  });

  it('refuses a wrong PIN and an unknown identifier alike, and nobody is signed in', async () => {
    const { s } = setup();
    expect(await s.signIn('N1001', '9999')).toEqual({
      kind: 'refused',
      field: 'pin',
      message: 'Identifier or PIN not recognised.',
    });
    expect(await s.signIn('X9', '1234')).toMatchObject({
      kind: 'refused',
      message: 'Identifier or PIN not recognised.',
    });
    expect(s.nurse).toBeNull();
  });

  it('locks the identifier out after repeated wrong PINs, saying for how long, then lets it in again', async () => {
    const { station, s } = setup({ perIdentifier: 3, lockMs: 5 * 60_000 });
    expect(await s.signIn('N1001', '0000')).toMatchObject({ kind: 'refused' });
    expect(await s.signIn('N1001', '0000')).toMatchObject({ kind: 'refused' });
    const third = await s.signIn('N1001', '0000');
    expect(third).toMatchObject({ kind: 'locked', message: /try again in 5 minutes/ });
    // locked: even the right PIN is refused until the time is up
    expect(await s.signIn('N1001', '1234')).toMatchObject({ kind: 'locked', message: /N1001.*5 minutes/ });
    expect(station.sessions.audit.some((e) => e.action === 'locked-out')).toBe(true);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(await s.signIn('N1001', '1234')).toBeNull();
  });

  it('says plainly when the station cannot check a sign-in', async () => {
    const { s } = setup(
      {},
      { 'session:sign-in': () => fail('unavailable', 'The roster cannot be read now.') },
    );
    expect(await s.signIn('N1001', '1234')).toEqual({
      kind: 'unavailable',
      message: 'The roster cannot be read now.',
    });
  });

  it('signs out on request, without an "ended" notice', async () => {
    const { s } = setup();
    await s.signIn('N1001', '1234');
    expect(await s.signOut()).toBeNull();
    expect(s.nurse).toBeNull();
    expect(s.lastEnded).toBeNull();
  });
});

describe('session end', () => {
  it('re-asks the station when the idle time runs out, and the header shows the sign-out', async () => {
    const { station, s } = setup({ idleMinutes: 1 });
    await s.signIn('N1001', '1234');
    const before = infoCalls(station);
    await vi.advanceTimersByTimeAsync(60_000 - 1000);
    expect(infoCalls(station)).toBe(before);
    expect(s.nurse).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1000 + IDLE_END_MARGIN_MS);
    expect(infoCalls(station)).toBe(before + 1);
    expect(s.nurse).toBeNull();
    expect(s.lastEnded).toMatchObject({ name: 'Li Na', reason: 'idle' });
    expect(station.sessions.audit[0]).toMatchObject({ action: 'idle-timeout', nurseId: 'N1001' });
  });

  it('times the idle end on the station clock, even when this computer’s clock is minutes off', async () => {
    // the station's clock is 5 minutes ahead of the browser's
    const { station, s } = setup({ idleMinutes: 1, now: () => Date.now() + 5 * 60_000 });
    await s.signIn('N1001', '1234');
    const before = infoCalls(station);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(infoCalls(station)).toBe(before);
    await vi.advanceTimersByTimeAsync(10_000 + IDLE_END_MARGIN_MS + 50);
    expect(infoCalls(station)).toBe(before + 1);
    expect(s.nurse).toBeNull();
  });

  it('touching the screen keeps the session: activity at most once per 30 s, the last touch never lost', async () => {
    const { station, s } = setup({ idleMinutes: 1 });
    const target = new EventTarget();
    const scope = effectScope();
    scope.run(() => useSessionActivity(target));
    // not signed in: touches are nobody's activity
    target.dispatchEvent(new Event('pointerdown'));
    await flush();
    expect(station.callsOf('session:activity')).toHaveLength(0);

    await s.signIn('N1001', '1234');
    await vi.advanceTimersByTimeAsync(10_000);
    for (const type of ['pointerdown', 'keydown', 'touchstart']) target.dispatchEvent(new Event(type));
    await flush();
    // within 30 s of the sign-in: held back, told at the end of the period
    expect(station.callsOf('session:activity')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(ACTIVITY_INTERVAL_MS - 10_000);
    expect(station.callsOf('session:activity')).toHaveLength(1);
    // after the 60 s idle time counted from the sign-in, still signed in: the touch counted
    await vi.advanceTimersByTimeAsync(35_000);
    expect(s.nurse?.nurseId).toBe('N1001');
    // no more touches: ends 60 s after the activity was told (t = 30 s)
    await vi.advanceTimersByTimeAsync(25_000 + IDLE_END_MARGIN_MS + 50);
    expect(s.nurse).toBeNull();
    scope.stop();
  });

  it('re-asks on session:changed (the screen was locked) and shows the sign-out', async () => {
    const { station, s } = setup();
    s.start();
    await flush();
    await s.signIn('C1001', '9876');
    station.sessions.lockScreen();
    await flush(10);
    expect(s.nurse).toBeNull();
    expect(s.lastEnded).toMatchObject({ name: 'Maria Santos', reason: 'ended' });
    expect(station.sessions.audit[0]).toMatchObject({ action: 'screen-locked' });
  });

  it('an "unauthorized" answer to any request re-asks who is signed in and opens the sign-in prompt', async () => {
    const { station, s } = setup(
      {},
      {
        'thresholds:update': () => fail('unauthorized', 'Sign in first.'),
      },
    );
    s.start();
    await s.signIn('N1001', '1234');
    // the session ended on the station (e.g. its idle sweep) before this window heard of it
    station.sessions.handlers['session:sign-out']();
    const before = infoCalls(station);
    const r = await getStationApi().invoke('thresholds:update', {
      patientId: 'P1',
      limits: {
        heartRateMin: 50,
        heartRateMax: 120,
        bloodOxygenMin: 90,
        bloodGlucoseMin: 4,
        bloodGlucoseMax: 10,
      },
    });
    expect(r.ok).toBe(false);
    await flush(10);
    expect(infoCalls(station)).toBe(before + 1);
    expect(s.nurse).toBeNull();
    expect(s.signInPrompt?.reason).toMatch(/sign-in has ended/);
  });

  it('a wrong PIN is an answer, not a sign that a session ended: no second prompt, no re-ask', async () => {
    const { station, s } = setup();
    s.start();
    await flush();
    const before = infoCalls(station);
    await s.signIn('N1001', '0000');
    await flush();
    expect(infoCalls(station)).toBe(before);
    expect(s.signInPrompt).toBeNull();
  });

  it('a "forbidden" answer re-asks the role (the roster may have changed it)', async () => {
    const { station, s } = setup(
      {},
      { 'roster:list': () => fail('forbidden', 'Only the charge nurse may do this.') },
    );
    s.start();
    await s.signIn('N1001', '1234');
    const before = infoCalls(station);
    await getStationApi().invoke('roster:list', {});
    await flush(10);
    expect(infoCalls(station)).toBe(before + 1);
  });

  it('a sign-in in one window is not a sign-in in another', async () => {
    const { station, s } = setup();
    await s.signIn('N1001', '1234');
    const other = station.sessions.handlersFor('ws-2');
    const seen = other['station:info']();
    expect(seen.ok && seen.value.nurse).toBeNull();
    expect(s.nurse?.name).toBe('Li Na');
  });
});
