// Red-team finding (#21, item 1): a client that never signed in pointed the RisingWave host at its own
// server and received the stored password in clear text on every reconnect. Reproduced here with a fake
// PostgreSQL server that asks for a clear-text password, as an attacker's would.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createSqliteAuditLog } from '../../../electron/main/adapters/sqlite/sqlite-audit-log';
import type { AuditLog } from '../../../electron/main/core/ports';
import type { RosterMember, StationInfo } from '../../../shared/ipc/contract';
import { DEMO_CHARGE, DEMO_NURSE } from '../../support/nurses';
import { freePort, sleep } from '../../support/private-servers';
import { fakeKeyring, startTestStation, type TestStation } from '../helpers/station-host';

const PASSWORD = 'Rw-Stored-Secret-7731';
/** A second charge nurse, added to the demo roster by the first. */
const SECOND_CHARGE = {
  nurseId: 'C2002',
  name: 'Ines Duarte',
  role: 'charge' as const,
  active: true,
  pin: '4711',
};

/** Answers every PostgreSQL start-up with "send your password in clear text" and keeps what it gets. */
async function passwordCatcher(): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let startedUp = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!startedUp) {
          if (buffer.length < 4) return;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          if (code === 80877103) {
            socket.write('N'); // SSLRequest: no TLS here
            continue;
          }
          startedUp = true;
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
          socket.write(ask);
          continue;
        }
        if (buffer.length < 5) return;
        const len = buffer.readInt32BE(1);
        if (buffer.length < len + 1) return;
        if (buffer.toString('latin1', 0, 1) === 'p') {
          received.push(buffer.toString('utf8', 5, len + 1).replace(/\0$/, ''));
        }
        buffer = buffer.subarray(len + 1);
        socket.destroy();
        return;
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('Security: settings changes', () => {
  let station: TestStation;
  let catcher: Awaited<ReturnType<typeof passwordCatcher>>;
  let closedPort: number;

  beforeEach(async () => {
    station = await startTestStation({ secretStore: fakeKeyring, beds: 2 });
    catcher = await passwordCatcher();
    closedPort = await freePort();
  });
  afterEach(async () => {
    await station.close();
    await catcher.close();
  });

  const connection = (rwPort: number, password?: string) => ({
    mode: 'connected' as const,
    risingwave: {
      host: '127.0.0.1',
      port: rwPort,
      user: 'root',
      database: 'dev',
      ...(password === undefined ? {} : { password }),
    },
    mysql: { host: '127.0.0.1', port: closedPort, user: 'nurse', database: 'ns', password: '' },
    pollIntervalMs: 300,
  });

  it('sends a stored password to no new host, and lets no anonymous client change settings', async () => {
    // The charge nurse saved the real connection (RisingWave on a closed port: nothing to connect to),
    // and adds a second charge nurse to the roster (the one who moves the connection below).
    await station.signIn(DEMO_CHARGE);
    const added = await station.call<RosterMember[]>('roster:save', SECOND_CHARGE);
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const saved = await station.call('settings:update-connection', {
      ...connection(closedPort, PASSWORD),
      mode: 'simulator',
    });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    await station.call('session:sign-out', {});

    // An anonymous client: refused outright, for every settings channel.
    const anonymous = [
      await station.call('settings:update-connection', connection(catcher.port)),
      await station.call('settings:update-notifications', {
        enabled: false,
        sound: false,
        criticalRepeatMinutes: 0,
        coalesceMs: 0,
      }),
      await station.call('settings:update-retention', { ackRetentionDays: 1 }),
    ];
    for (const r of anonymous) expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    // A nurse who is not the charge nurse: refused too (issue #18), for every settings channel.
    await station.signIn(DEMO_NURSE);
    const nurse = [
      await station.call('settings:update-connection', connection(catcher.port)),
      await station.call('settings:update-retention', { ackRetentionDays: 1 }),
      await station.call('settings:update-sign-in', { idleMinutes: 240 }),
    ];
    for (const r of nurse) expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await station.call('session:sign-out', {});

    // Signed in, a move to a new port without the password is refused with a message that says why.
    await station.signIn(SECOND_CHARGE);
    const moved = await station.call('settings:update-connection', connection(catcher.port));
    expect(moved).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(moved.ok ? '' : moved.error.message).toMatch(
      /Enter the RisingWave password again: the port changed/,
    );
    await sleep(1_500); // several reconnect periods, had the station connected
    expect(catcher.received).toEqual([]);

    // The same move with the password typed again is the admin's choice, and goes to that server only.
    const retyped = await station.call('settings:update-connection', connection(catcher.port, 'typed-again'));
    expect(retyped.ok, JSON.stringify(retyped)).toBe(true);
    const deadline = Date.now() + 10_000;
    while (catcher.received.length === 0 && Date.now() < deadline) await sleep(50);
    expect(catcher.received.length).toBeGreaterThan(0);
    expect(new Set(catcher.received)).toEqual(new Set(['typed-again']));

    // #18: the station now reads another roster (MySQL, on a closed port here), so the charge nurse who
    // moved the connection is signed out, and nobody can sign in to read the Audit screen: the rows are
    // read below with the station's own audit reader (what `audit:list` answers a charge nurse).
    const info = await station.call<StationInfo>('station:info', {});
    expect(info.ok && info.value.nurse, JSON.stringify(info)).toBe(null);
    expect(await station.call('audit:list', { kind: 'settings', limit: 100 })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    const auditDb = new Database(join(station.dataDir, 'station.sqlite'));
    onTestFinished(() => {
      auditDb.close();
    });
    const auditLog = createSqliteAuditLog(auditDb);
    const auditList = (filter: Parameters<AuditLog['list']>[0]) => auditLog.list(filter);

    // Every change asked for is audited under the nurse who made it, with its outcome; the nurses
    // refused for their role changed nothing and left no settings row.
    const rows = auditList({ kind: 'settings', limit: 100 }).sort((a, b) => a.seq - b.seq);
    expect(rows.map((r) => [r.action, r.nurseId, r.nurse])).toEqual([
      ['connection requested', DEMO_CHARGE.nurseId, DEMO_CHARGE.name],
      ['connection applied', DEMO_CHARGE.nurseId, DEMO_CHARGE.name],
      // the move without the password: refused, and on record
      ['connection requested', SECOND_CHARGE.nurseId, SECOND_CHARGE.name],
      ['connection refused', SECOND_CHARGE.nurseId, SECOND_CHARGE.name],
      ['connection requested', SECOND_CHARGE.nurseId, SECOND_CHARGE.name],
      ['connection applied', SECOND_CHARGE.nurseId, SECOND_CHARGE.name],
    ]);
    expect(rows[3]!.detail).toMatch(/refused: Enter the RisingWave password again/);
    expect(rows[5]!.detail).toContain(`risingwave.port: ${closedPort} → ${catcher.port}`);
    expect(rows[5]!.detail).toContain('risingwavePasswordTyped: true');
    const listed = JSON.stringify(rows);
    expect(listed).not.toContain(PASSWORD);
    expect(listed).not.toContain('typed-again');

    // The rows themselves (settings_audit), with what changed in full; no password in them.
    const db = new Database(join(station.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const stored = db
        .prepare(
          'SELECT section, outcome, nurse_id, nurse, before_json, after_json FROM settings_audit ORDER BY seq',
        )
        .all() as {
        section: string;
        outcome: string;
        nurse_id: string;
        nurse: string;
        before_json: string;
        after_json: string;
      }[];
      expect(stored.map((r) => [r.section, r.outcome, r.nurse_id, r.nurse])).toEqual(
        rows.map((r) => ['connection', r.action.split(' ')[1], r.nurseId, r.nurse]),
      );
      expect(stored[3]!.after_json).toMatch(/Enter the RisingWave password again/);
      const last = JSON.parse(stored[5]!.after_json) as {
        risingwave: { port: number };
        risingwavePasswordTyped: boolean;
      };
      expect(last.risingwave.port).toBe(catcher.port);
      expect(last.risingwavePasswordTyped).toBe(true);
      const text = JSON.stringify(stored);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('typed-again');
    } finally {
      db.close();
    }
    // the nurse refused for her role is on record too (access audit), once per attempt
    const access = auditList({ kind: 'access', nurseId: DEMO_NURSE.nurseId, limit: 100 });
    expect(access.filter((e) => e.action === 'forbidden')).toHaveLength(3);
    // and the session the new roster ended, with why
    const ended = auditList({ kind: 'access', nurseId: SECOND_CHARGE.nurseId, limit: 100 });
    expect(ended.filter((e) => e.action === 'sign-out').map((e) => e.detail)).toContainEqual(
      expect.stringMatching(/now reads another roster/),
    );
    // nor anywhere in the station's database (the audit tables, the WAL not yet checkpointed)
    for (const f of readdirSync(station.dataDir).filter((n) => n.startsWith('station.sqlite'))) {
      const bytes = readFileSync(join(station.dataDir, f));
      expect(bytes.includes(PASSWORD), f).toBe(false);
      expect(bytes.includes('typed-again'), f).toBe(false);
    }
  }, 60_000);
});
