import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSqliteRoster } from '../adapters/sqlite/sqlite-roster';
import { demoRosterRecords } from './demo-roster';
import { FakeClock } from './fake-clock';
import type { AuditEvent, RosterStore } from './ports';
import { SessionGate, type SignInLimits } from './session-gate';
import { StationError } from './station-error';

type Access = Extract<AuditEvent, { kind: 'access' }>;
const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);

function setup(limits: Partial<SignInLimits> = {}, idleMinutes = 10) {
  const clock = new FakeClock(T0);
  let roster: RosterStore | null = createSqliteRoster(new Database(':memory:'), {
    seed: demoRosterRecords(T0),
  });
  const audit: Access[] = [];
  const changed: string[] = [];
  const gate = new SessionGate({
    clock,
    roster: () => roster,
    audit: (e) => audit.push(e),
    stationId: 'ST-1',
    idleMinutes: () => idleMinutes,
    onChanged: (r) => changed.push(r),
    limits,
  });
  return {
    clock,
    gate,
    audit,
    changed,
    dropRoster: () => (roster = null),
    actions: () => audit.map((a) => `${a.action} ${a.nurseId ?? '-'} ${a.subject ?? '-'}`),
  };
}

async function refusal(p: Promise<unknown>): Promise<StationError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StationError);
  return err as StationError;
}

