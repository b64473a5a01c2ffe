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
  const store = createSqliteRoster(new Database(':memory:'), { seed: demoRosterRecords(T0) });
  const reads = { mode: 'ok' as 'ok' | 'fail' | 'hang', count: 0 };
  // the roster as the gate reads it: answering, refusing (MySQL down) or never answering (MySQL hung)
  let roster: RosterStore | null = {
    ...store,
    find: (id) => {
      reads.count += 1;
      if (reads.mode === 'fail') return Promise.reject(new Error('connect ECONNREFUSED'));
      if (reads.mode === 'hang') return new Promise(() => undefined);
      return store.find(id);
    },
  };
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
    reads,
    clock,
    gate,
    audit,
    changed,
    store,
    stored: async (id: string) => (await store.find(id))!,
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

  it('measures idleness on both clocks: the wall clock ends a session the PC slept through, a step back extends none', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    // a suspend (or a wall clock stepped forward): the monotonic clock stood still, the wall clock did not
    t.clock.stepWall(3 * 3_600_000);
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.actions().at(-1)).toBe('idle-timeout N1001 ws-1');
    await t.gate.signIn('ws-1', 'N1001', '1234');
    t.clock.stepWall(-6 * 3_600_000);
    t.clock.advance(9 * 60_000);
    expect(t.gate.session('ws-1')?.idleEndsAt).toBe(t.clock.now() + 60_000);
    t.clock.advance(60_000);
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

  it('follows a roster change made here: inactive, another role or a new PIN ends the session, a new name follows', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'N1002', '2345');
    await t.gate.signIn('ws-3', 'C1001', '9876');
    const stored = t.stored;
    t.gate.rosterChanged({ ...(await stored('N1001')), role: 'charge' });
    t.gate.rosterChanged({ ...(await stored('N1002')), active: false });
    t.gate.rosterChanged({ ...(await stored('C1001')), name: 'Maria S.' });
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.gate.actor('ws-3')).toEqual({ nurseId: 'C1001', name: 'Maria S.', role: 'charge' });
    t.gate.rosterChanged({ ...(await stored('C1001')), pinHash: (await stored('N1002')).pinHash });
    expect(t.gate.actor('ws-3')).toBeNull();
    expect(t.changed).toEqual(['roster-changed', 'roster-changed', 'roster-changed']);
    expect(t.audit.filter((a) => a.action === 'sign-out').map((a) => [a.nurseId, a.detail])).toEqual([
      ['N1001', 'role changed in the roster (nurse → charge)'],
      ['N1002', 'made inactive in the roster'],
      ['C1001', 'a new PIN was set in the roster'],
    ]);
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

