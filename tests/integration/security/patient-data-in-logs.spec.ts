// The main-process log is for IT staff, and kept in files (<dataDir>/logs): it holds no patient data. A
// station runs a busy ward for a while with its log captured — alerts, notifications, acknowledgements
// with notes, threshold edits, refused requests, a failing connected mode — and no patient id, alert id
// (md5 of patient, type and time: it can be worked back), vital value, alert detail, notification text,
// nurse note, nurse name or PIN may appear in any log line, on stderr or in the log file.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFileLog, logDirOf, type FileLog } from '../../../electron/main/core/log-file';
import type { Alert, AlertPage, BedSnapshot } from '../../../shared/domain/types';
import type { EventMap, EventName, NotificationRequest } from '../../../shared/ipc/contract';
import { freePort, sleep, waitFor } from '../../support/private-servers';
import { report } from '../helpers/station-fixtures';
import { startTestStation, type TestStation } from '../helpers/station-host';
import { DEMO_CHARGE, signInRequest } from '../../support/nurses';

const NURSE = 'Dana Whitfield-Okafor';
/** She is added to the roster by the demo charge nurse: a charge nurse too (thresholds, settings). */
const DANA = { nurseId: 'C4410', pin: 'Pin-80215573' };
const WRONG_PIN = 'Wrong-66193504';
const NOTES = [
  'Patient reports chest pain radiating to left arm; gave 2 mg morphine IV',
  'Family informed: Mrs. Example is diabetic, insulin pump checked',
  'Lead reattached, SpO2 probe moved to the other finger',
];
const VITAL_WORDS = /\bbpm\b|mmol|SpO₂|SpO2|heart rate|glucose|oxygen|saturation|\b\d{2,3}(\.\d+)? ?(%|bpm)/i;

let station: TestStation;
let fileLog: FileLog;
/** log lines from before the file log was installed */
let beforeFile = 0;
const log: string[] = [];
const details = new Set<string>();
const alertIds = new Set<string>();
const notices: NotificationRequest[] = [];

beforeAll(async () => {
  station = await startTestStation({ beds: 12, speed: 60, warmupMs: 30 * 60_000, log: (l) => log.push(l) });
  beforeFile = log.length;
  fileLog = installFileLog({ dir: logDirOf(station.dataDir) });
  station.host.onEvent(<E extends EventName>(event: E, payload: EventMap[E]) => {
    if (event === 'alerts:new')
      for (const a of payload as Alert[]) {
        details.add(a.alertDetail);
        alertIds.add(a.alertId);
      }
    if (event === 'notify:show') notices.push(payload as NotificationRequest);
  });
}, 60_000);

afterAll(async () => {
  fileLog?.close();
  await station?.close();
});

