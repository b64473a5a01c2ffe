// Red-team finding (#21, item 1): a client that never signed in pointed the RisingWave host at its own
// server and received the stored password in clear text on every reconnect. Reproduced here with a fake
// PostgreSQL server that asks for a clear-text password, as an attacker's would.
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, sleep } from '../../support/private-servers';
import { fakeKeyring, startTestStation, type TestStation } from '../helpers/station-host';

const PASSWORD = 'Rw-Stored-Secret-7731';

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
    // The ward's IT admin saved the real connection (RisingWave on a closed port: nothing to connect to).
    expect((await station.call('session:sign-in', { nurse: 'IT Admin' })).ok).toBe(true);
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

    // Signed in, a move to a new port without the password is refused with a message that says why.
    await station.call('session:sign-in', { nurse: 'Li Na' });
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

    // Every accepted change is audited under the nurse who made it; no password is in the audit.
    const db = new Database(join(station.dataDir, 'station.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT section, outcome, nurse, before_json, after_json FROM settings_audit ORDER BY seq')
        .all() as {
        section: string;
        outcome: string;
        nurse: string;
        before_json: string;
        after_json: string;
      }[];
      expect(rows.map((r) => [r.section, r.outcome, r.nurse])).toEqual([
        ['connection', 'requested', 'IT Admin'],
        ['connection', 'applied', 'IT Admin'],
        ['connection', 'requested', 'Li Na'], // the move without the password: refused, and on record
        ['connection', 'refused', 'Li Na'],
        ['connection', 'requested', 'Li Na'],
        ['connection', 'applied', 'Li Na'],
      ]);
      expect(rows[3]!.after_json).toMatch(/Enter the RisingWave password again/);
      const last = JSON.parse(rows[5]!.after_json) as {
        risingwave: { port: number };
        risingwavePasswordTyped: boolean;
      };
      expect(last.risingwave.port).toBe(catcher.port);
      expect(last.risingwavePasswordTyped).toBe(true);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('typed-again');
    } finally {
      db.close();
    }
  }, 60_000);
});