describe('SessionGate: the roster re-read (review #18)', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('recheck() ends a session the roster no longer allows, changed elsewhere (CLI, another station)', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'N1002', '2345');
    await t.gate.signIn('ws-3', 'C1001', '9876');
    await t.gate.signIn('ws-4', 'N1003', '3456').catch(() => undefined);
    const li = await t.stored('N1001');
    const sam = await t.stored('N1002');
    const maria = await t.stored('C1001');
    // written straight into the roster: the gate hears nothing until it reads again
    await t.store.save({ ...li, name: 'Li Na Wong' });
    await t.store.save({ ...sam, active: false });
    await t.store.save({ ...maria, role: 'nurse' });
    expect(t.gate.actor('ws-2')?.name).toBe('Sam Okafor');
    expect(await t.gate.recheck('ws-1')).toEqual({
      actor: { nurseId: 'N1001', name: 'Li Na Wong', role: 'nurse' },
      rosterReadable: true,
    });
    expect(await t.gate.recheck('ws-2')).toEqual({ actor: null, rosterReadable: true });
    expect(await t.gate.recheck('ws-3')).toEqual({ actor: null, rosterReadable: true });
    expect(t.changed).toEqual(['roster-changed', 'roster-changed']);
    await t.store.save({ ...li, pinHash: sam.pinHash });
    expect((await t.gate.recheck('ws-1')).actor).toBeNull();
    expect(t.audit.filter((a) => a.action === 'sign-out').map((a) => [a.nurseId, a.detail])).toEqual([
      ['N1002', 'made inactive in the roster'],
      ['C1001', 'role changed in the roster (charge → nurse)'],
      ['N1001', 'a new PIN was set in the roster'],
    ]);
    expect(await t.gate.recheck('ws-9')).toEqual({ actor: null, rosterReadable: true });
  });

  it('sweep() re-reads the roster for every nurse signed in', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'C1001', '9876');
    await t.store.save({ ...(await t.stored('C1001')), active: false });
    await t.gate.sweep();
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.gate.actor('ws-1')?.name).toBe('Li Na');
    expect(t.changed).toEqual(['roster-changed']);
  });

  it('a roster that cannot be read signs nobody out: the session goes on, flagged, and the roster is asked again later', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    await t.gate.signIn('ws-2', 'C1001', '9876');
    t.reads.mode = 'fail';
    expect(await t.gate.recheck('ws-2')).toEqual({
      actor: { nurseId: 'C1001', name: 'Maria Santos', role: 'charge' },
      rosterReadable: false,
    });
    await t.gate.sweep();
    expect(t.gate.actor('ws-1')).not.toBeNull();
    expect(t.gate.actor('ws-2')).not.toBeNull();
    expect(t.changed).toEqual([]);
    // a down database is not asked at every action: once, then again after rosterRetryMs (15 s)
    const asked = t.reads.count;
    await t.gate.recheck('ws-1');
    expect(t.reads.count).toBe(asked);
    t.reads.mode = 'ok';
    await t.store.save({ ...(await t.stored('C1001')), role: 'nurse' });
    t.clock.advance(15_000);
    expect((await t.gate.recheck('ws-2')).actor).toBeNull();
  });

  it('a roster that does not answer counts as unreadable after 3 s (an acknowledgement is not held longer)', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    t.reads.mode = 'hang';
    const pending = t.gate.recheck('ws-1');
    t.clock.advance(3_000);
    expect(await pending).toEqual({
      actor: { nurseId: 'N1001', name: 'Li Na', role: 'nurse' },
      rosterReadable: false,
    });
  });

  it('a member made inactive, or given a new PIN, while her PIN is checked is not signed in', async () => {
    const li = await t.stored('N1001');
    const first = t.gate.signIn('ws-1', 'N1001', '1234');
    await new Promise((r) => setImmediate(r)); // the scrypt check is under way
    await t.store.save({ ...li, active: false });
    expect((await refusal(first)).code).toBe('unauthorized');
    await t.store.save(li);
    const sam = await t.stored('N1002');
    const second = t.gate.signIn('ws-2', 'N1001', '1234');
    await new Promise((r) => setImmediate(r));
    await t.store.save({ ...li, pinHash: sam.pinHash });
    expect((await refusal(second)).code).toBe('unauthorized');
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.gate.actor('ws-2')).toBeNull();
    expect(t.audit.map((a) => a.detail)).toEqual([
      'the roster changed while the PIN was checked',
      'the roster changed while the PIN was checked',
    ]);
    // not counted as guesses: 5 of them would have locked nothing
    await t.store.save(li);
    expect((await t.gate.signIn('ws-3', 'N1001', '1234')).name).toBe('Li Na');
  });

  it('a charge nurse giving herself a new PIN stays signed in where she did it; her other sessions end', async () => {
    await t.gate.signIn('ws-1', 'C1001', '9876');
    await t.gate.signIn('ws-2', 'C1001', '9876');
    const renewed = { ...(await t.stored('C1001')), pinHash: (await t.stored('N1002')).pinHash };
    await t.store.save(renewed);
    t.gate.rosterChanged(renewed, 'ws-1');
    expect(t.gate.actor('ws-1')?.role).toBe('charge');
    expect(t.gate.actor('ws-2')).toBeNull();
    // and the re-read agrees with the session kept
    expect((await t.gate.recheck('ws-1')).actor?.nurseId).toBe('C1001');
    // saved from a window where somebody else is signed in: no exemption
    await t.gate.signIn('ws-3', 'N1001', '1234');
    const li = { ...(await t.stored('N1001')), pinHash: renewed.pinHash };
    t.gate.rosterChanged(li, 'ws-1');
    expect(t.gate.actor('ws-3')).toBeNull();
  });

  it('a role changed while the PIN is checked is the role signed in', async () => {
    const li = await t.stored('N1001');
    const pending = t.gate.signIn('ws-1', 'N1001', '1234');
    await new Promise((r) => setImmediate(r));
    await t.store.save({ ...li, role: 'charge' });
    expect((await pending).role).toBe('charge');
  });
});