describe('Security: no patient data in the log', () => {
  it('logs no patient ids, alert ids, vitals, alert details, notification texts, notes or nurse names', async () => {
    const beds = await station.call<BedSnapshot[]>('ward:beds', {});
    const patientIds = beds.ok ? beds.value.map((b) => b.patientId) : [];
    expect(patientIds.length).toBe(12);
    await station.signIn(DEMO_CHARGE);
    const added = await station.call('roster:save', {
      nurseId: DANA.nurseId,
      name: NURSE,
      role: 'charge',
      active: true,
      pin: DANA.pin,
    });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    // a wrong PIN first (refused, audited, logged without it), then hers
    const wrong = await station.call('session:sign-in', { nurseId: DANA.nurseId, pin: WRONG_PIN });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await station.signIn(DANA);
    await waitFor('alerts to arrive', () => details.size > 5, 20_000);
    const pending = await station.call<AlertPage>('alerts:list', {
      range: '24h',
      status: 'pending',
      limit: 20,
    });
    expect(pending.ok).toBe(true);
    const items = pending.ok ? pending.value.items : [];
    let acks = 0;
    for (const [i, a] of items.slice(0, 6).entries()) {
      const r = await station.call('alerts:acknowledge', {
        alertId: a.alertId,
        action: i % 2 ? 'resolve' : 'confirm',
        note: NOTES[i % NOTES.length],
      });
      if (r.ok) acks++;
    }
    await station.call('thresholds:update', {
      patientId: 'P003',
      limits: {
        heartRateMin: 47,
        heartRateMax: 133,
        bloodOxygenMin: 91,
        bloodGlucoseMin: 3.7,
        bloodGlucoseMax: 8.3,
      },
    });
    await station.call('thresholds:update', { patientId: 'P003', limits: { heartRateMin: 'high' } });
    await station.call('thresholds:get', { patientId: 'P005' });
    await station.call('patients:trend', { patientId: 'P999', from: 0, to: 1 }); // not in the ward
    await station.call('alerts:acknowledge', { alertId: 'nope', action: 'confirm', note: NOTES[0] });
    await station.call('no:such-channel', { note: NOTES[1] });
    await station.call('review:export-csv', { from: 0, to: Date.now() + 86_400_000 });
    await station.call('session:sign-out', {});
    await sleep(3_000); // more simulated ward: alerts, notifications, reminders

    // A failing connected mode logs too (closed ports).
    const [rw, my] = [await freePort(), await freePort()];
    await station.call('session:sign-in', signInRequest(DANA));
    const change = await station.call('settings:update-connection', {
      mode: 'connected',
      risingwave: { host: '127.0.0.1', port: rw, user: 'root', database: 'dev' },
      mysql: { host: '127.0.0.1', port: my, user: 'nurse', database: 'ns' },
      pollIntervalMs: 300,
    });
    expect(change.ok, JSON.stringify(change)).toBe(true);
    await sleep(2_000);

    expect(log.length).toBeGreaterThan(3); // the log did get lines
    expect(notices.length).toBeGreaterThan(0);
    expect(acks).toBeGreaterThan(0);
    expect(log.some((l) => /thresholds of a patient changed/.test(l))).toBe(true);
    // the log file has what stderr had since it was installed
    const file = readFileSync(fileLog.file, 'utf8');
    expect(file).toBe(`${log.slice(beforeFile).join('\n')}\n`);
    const text = `${log.join('\n')}\n${file}`;
    const withPatient = log.filter((l) => patientIds.some((p) => new RegExp(`\\b${p}\\b`).test(l)));
    expect(withPatient, 'patient ids in log').toEqual([]);
    expect(text).not.toMatch(/\bP\d{3}\b/);
    for (const id of alertIds) expect(text.includes(id), `alert id in log: ${id}`).toBe(false);
    expect(text).not.toMatch(/\b[0-9a-f]{32}\b/);
    const offending = log.filter((l) => VITAL_WORDS.test(l));
    expect(offending).toEqual([]);
    for (const d of details) expect(text.includes(d), `alert detail in log: ${d}`).toBe(false);
    for (const n of notices) {
      expect(text.includes(n.title), 'notification title in log').toBe(false);
      for (const line of n.body.split('\n'))
        expect(text.includes(line), 'notification body in log').toBe(false);
    }
    for (const note of NOTES) expect(text.includes(note), 'nurse note in log').toBe(false);
    expect(text.includes(NURSE)).toBe(false);
    expect(text).not.toMatch(/Dana|Whitfield/);
    for (const pin of [DANA.pin, WRONG_PIN, DEMO_CHARGE.pin])
      expect(text.includes(pin), 'PIN in log').toBe(false);

    report('patient data in logs', {
      logLines: log.length,
      patientIdsChecked: patientIds.length,
      alertIdsChecked: alertIds.size,
      alertDetailsChecked: details.size,
      notificationsChecked: notices.length,
      acksWithNotes: acks,
      offendingLines: offending.length,
      sampleLines: [...new Set(log.map((l) => l.replace(/^\S+ /, '').replace(/\d+/g, 'N')))].slice(0, 12),
    });
  }, 60_000);
});