describe('SessionGate: who is signed in, per window', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('signs a roster member in with the right PIN, in that window only', async () => {
    const s = await t.gate.signIn('ws-1', 'N1001', '1234');
    expect(s).toMatchObject({ nurseId: 'N1001', name: 'Li Na', role: 'nurse', idleMinutes: 10 });
    expect(s.idleEndsAt).toBe(T0 + 10 * 60_000);
    expect(t.gate.actor('ws-1')).toEqual({ nurseId: 'N1001', name: 'Li Na', role: 'nurse' });
    // the second tab of the same station is nobody: the bug this gate fixes
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.actions()).toEqual(['sign-in N1001 ws-1']);
  });

  it('refuses a wrong PIN, an unknown identifier and an inactive member with one message, and audits why', async () => {
    const wrong = await refusal(t.gate.signIn('ws-1', 'N1001', '9999'));
    const unknown = await refusal(t.gate.signIn('ws-1', 'N9999', '1234'));
    expect(wrong.code).toBe('unauthorized');
    expect(unknown.message).toBe(wrong.message);
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.audit.map((a) => [a.action, a.nurseId, a.nurse, a.detail])).toEqual([
      ['sign-in-refused', 'N1001', 'Li Na', 'wrong PIN'],
      // an unknown identifier is often a PIN typed into the wrong field: not recorded
      ['sign-in-refused', null, '', 'unknown identifier (5 characters)'],
    ]);
    // no PIN in any audit row
    expect(JSON.stringify(t.audit)).not.toMatch(/"9999"|"1234"/);
  });

  it('locks an identifier out after 5 wrong PINs, from any window, and lets it in again after 5 minutes', async () => {
    for (let i = 0; i < 4; i++) {
      expect((await refusal(t.gate.signIn(`ws-${i}`, 'C1001', '0000'))).code).toBe('unauthorized');
    }
    const fifth = await refusal(t.gate.signIn('ws-9', 'C1001', '0000'));
    expect(fifth.code).toBe('rate_limited');
    expect(fifth.message).toMatch(/5 minutes/);
    // even the right PIN is refused while locked, without being checked
    const locked = await refusal(t.gate.signIn('ws-10', 'C1001', '9876'));
    expect(locked.code).toBe('rate_limited');
    expect(locked.message).toMatch(/C1001/);
    expect(t.actions().filter((a) => a.startsWith('locked-out'))).toHaveLength(1);
    t.clock.advance(5 * 60_000);
    expect((await t.gate.signIn('ws-10', 'C1001', '9876')).role).toBe('charge');
  });

  it('checks one attempt at a time per identifier: parallel guesses from many windows cannot pass the lock', async () => {
    const first = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => t.gate.signIn(`ws-${i}`, 'N1001', `000${i}`)),
    );
    expect(
      first.filter((g) => g.status === 'rejected' && (g.reason as StationError).code === 'unauthorized'),
    ).toHaveLength(1);
    for (let i = 0; i < 4; i++) await refusal(t.gate.signIn(`ws-x${i}`, 'N1001', '0000'));
    // five wrong PINs checked: locked, even for the right PIN from yet another window
    expect((await refusal(t.gate.signIn('ws-y', 'N1001', '1234'))).code).toBe('rate_limited');
  });

  it('locks a window out after 10 failures across identifiers (guessing who exists)', async () => {
    for (let i = 0; i < 9; i++) await refusal(t.gate.signIn('ws-1', `X${i}`, '0000'));
    expect((await refusal(t.gate.signIn('ws-1', 'X9', '0000'))).code).toBe('rate_limited');
    expect((await refusal(t.gate.signIn('ws-1', 'N1001', '1234'))).message).toMatch(/this screen/);
    // another window is not locked
    expect((await t.gate.signIn('ws-2', 'N1001', '1234')).name).toBe('Li Na');
  });

  it('forgets failures outside the 15-minute window, and after a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) await refusal(t.gate.signIn('ws-1', 'N1001', '0000'));
    t.clock.advance(16 * 60_000);
    for (let i = 0; i < 4; i++) await refusal(t.gate.signIn('ws-1', 'N1001', '0000'));
    await t.gate.signIn('ws-1', 'N1001', '1234');
    for (let i = 0; i < 4; i++)
      expect((await refusal(t.gate.signIn('ws-1', 'N1001', '0'.repeat(4)))).code).toBe('unauthorized');
  });

  it('checks one sign-in at a time per window: parallel guesses cannot outrun the count', async () => {
    const guesses = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => t.gate.signIn('ws-1', 'N1001', `000${i}`)),
    );
    const codes = guesses.map((g) => (g.status === 'rejected' ? (g.reason as StationError).code : 'ok'));
    expect(codes.filter((c) => c === 'unauthorized')).toHaveLength(1);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(7);
  });

  it('ends a session after the idle time without activity, and activity keeps it', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    t.clock.advance(9 * 60_000);
    const s = t.gate.activity('ws-1');
    expect(s?.idleEndsAt).toBe(T0 + 19 * 60_000);
    t.clock.advance(9 * 60_000);
    expect(t.gate.actor('ws-1')?.name).toBe('Li Na');
    t.clock.advance(60_000);
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.actions()).toEqual(['sign-in N1001 ws-1', 'idle-timeout N1001 ws-1']);
  });

  it('measures idleness on the monotonic clock: a wall-clock step neither ends nor extends a session', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    t.clock.stepWall(3 * 3_600_000);
    expect(t.gate.actor('ws-1')).not.toBeNull();
    t.clock.stepWall(-6 * 3_600_000);
    t.clock.advance(10 * 60_000);
    expect(t.gate.actor('ws-1')).toBeNull();
  });

  it('sweep() ends idle sessions at once and tells every window', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'N1002', '2345');
    t.clock.advance(5 * 60_000);
    t.gate.activity('ws-2');
    t.clock.advance(5 * 60_000);
    t.gate.sweep();
    expect(t.changed).toEqual(['idle-timeout']);
    expect(t.gate.actor('ws-2')?.name).toBe('Sam Okafor');
    t.gate.sweep();
    expect(t.changed).toEqual(['idle-timeout']);
  });

  it('signs everyone out when the screen is locked', async () => {
    await t.gate.signIn('window:1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'C1001', '9876');
    expect(t.gate.endAll('screen-locked')).toBe(2);
    expect(t.gate.actor('window:1')).toBeNull();
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.changed).toEqual(['screen-locked']);
    expect(t.actions().filter((a) => a.startsWith('screen-locked'))).toHaveLength(2);
  });

  it('signs out on sign-out and when the window or connection closes', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'N1002', '2345');
    t.gate.signOut('ws-1');
    t.gate.peerClosed('ws-2');
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.audit.filter((a) => a.action === 'sign-out').map((a) => a.detail)).toEqual([
      'signed out',
      'window or connection closed',
    ]);
  });

  it('follows a roster change made here: an inactive member is signed out, a new role applies at once', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'N1002', '2345');
    const [li, sam] = demoRosterRecords(T0).filter((m) => m.role === 'nurse');
    t.gate.rosterChanged({ ...li!, role: 'charge' });
    t.gate.rosterChanged({ ...sam!, active: false });
    expect(t.gate.actor('ws-1')?.role).toBe('charge');
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.changed).toEqual(['roster-changed', 'roster-changed']);
  });

  it('refuses an inactive member', async () => {
    const t2 = setup();
    const [li] = demoRosterRecords(T0);
    const store = createSqliteRoster(new Database(':memory:'));
    await store.save({ ...li!, active: false });
    const gate = new SessionGate({
      clock: t2.clock,
      roster: () => store,
      audit: (e) => t2.audit.push(e),
      stationId: 'ST-1',
      idleMinutes: () => 10,
    });
    expect((await refusal(gate.signIn('ws-1', 'N1001', '1234'))).code).toBe('unauthorized');
    expect(t2.audit.at(-1)?.detail).toBe('member not active');
  });

  it('says plainly when the roster cannot be read, and counts no failure for it', async () => {
    t.dropRoster();
    expect((await refusal(t.gate.signIn('ws-1', 'N1001', '1234'))).code).toBe('unavailable');
  });

  it('keeps working when the audit cannot be written (an alarm must still be acknowledgeable)', async () => {
    const clock = new FakeClock(T0);
    const roster = createSqliteRoster(new Database(':memory:'), { seed: demoRosterRecords(T0) });
    const logs: string[] = [];
    const gate = new SessionGate({
      clock,
      roster: () => roster,
      audit: () => {
        throw new Error('disk full');
      },
      stationId: 'ST-1',
      idleMinutes: () => 10,
      log: (_l, m) => logs.push(m),
    });
    expect((await gate.signIn('ws-1', 'N1001', '1234')).name).toBe('Li Na');
    expect(logs.join('\n')).toMatch(/access audit failed \(sign-in\): disk full/);
  });
});

describe('SessionGate: another roster', () => {
  it('signs everyone out when the station reads another roster (a demo charge nurse on a real ward)', async () => {
    const t = setup();
    await t.gate.signIn('ws-1', 'C1001', '9876');
    expect(t.gate.endAll('roster-changed')).toBe(1);
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.changed).toEqual(['roster-changed']);
    expect(t.audit.at(-1)).toMatchObject({
      action: 'sign-out',
      detail: 'the station now reads another roster',
    });
  });
});