describe('SessionGate: suspend, closing, refusals (review #18)', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it("endAll('suspended') signs everyone out, audited as a suspend", async () => {
    await t.gate.signIn('window:1', 'N1001', '1234');
    expect(t.gate.endAll('suspended')).toBe(1);
    expect(t.gate.actor('window:1')).toBeNull();
    expect(t.changed).toEqual(['suspended']);
    expect(t.audit.at(-1)).toMatchObject({ action: 'suspended', detail: 'the PC was suspended' });
  });

  it('a connection that closes while its sign-in is checked is not signed in; a wrong PIN still counts', async () => {
    const pending = t.gate.signIn('ws-1', 'N1001', '1234');
    await new Promise((r) => setImmediate(r));
    t.gate.peerClosed('ws-1');
    expect((await refusal(pending)).code).toBe('unavailable');
    expect(t.gate.actor('ws-1')).toBeNull();
    expect(t.audit.at(-1)?.detail).toBe('the window or connection closed while the PIN was checked');
    for (let i = 0; i < 5; i++) {
      const guess = t.gate.signIn(`ws-c${i}`, 'N1001', '0000');
      await new Promise((r) => setImmediate(r));
      t.gate.peerClosed(`ws-c${i}`);
      await guess.catch(() => undefined);
    }
    expect((await refusal(t.gate.signIn('ws-2', 'N1001', '1234'))).code).toBe('rate_limited');
    // the next sign-in of the same peer name is not dropped
    t.clock.advance(5 * 60_000);
    expect((await t.gate.signIn('ws-1', 'N1001', '1234')).name).toBe('Li Na');
  });

  it('audits one refused request per (peer, channel, code) per minute and counts the others', async () => {
    await t.gate.signIn('ws-1', 'N1001', '1234');
    const li = t.gate.actor('ws-1');
    for (let i = 0; i < 100; i++) t.gate.forbidden('ws-1', li, 'roster:list');
    t.gate.forbidden('ws-1', li, 'audit:list');
    t.gate.forbidden('ws-2', null, 'roster:list');
    const rows = () => t.audit.filter((a) => a.action === 'forbidden');
    expect(rows().map((a) => [a.subject, a.detail])).toEqual([
      ['ws-1', 'roster:list needs the charge nurse'],
      ['ws-1', 'audit:list needs the charge nurse'],
      ['ws-2', 'roster:list needs the charge nurse'],
    ]);
    t.clock.advance(60_000);
    t.gate.forbidden('ws-1', li, 'roster:list');
    expect(rows().at(-1)?.detail).toBe(
      'roster:list needs the charge nurse (and 99 more refused before it, not recorded one by one)',
    );
    // the count held back is written by the sweep when nothing else comes
    for (let i = 0; i < 7; i++) t.gate.forbidden('ws-1', li, 'roster:list');
    t.clock.advance(60_000);
    await t.gate.sweep();
    expect(rows().at(-1)?.detail).toBe(
      'roster:list needs the charge nurse: 7 more times within 1 minute, not recorded one by one',
    );
    expect(rows()).toHaveLength(5);
  });
});

