// Red team of #18, point 5: the sign-in rules as an attacker at the station (or at a second browser
// tab of the web shell) would test them. A real station (createStationHost, simulator mode, its
// SQLite roster seeded with the demo roster) on a FakeClock, so idle timeouts and lock-out expiry
// are exact, with the web shell in front of it for the per-connection rules. scrypt is ≈0.15 s per
// attempt: about 50 attempts in all.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebShell } from '../../../electron/main/web-shell/web-shell';
import type { AlertPage } from '../../../shared/domain/types';
import type {
  AckOutcome,
  AuditEntry,
  ConnectionSettingsInput,
  Result,
  RosterMember,
  StationInfo,
} from '../../../shared/ipc/contract';
import { DEMO_CHARGE, DEMO_NURSE, DEMO_NURSE_2 } from '../../support/nurses';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { connectWs, type WsClient } from '../helpers/ws-client';
import {
  FAKE_START,
  FakeClock,
  makeStaticDir,
  startRedTeamShell,
  startRedTeamStation,
  type RedTeamStation,
} from './red-team-support';

const MIN = 60_000;
/** an unusual PIN for a member saved during the test: searched for in every place it must not be */
const ODD_PIN = 'Zq93-Xv77';
const ODD_PIN_2 = 'Yk28-Wt55';
const REFUSED = 'Identifier or PIN not recognised.';

/** Members added by the charge nurse so that each lock-out test has an identifier of its own. */
const LOCK_ID = { nurseId: 'N3001', pin: '4321', name: 'Lock Target' };
const RACE_ID = { nurseId: 'N3002', pin: '5432', name: 'Race Target' };
const GONE_ID = { nurseId: 'N3003', pin: '6543', name: 'Leaving Soon' };

let station: RedTeamStation;
let clock: FakeClock;
let shell: WebShell;
let removeStatic: () => void;
const logLines: string[] = [];
const sockets: WsClient[] = [];

async function ws(): Promise<WsClient> {
  const c = await connectWs(shell.port);
  sockets.push(c);
  return c;
}

async function wsSignIn(c: WsClient, who: { nurseId: string; pin: string }): Promise<Result<StationInfo>> {
  return (await c.call('session:sign-in', { nurseId: who.nurseId, pin: who.pin })) as Result<StationInfo>;
}

/** The audit's access rows, read as the charge nurse (signed in again when an advance idled her out). */
async function accessAudit(): Promise<AuditEntry[]> {
  if ((await nurseOf(station.as('p-charge')))?.nurseId !== DEMO_CHARGE.nurseId)
    await station.signIn('p-charge', DEMO_CHARGE);
  const r = await station.as('p-charge')<AuditEntry[]>('audit:list', { kind: 'access', limit: 5000 });
  if (!r.ok) throw new Error(`audit:list: ${JSON.stringify(r)}`);
  return r.value;
}

async function nurseOf(
  call: (c: string, r?: unknown) => Promise<Result<unknown>>,
): Promise<StationInfo['nurse']> {
  const r = (await call('station:info', {})) as Result<StationInfo>;
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value.nurse;
}

async function pendingAlertIds(n: number): Promise<string[]> {
  const r = await station.as('p-reader')<AlertPage>('alerts:list', {
    range: '24h',
    status: 'pending',
    limit: 100,
  });
  if (!r.ok) throw new Error(JSON.stringify(r));
  const ids = r.value.items.map((a) => a.alertId);
  if (ids.length < n) throw new Error(`only ${ids.length} pending alerts in the simulated ward`);
  return ids;
}

beforeAll(async () => {
  clock = new FakeClock(FAKE_START);
  station = await startRedTeamStation({
    clock,
    beds: 2,
    speed: 0, // the ward stands still after its warm-up: advancing the clock costs little
    warmupMs: 60 * MIN,
    log: (line) => logLines.push(line),
  });
  const dir = makeStaticDir();
  removeStatic = dir.remove;
  shell = await startRedTeamShell(station.host, dir.staticDir);
  await station.signIn('p-charge', DEMO_CHARGE);
  for (const m of [LOCK_ID, RACE_ID, GONE_ID]) {
    const r = await station.as('p-charge')('roster:save', { ...m, role: 'nurse', active: true });
    expect(r.ok, JSON.stringify(r)).toBe(true);
  }
}, 60_000);

