import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/domain/types';
import { openStationDatabase } from './open-database';
import { createSqliteAlertOutbox } from './sqlite-alert-outbox';

const alert = (id: string): Alert => ({
  alertId: id,
  patientId: 'P001',
  deviceId: 'D001',
  alertTime: 1_000,
  alertType: 'signal_loss',
  alertDetail: 'No data from device D001 for 65 s',
  alertLevel: 1,
  status: 'pending',
  handleBy: null,
  handleTime: null,
  handleNote: null,
  reading: null,
});

describe('SQLite alert outbox', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('keeps alerts in arrival order, once per id, across a reopen, until removed', () => {
    dir = mkdtempSync(join(tmpdir(), 'ns-outbox-'));
    const file = join(dir, 'station.sqlite');
    let db = openStationDatabase(file);
    let outbox = createSqliteAlertOutbox(db);
    outbox.add([alert('a1'), alert('a2')]);
    outbox.add([alert('a2'), alert('a3')]);
    expect(outbox.size()).toBe(3);
    db.close();

    db = openStationDatabase(file);
    outbox = createSqliteAlertOutbox(db);
    expect(outbox.peek(2).map((a) => a.alertId)).toEqual(['a1', 'a2']);
    expect(outbox.peek(10)[0]).toEqual(alert('a1'));
    outbox.remove(['a1', 'a2', 'nope']);
    expect(outbox.peek(10).map((a) => a.alertId)).toEqual(['a3']);
    db.close();
  });
});