describe('SessionGate: guessing PINs (review #18)', () => {
  it("other connections' wrong PINs do not lock the identifier at the station's own window (each class has its count)", async () => {
    const t = setup();
    for (let i = 0; i < 5; i++) await refusal(t.gate.signIn(`ws-${i}`, 'N1001', '0000'));
    expect((await refusal(t.gate.signIn('ws-9', 'N1001', '1234'))).code).toBe('rate_limited');
    expect((await t.gate.signIn('window:1', 'N1001', '1234')).name).toBe('Li Na');
    t.gate.signOut('window:1');
    // the window's own count still locks it after 5 wrong PINs there
    for (let i = 0; i < 4; i++)
      expect((await refusal(t.gate.signIn('window:1', 'N1001', '0000'))).code).toBe('unauthorized');
    expect((await refusal(t.gate.signIn('window:1', 'N1001', '0000'))).code).toBe('rate_limited');
    expect((await refusal(t.gate.signIn('window:2', 'N1001', '1234'))).code).toBe('rate_limited');
    expect(t.audit.filter((a) => a.action === 'locked-out').map((a) => a.detail)).toEqual([
      'identifier locked for 5 minutes',
      'identifier locked for 5 minutes at the station’s own screen',
    ]);
  });

  it("keeps one of the 4 sign-in checks for the station's own windows", async () => {
    const t = setup();
    const flood = [0, 1, 2, 3].map((i) => t.gate.signIn(`ws-${i}`, `B00${i}`, '0000'));
    const own = t.gate.signIn('window:1', 'N1001', '1234');
    const settled = await Promise.allSettled(flood);
    expect(settled.map((r) => (r.status === 'rejected' ? (r.reason as StationError).code : 'ok'))).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
      'rate_limited',
    ]);
    expect((await own).name).toBe('Li Na');
  });

  it('pauses sign-ins of other connections after a station-wide failure budget, whatever the identifier or connection', async () => {
    const t = setup({ remoteBudget: 6, perPeer: 100 });
    for (let i = 0; i < 5; i++)
      expect((await refusal(t.gate.signIn(`ws-${i}`, `S${i}`, '1234'))).code).toBe('unauthorized');
    t.gate.peerClosed('ws-0');
    const sixth = await refusal(t.gate.signIn('ws-0', 'S9', '1234'));
    expect(sixth.code).toBe('rate_limited');
    const fresh = await refusal(t.gate.signIn('ws-new', 'N1001', '1234'));
    expect(fresh.message).toMatch(/other screens.*5 minutes/);
    expect((await t.gate.signIn('window:1', 'N1001', '1234')).name).toBe('Li Na');
    expect(t.audit.filter((a) => a.action === 'locked-out').map((a) => a.detail)).toEqual([
      'sign-ins from other connections than the station’s own screen paused for 5 minutes after 6 failures in 15 minutes',
    ]);
    t.clock.advance(5 * 60_000);
    expect((await t.gate.signIn('ws-new', 'N1002', '2345')).name).toBe('Sam Okafor');
  });

  it('doubles each consecutive lock-out of an identifier (5, 10, 20, 40, 60 minutes), reset by a sign-in', async () => {
    const t = setup();
    const lockOut = async () => {
      for (let i = 0; i < 4; i++) await refusal(t.gate.signIn(`ws-${i}`, 'N1001', '0000'));
      return (await refusal(t.gate.signIn('ws-4', 'N1001', '0000'))).message;
    };
    const waits: string[] = [];
    for (const ms of [5, 10, 20, 40, 60, 60]) {
      waits.push((await lockOut()).match(/in (\d+ minutes)/)![1]!);
      t.clock.advance((ms - 1) * 60_000);
      expect((await refusal(t.gate.signIn('ws-5', 'N1001', '1234'))).code).toBe('rate_limited');
      t.clock.advance(60_000);
    }
    expect(waits).toEqual([
      '5 minutes',
      '10 minutes',
      '20 minutes',
      '40 minutes',
      '60 minutes',
      '60 minutes',
    ]);
    expect(t.audit.filter((a) => a.action === 'locked-out').at(-1)?.detail).toBe(
      'identifier locked for 60 minutes',
    );
    await t.gate.signIn('ws-5', 'N1001', '1234');
    expect(await lockOut()).toMatch(/in 5 minutes/);
  }, 30_000);
});
