// Fault 4: the station process is SIGKILLed in the middle of acknowledging. A child process runs a real
// StationCore on a temp data dir (SQLite acknowledgement cache + SQLite alert store); the test kills it at
// the moment it reports an acknowledgement appended (or committed in the store), starts a second station
// process on the same data dir, and checks that nothing acknowledged was lost or counted twice and that
// the SQLite files are intact.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { closed, sleep } from '../../support/private-servers';
import { report } from '../helpers/station-fixtures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = 'tests/integration/faults/fixtures/ack-station.ts';
const dirs: string[] = [];

interface Run {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the station child; SIGKILLs it as soon as a stdout line matches `killOn`, or `killAfterReadyMs`
 * after it printed READY (if given).
 */
async function station(
  dataDir: string,
  phase: string,
  killOn?: (line: string, lines: string[]) => boolean,
  killAfterReadyMs?: number,
): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dataDir, phase], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NURSE_STATION_LOG: 'silent' },
  });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.push(line);
      if (killOn?.(line, lines)) child.kill('SIGKILL');
      if (line === 'READY' && killAfterReadyMs !== undefined)
        setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await closed(child);
  clearTimeout(timer);
  return { lines, code: child.exitCode, signal: child.signalCode, stderr };
}

function inspect(dataDir: string) {
  const open = (file: string) => new BetterSqlite3(join(dataDir, file));
  const cache = open('station.sqlite');
  const store = open('store.sqlite');
  try {
    return {
      cacheIntegrity: cache.pragma('integrity_check', { simple: true }) as string,
      storeIntegrity: store.pragma('integrity_check', { simple: true }) as string,
      acks: cache
        .prepare('SELECT ack_id, alert_id, action, sync_state, note FROM ack_log ORDER BY seq')
        .all() as {
        ack_id: string;
        alert_id: string;
        action: string;
        sync_state: string;
        note: string;
      }[],
      events: store
        .prepare('SELECT alert_id, action, outcome, nurse FROM alert_events ORDER BY event_id')
        .all() as { alert_id: string; action: string; outcome: string; nurse: string }[],
      confirmed: (
        store.prepare("SELECT COUNT(*) AS n FROM alerts WHERE status = 'confirmed'").get() as { n: number }
      ).n,
    };
  } finally {
    cache.close();
    store.close();
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Fault: station process SIGKILLed during an acknowledgement', () => {
  it('keeps every acknowledgement appended before the kill and syncs each once on restart (store never answered)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ns-sigkill-a-'));
    dirs.push(dataDir);
    // Kill right after the 5th acknowledgement is reported appended; the child is appending the 6th.
    const crashed = await station(
      dataDir,
      'hang-before-store',
      (line, lines) =>
        line.startsWith('APPENDED') && lines.filter((l) => l.startsWith('APPENDED')).length === 5,
    );
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const reported = crashed.lines.filter((l) => l.startsWith('APPENDED')).map((l) => l.split(' ')[1]!);
    // the 5th line and whatever arrived with it in the same chunk, all printed before the kill
    expect(reported.length).toBeGreaterThanOrEqual(5);

    const afterKill = inspect(dataDir);
    expect(afterKill.cacheIntegrity).toBe('ok');
    expect(afterKill.storeIntegrity).toBe('ok');
    const inCache = afterKill.acks.map((a) => a.alert_id);
    for (const id of reported) expect(inCache).toContain(id);
    expect(afterKill.acks.every((a) => a.sync_state !== 'synced')).toBe(true);
    expect(afterKill.events).toHaveLength(0); // the store never saw any of them

    await sleep(50);
    const recovered = await station(dataDir, 'recover');
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.lines).toContain(`SYNCED ${afterKill.acks.length}`);

    const final = inspect(dataDir);
    expect(final.cacheIntegrity).toBe('ok');
    expect(final.storeIntegrity).toBe('ok');
    expect(final.acks.map((a) => a.ack_id)).toEqual(afterKill.acks.map((a) => a.ack_id));
    expect(final.acks.every((a) => a.sync_state === 'synced')).toBe(true);
    const applied = final.events.filter((e) => e.outcome === 'applied');
    expect(applied.map((e) => e.alert_id)).toEqual(inCache); // once each, in the nurse's order
    expect(final.events).toHaveLength(applied.length);
    expect(final.confirmed).toBe(inCache.length);

    report('fault-4a SIGKILL before the store answered', {
      reportedAppendedBeforeKill: reported.length,
      acksInCacheAfterKill: afterKill.acks.length,
      integrityAfterKill: afterKill.cacheIntegrity,
      syncedOnRestart: final.acks.filter((a) => a.sync_state === 'synced').length,
      appliedAuditRows: applied.length,
      otherAuditRows: final.events.length - applied.length,
    });
  }, 90_000);

  it('counts an acknowledgement once when the store committed it but the station died before hearing so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ns-sigkill-b-'));
    dirs.push(dataDir);
    const crashed = await station(dataDir, 'hang-after-store', (line) => line.startsWith('COMMITTED'));
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const committed = crashed.lines.find((l) => l.startsWith('COMMITTED'))!.split(' ')[1]!;

    const afterKill = inspect(dataDir);
    expect(afterKill.cacheIntegrity).toBe('ok');
    expect(afterKill.storeIntegrity).toBe('ok');
    const mine = afterKill.acks.find((a) => a.alert_id === committed)!;
    expect(mine.sync_state).not.toBe('synced'); // the cache never learnt that the store has it
    expect(afterKill.events).toEqual([
      { alert_id: committed, action: 'confirm', outcome: 'applied', nurse: 'Ben Night' },
    ]);

    const recovered = await station(dataDir, 'recover');
    expect(recovered.code, recovered.stderr).toBe(0);

    const final = inspect(dataDir);
    expect(final.cacheIntegrity).toBe('ok');
    expect(final.acks.every((a) => a.sync_state === 'synced')).toBe(true);
    const appliedFor = (id: string) =>
      final.events.filter((e) => e.alert_id === id && e.outcome === 'applied');
    // The retry found the alert already confirmed by the same nurse at the same time: recognized as its
    // own earlier write, counted once (the retry attempt is audited as a conflict).
    expect(appliedFor(committed)).toHaveLength(1);
    for (const a of final.acks) expect(appliedFor(a.alert_id)).toHaveLength(1);
    expect(final.confirmed).toBe(final.acks.length);
    const retryRows = final.events.filter((e) => e.alert_id === committed && e.outcome === 'conflict');

    report('fault-4b SIGKILL after the store committed', {
      acksInCacheAfterKill: afterKill.acks.length,
      committedButUnconfirmed: 1,
      syncedOnRestart: final.acks.length,
      appliedRowsForThatAlert: appliedFor(committed).length,
      auditedRetryConflictRows: retryRows.length,
      conflictsShownToNurse: final.acks.filter((a) => a.sync_state === 'conflict').length,
    });
  }, 90_000);

  it('survives repeated kills at random moments while acknowledging at full speed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ns-sigkill-c-'));
    dirs.push(dataDir);
    const cycles: { afterMs: number; reported: number; inCache: number }[] = [];
    let seen = 0;
    for (let cycle = 0; cycle < 5; cycle++) {
      const afterMs = 30 + Math.floor(Math.random() * 300);
      const crashed = await station(dataDir, 'hang-before-store', undefined, afterMs);
      if (crashed.signal !== 'SIGKILL') throw new Error(`station exited on its own: ${crashed.stderr}`);
      const state = inspect(dataDir);
      expect(state.cacheIntegrity).toBe('ok');
      const ids = new Set(state.acks.map((a) => a.alert_id));
      const reported = crashed.lines.filter((l) => l.startsWith('APPENDED')).map((l) => l.split(' ')[1]!);
      for (const id of reported) expect(ids.has(id)).toBe(true);
      expect(state.acks.length).toBeGreaterThanOrEqual(seen);
      expect(ids.size).toBe(state.acks.length); // never the same alert twice
      seen = state.acks.length;
      cycles.push({ afterMs, reported: reported.length, inCache: state.acks.length });
    }
    const recovered = await station(dataDir, 'recover');
    expect(recovered.code, recovered.stderr).toBe(0);
    const final = inspect(dataDir);
    expect(final.cacheIntegrity).toBe('ok');
    expect(final.storeIntegrity).toBe('ok');
    expect(final.acks.every((a) => a.sync_state === 'synced')).toBe(true);
    const applied = final.events.filter((e) => e.outcome === 'applied');
    expect(applied.map((e) => e.alert_id)).toEqual(final.acks.map((a) => a.alert_id));
    expect(final.events).toHaveLength(applied.length);
    report('fault-4c repeated random SIGKILLs', {
      cycles,
      acksSyncedAfterRecovery: final.acks.length,
      appliedAuditRows: applied.length,
    });
  }, 120_000);
});