afterAll(async () => {
  for (const c of sockets) c.close();
  await shell?.close();
  await station?.close();
  removeStatic?.();
});

describe('Red team #18: wrong PINs and lock-outs', () => {
  it('refuses a wrong PIN and an unknown identifier with one and the same answer', async () => {
    const call = station.as('p-wrong');
    const t0 = performance.now();
    const wrong = await call('session:sign-in', { nurseId: DEMO_NURSE.nurseId, pin: '0000' });
    const t1 = performance.now();
    const unknown = await call('session:sign-in', { nurseId: 'N9999', pin: DEMO_NURSE.pin });
    const t2 = performance.now();
    for (const r of [wrong, unknown]) {
      expect(resultProblem(r)).toBeNull();
      expect(r).toEqual({ ok: false, error: { code: 'unauthorized', message: REFUSED } });
    }
    expect(await nurseOf(call)).toBeNull();
    report('red team #18 refused sign-in', {
      wrongPinMs: Math.round(t1 - t0),
      unknownIdentifierMs: Math.round(t2 - t1),
      message: REFUSED,
    });
  });

  it('locks an identifier after 5 wrong PINs, from 5 different connections, for 5 minutes', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await ws(); // a new connection (tab) each time: the per-connection count never applies
      const r = await wsSignIn(c, { nurseId: LOCK_ID.nurseId, pin: `000${i}` });
      answers.push(r.ok ? 'ok' : r.error.code);
      c.close();
    }
    expect(answers).toEqual(['unauthorized', 'unauthorized', 'unauthorized', 'unauthorized', 'rate_limited']);
    // the right PIN, from yet another new connection: still refused while the lock lasts
    const fresh = await ws();
    const t = performance.now();
    const locked = await wsSignIn(fresh, LOCK_ID);
    const lockedMs = performance.now() - t;
    expect(locked).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (!locked.ok) expect(locked.error.message).toMatch(/try again in 5 minutes/);
    clock.advance(5 * MIN - 1_000);
    const stillLocked = await wsSignIn(fresh, LOCK_ID);
    expect(stillLocked).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (!stillLocked.ok) expect(stillLocked.error.message).toMatch(/1 minute/);
    clock.advance(1_000);
    const after = await wsSignIn(fresh, LOCK_ID);
    expect(after.ok, JSON.stringify(after)).toBe(true);
    if (after.ok) expect(after.value.nurse?.nurseId).toBe(LOCK_ID.nurseId);

    const audit = (await accessAudit()).filter((e) => e.nurseId === LOCK_ID.nurseId);
    expect(audit.filter((e) => e.action === 'sign-in-refused')).toHaveLength(5);
    expect(audit.filter((e) => e.action === 'locked-out').map((e) => e.detail)).toEqual([
      'identifier locked for 5 minutes',
    ]);
    report('red team #18 identifier lock-out', {
      wrongPinsToLock: 5,
      connectionsUsed: 6,
      lockedAnswerMs: Math.round(lockedMs), // refused before any scrypt work
      lockMs: 5 * MIN,
      lockedAt4m59s: true,
      openAt5m: true,
    });
  });

  it('locks a connection after 10 failures (10 identifiers), whatever identifier it tries next', async () => {
    const c = await ws();
    const answers: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const r = await wsSignIn(c, { nurseId: `R${String(i).padStart(3, '0')}`, pin: '1111' });
      answers.push(r.ok ? 'ok' : r.error.code);
    }
    expect(answers.slice(0, 9).every((a) => a === 'unauthorized')).toBe(true);
    expect(answers[9]).toBe('rate_limited');
    const right = await wsSignIn(c, DEMO_NURSE);
    expect(right).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (!right.ok) expect(right.error.message).toMatch(/from this screen/);
    // another connection is not locked by it
    const other = await ws();
    expect((await wsSignIn(other, DEMO_NURSE)).ok).toBe(true);
    expect((await other.call('session:sign-out', {})).ok).toBe(true);
    const audit = await accessAudit();
    expect(
      audit.some((e) => e.action === 'locked-out' && /this window locked for 5 minutes/.test(e.detail)),
    ).toBe(true);
    report('red team #18 connection lock-out', {
      failuresToLock: 10,
      distinctIdentifiers: 10,
      otherConnectionAffected: false,
      note: 'a new connection starts a new count: the identifier lock is what bounds guessing',
    });
  });

  it('checks one attempt at a time per connection: 10 parallel frames are 1 check', async () => {
    const c = await ws();
    const before = c.replies.length;
    const unknownRefusals = async () =>
      (await accessAudit()).filter(
        (e) =>
          e.nurseId === null &&
          e.action === 'sign-in-refused' &&
          e.detail === 'unknown identifier (4 characters)',
      ).length;
    const refusedBefore = await unknownRefusals();
    for (let i = 0; i < 10; i++)
      c.send({ id: 5_000 + i, channel: 'session:sign-in', request: { nurseId: 'R200', pin: `12${i}9` } });
    await c.waitReplies(before + 10);
    const codes = c.replies.slice(before).map((r) => (r.result.ok ? 'ok' : r.result.error.code));
    expect(codes.filter((x) => x === 'unauthorized')).toHaveLength(1);
    expect(codes.filter((x) => x === 'rate_limited')).toHaveLength(9);
    // R200 is unknown, so the audit keeps no identifier (it may be a PIN typed into the wrong field)
    expect((await unknownRefusals()) - refusedBefore).toBe(1);
    report('red team #18 parallel sign-in on one connection', { sent: 10, checked: 1, refusedBusy: 9 });
  });

  // FAILS (bug, reported): session-gate.ts signIn() checks the identifier's lock before the ≈0.15 s
  // scrypt check and counts the failure only after it, and only `checking` per peer serialises
  // attempts. Attempts on one identifier from several connections at once (up to `inFlight` = 4)
  // all pass the lock check: 8 PINs are checked where 5 lock the identifier, and a right PIN among
  // them signs in.
  it('parallel attempts from several connections cannot exceed 5 wrong PINs for one identifier', async () => {
    const attempt = (peer: string, pin: string) =>
      station.as(peer)<StationInfo>('session:sign-in', { nurseId: RACE_ID.nurseId, pin });
    const first = await Promise.all([1, 2, 3, 4].map((i) => attempt(`p-race-${i}`, `900${i}`)));
    const second = await Promise.all([
      attempt('p-race-5', '9005'),
      attempt('p-race-6', '9006'),
      attempt('p-race-7', '9007'),
      attempt('p-race-8', RACE_ID.pin), // the attacker's 8th guess happens to be right
    ]);
    const codes = [...first, ...second].map((r) => (r.ok ? 'ok' : r.error.code));
    const checkedWrong = (await accessAudit()).filter(
      (e) => e.nurseId === RACE_ID.nurseId && e.action === 'sign-in-refused',
    ).length;
    report('red team #18 parallel sign-in across connections', {
      attempts: 8,
      answers: codes,
      wrongPinsChecked: checkedWrong,
      rightPinAfter7Wrong: codes[7],
    });
    expect(checkedWrong).toBeLessThanOrEqual(5);
    expect(codes[7]).not.toBe('ok');
  });
});

describe('Red team #18: a sign-in belongs to one connection (the original bug)', () => {
  it('a second tab is nobody while the first is signed in, and its acknowledge is refused', async () => {
    const [alertA, alertB, alertC] = await pendingAlertIds(3);
    const tabA = await ws();
    const tabB = await ws();
    const a = await wsSignIn(tabA, DEMO_NURSE);
    expect(a.ok && a.value.nurse?.name).toBe(DEMO_NURSE.name);
    const infoB = (await tabB.call('station:info', {})) as Result<StationInfo>;
    expect(infoB.ok && infoB.value.nurse).toBeNull();
    const refused = await tabB.call('alerts:acknowledge', {
      alertId: alertB,
      action: 'resolve',
      note: 'tab B',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const done = (await tabA.call('alerts:acknowledge', {
      alertId: alertA,
      action: 'resolve',
    })) as Result<AckOutcome>;
    expect(done.ok, JSON.stringify(done)).toBe(true);
    if (done.ok)
      expect([done.value.record.nurseId, done.value.record.nurse]).toEqual([
        DEMO_NURSE.nurseId,
        DEMO_NURSE.name,
      ]);
    // tab B's own nurse signs in there: her acknowledgement is hers, tab A stays Li Na
    expect((await wsSignIn(tabB, DEMO_NURSE_2)).ok).toBe(true);
    const hers = (await tabB.call('alerts:acknowledge', {
      alertId: alertC,
      action: 'confirm',
    })) as Result<AckOutcome>;
    expect(hers.ok && hers.value.record.nurse).toBe(DEMO_NURSE_2.name);
    const infoA = (await tabA.call('station:info', {})) as Result<StationInfo>;
    expect(infoA.ok && infoA.value.nurse?.nurseId).toBe(DEMO_NURSE.nurseId);
    // and nobody acknowledged alert B
    const review = await station.as('p-reader')<{ alertId: string; nurse: string }[]>('review:list', {
      limit: 5000,
    });
    expect(review.ok).toBe(true);
    if (review.ok) {
      expect(review.value.filter((r) => r.alertId === alertB)).toEqual([]);
      expect(review.value.find((r) => r.alertId === alertA)?.nurse).toBe(DEMO_NURSE.name);
    }
    report('red team #18 second tab', {
      tabBAcknowledgeBeforeSignIn: 'unauthorized',
      recordedAs: 'own nurse',
    });
  });

  it('a closed connection ends its session (audited), and the next connection is nobody', async () => {
    const c = await ws();
    expect((await wsSignIn(c, DEMO_NURSE_2)).ok).toBe(true);
    c.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 50)); // the server's close handler
    const audit = await accessAudit();
    expect(
      audit.some(
        (e) =>
          e.nurseId === DEMO_NURSE_2.nurseId &&
          e.action === 'sign-out' &&
          e.detail === 'window or connection closed',
      ),
    ).toBe(true);
    const next = await ws();
    const info = (await next.call('station:info', {})) as Result<StationInfo>;
    expect(info.ok && info.value.nurse).toBeNull();
    // the Electron side of the same rule: a window's peer closed
    await station.signIn('window:9', DEMO_NURSE_2);
    station.host.peerClosed('window:9');
    expect(await nurseOf(station.as('window:9'))).toBeNull();
  });
});

describe('Red team #18: idle timeout and screen lock', () => {
  it('ends a session after 10 idle minutes; reads do not count as activity, actions and session:activity do', async () => {
    const call = station.as('p-idle');
    await station.signIn('p-idle', DEMO_NURSE);
    const start = await nurseOf(call);
    expect(start?.idleMinutes).toBe(10);
    expect(start?.idleEndsAt).toBe(clock.now() + 10 * MIN);
    clock.advance(9 * MIN);
    for (const [ch, req] of [
      ['alerts:list', { range: '24h', limit: 10 }],
      ['ward:beds', {}],
      ['health:get', {}],
    ] as const)
      expect((await call(ch, req)).ok).toBe(true);
    expect((await nurseOf(call))?.idleEndsAt).toBe(clock.now() + 1 * MIN); // reads did not extend it
    expect((await call('session:activity', {})).ok).toBe(true);
    clock.advance(9 * MIN); // 18 minutes after sign-in, 9 after the activity
    expect((await nurseOf(call))?.nurseId).toBe(DEMO_NURSE.nurseId);
    clock.advance(1 * MIN);
    expect(await nurseOf(call)).toBeNull();
    const [alertId] = await pendingAlertIds(1);
    expect(await call('alerts:acknowledge', { alertId, action: 'confirm' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    const audit = await accessAudit();
    expect(
      audit.some(
        (e) =>
          e.action === 'idle-timeout' && e.subject === 'p-idle' && e.detail === 'no activity for 10 minutes',
      ),
    ).toBe(true);
    expect(
      station.events.some(
        (e) => e.event === 'session:changed' && (e.payload as { reason: string }).reason === 'idle-timeout',
      ),
    ).toBe(true);
  });

  it('follows the charge nurse’s idle setting: 1 minute ends a session after 60 s', async () => {
    await station.signIn('p-charge', DEMO_CHARGE);
    const set = await station.as('p-charge')('settings:update-sign-in', { idleMinutes: 1 });
    expect(set.ok, JSON.stringify(set)).toBe(true);
    try {
      const call = station.as('p-idle-1');
      await station.signIn('p-idle-1', DEMO_NURSE_2);
      clock.advance(59_000);
      expect((await nurseOf(call))?.idleMinutes).toBe(1);
      clock.advance(1_000);
      expect(await nurseOf(call)).toBeNull();
    } finally {
      await station.signIn('p-charge', DEMO_CHARGE);
      expect((await station.as('p-charge')('settings:update-sign-in', { idleMinutes: 10 })).ok).toBe(true);
    }
    report('red team #18 idle timeout', {
      defaultIdleMinutes: 10,
      shortest: '1 minute, ended at 60 s exactly',
    });
  });

  it('endSessions("screen-locked") signs every window and connection out', async () => {
    const tab = await ws();
    expect((await wsSignIn(tab, DEMO_NURSE)).ok).toBe(true);
    await station.signIn('window:1', DEMO_NURSE_2);
    await station.signIn('p-charge', DEMO_CHARGE);
    const before = station.events.length;
    station.host.endSessions('screen-locked');
    expect(await nurseOf(station.as('window:1'))).toBeNull();
    expect(await nurseOf(station.as('p-charge'))).toBeNull();
    const info = (await tab.call('station:info', {})) as Result<StationInfo>;
    expect(info.ok && info.value.nurse).toBeNull();
    expect(station.events.slice(before)).toContainEqual({
      event: 'session:changed',
      payload: { reason: 'screen-locked' },
    });
    const locked = (await accessAudit()).filter((e) => e.action === 'screen-locked');
    expect(locked.length).toBeGreaterThanOrEqual(3);
  });
});

describe('Red team #18: roles', () => {
  const NURSE_REFUSED: [string, unknown][] = [
    [
      'thresholds:update',
      {
        patientId: 'P001',
        limits: {
          heartRateMin: 1,
          heartRateMax: 300,
          bloodOxygenMin: 0,
          bloodGlucoseMin: 0,
          bloodGlucoseMax: 60,
        },
      },
    ],
    // privilege escalation: the nurse makes herself charge
    ['roster:save', { nurseId: DEMO_NURSE.nurseId, name: DEMO_NURSE.name, role: 'charge', active: true }],
    ['roster:list', {}],
    ['audit:list', { limit: 100 }],
    [
      'settings:update-connection',
      {
        mode: 'connected',
        risingwave: { host: 'evil.example', port: 5432, user: 'x', database: 'x' },
        mysql: { host: 'evil.example', port: 3306, user: 'x', database: 'x' },
        pollIntervalMs: 1000,
      } satisfies ConnectionSettingsInput,
    ],
    [
      'settings:update-notifications',
      { enabled: false, sound: false, criticalRepeatMinutes: 0, coalesceMs: 0 },
    ],
    ['settings:update-retention', { ackRetentionDays: 1 }],
    ['settings:update-sign-in', { idleMinutes: 240 }],
    ['ward:assign-bed', { bedId: 'P001', patientId: 'P002' }],
  ];

  it('refuses a nurse forbidden on every charge-nurse channel, audits each refusal, and changes nothing', async () => {
    await station.signIn('p-nurse', DEMO_NURSE);
    const call = station.as('p-nurse');
    for (const [channel, request] of NURSE_REFUSED) {
      const r = await call(channel, request);
      expect(resultProblem(r)).toBeNull();
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // nobody signed in: unauthorized, and acknowledging too
    const anon = station.as('p-anon');
    const [alertId] = await pendingAlertIds(1);
    for (const [channel, request] of [
      ...NURSE_REFUSED,
      ['alerts:acknowledge', { alertId, action: 'confirm' }] as const,
    ]) {
      expect(await anon(channel, request), channel).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    const audit = await accessAudit();
    const forbidden = audit.filter((e) => e.action === 'forbidden' && e.subject === 'p-nurse');
    expect(forbidden.map((e) => e.detail).sort()).toEqual(
      NURSE_REFUSED.map(([c]) => `${c} needs the charge nurse`).sort(),
    );
    for (const e of forbidden) expect([e.nurseId, e.nurse]).toEqual([DEMO_NURSE.nurseId, DEMO_NURSE.name]);
    // every kind of refusal is in the audit
    for (const action of ['forbidden', 'sign-in-refused', 'locked-out'])
      expect(
        audit.some((e) => e.action === action),
        action,
      ).toBe(true);
    // nothing changed: she is still a nurse, the settings are as they were
    expect((await nurseOf(call))?.role).toBe('nurse');
    const roster = await station.as('p-charge')<RosterMember[]>('roster:list', {});
    expect(roster.ok && roster.value.find((m) => m.nurseId === DEMO_NURSE.nurseId)?.role).toBe('nurse');
    const settings = await station.as('p-charge')<{ connection: { mode: string }; ackRetentionDays: number }>(
      'settings:get',
      {},
    );
    expect(settings.ok && [settings.value.connection.mode, settings.value.ackRetentionDays]).toEqual([
      'simulator',
      30,
    ]);
    report('red team #18 roles', {
      chargeChannelsTried: NURSE_REFUSED.length,
      forbiddenAudited: forbidden.length,
    });
  });

  it('the charge nurse cannot deactivate or demote herself', async () => {
    await station.signIn('p-charge', DEMO_CHARGE);
    const call = station.as('p-charge');
    for (const change of [
      { role: 'charge', active: false },
      { role: 'nurse', active: true },
    ]) {
      const r = await call('roster:save', {
        nurseId: DEMO_CHARGE.nurseId,
        name: DEMO_CHARGE.name,
        ...change,
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    expect((await nurseOf(call))?.role).toBe('charge');
  });

  it('making a member inactive ends her open session; she is then refused like a wrong PIN', async () => {
    await station.signIn('p-gone', GONE_ID);
    await station.signIn('p-charge', DEMO_CHARGE);
    const r = await station.as('p-charge')('roster:save', { ...GONE_ID, role: 'nurse', active: false });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(await nurseOf(station.as('p-gone'))).toBeNull();
    expect(
      await station.as('p-gone-2')('session:sign-in', { nurseId: GONE_ID.nurseId, pin: GONE_ID.pin }),
    ).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: REFUSED },
    });
  });
});

describe('Red team #18: PINs are never kept or shown in clear', () => {
  it('no PIN (nor its hash) in the log, the audit, the roster list or the station’s files', async () => {
    await station.signIn('p-charge', DEMO_CHARGE);
    const charge = station.as('p-charge');
    const saved = await charge('roster:save', {
      nurseId: 'N2001',
      name: 'Rosa Test',
      role: 'nurse',
      active: true,
      pin: ODD_PIN,
    });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    expect(
      await station.as('p-rosa')('session:sign-in', { nurseId: 'N2001', pin: 'Zq93-Xv78' }),
    ).toMatchObject({ ok: false });
    await station.signIn('p-rosa', { nurseId: 'N2001', pin: ODD_PIN });
    expect(
      (
        await charge('roster:save', {
          nurseId: 'N2001',
          name: 'Rosa Test',
          role: 'nurse',
          active: true,
          pin: ODD_PIN_2,
        })
      ).ok,
    ).toBe(true);
    await station.signIn('p-rosa-2', { nurseId: 'N2001', pin: ODD_PIN_2 });

    const roster = await charge<RosterMember[]>('roster:list', {});
    expect(roster.ok).toBe(true);
    const rosterJson = JSON.stringify(roster.ok ? roster.value : null);
    for (const m of roster.ok ? roster.value : [])
      expect(Object.keys(m).sort()).toEqual(['active', 'name', 'nurseId', 'role', 'updatedAt']);
    const audit = await charge<AuditEntry[]>('audit:list', { limit: 5000 });
    expect(audit.ok).toBe(true);
    const auditJson = JSON.stringify(audit.ok ? audit.value : null);
    expect(auditJson).toMatch(/N2001/); // the member and her sign-ins are there…
    const places: Record<string, string | Buffer> = {
      log: logLines.join('\n'),
      audit: auditJson,
      roster: rosterJson,
    };
    for (const f of readdirSync(station.dataDir)) places[f] = readFileSync(join(station.dataDir, f));
    const found: string[] = [];
    for (const [place, content] of Object.entries(places)) {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      for (const pin of [ODD_PIN, ODD_PIN_2, 'Zq93-Xv78']) {
        if (bytes.includes(Buffer.from(pin, 'utf8')) || bytes.includes(Buffer.from(pin, 'utf16le')))
          found.push(`${pin} in ${place}`);
      }
      if (place === 'log' || place === 'audit' || place === 'roster') {
        if (bytes.includes(Buffer.from('scrypt:'))) found.push(`a PIN hash in ${place}`);
        if (/"pin(Hash)?"/.test(bytes.toString())) found.push(`a pin field in ${place}`);
      }
    }
    expect(found).toEqual([]);
    // …and the hash is in the database, as it should be (the search above would otherwise prove little)
    const files = readdirSync(station.dataDir).map((f) => readFileSync(join(station.dataDir, f)));
    expect(files.some((b) => b.includes(Buffer.from('scrypt:14:8:5:')))).toBe(true);
    report('red team #18 PINs at rest', {
      placesSearched: Object.keys(places),
      logLines: logLines.length,
      auditRows: audit.ok ? audit.value.length : 0,
      pinsFound: found.length,
    });
  });
});
