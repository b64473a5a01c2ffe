// The station core's own cost of deriving bed states, which grows with the ward and with the number of
// alerts nobody has acknowledged yet (the core tracks up to 20,000): one `ward:update` of every bed (what
// a simulator tick or a RisingWave poll hands the core) and one `ward:beds` request (a renderer's load or
// reconnect), with 1k, 5k and 20k pending alerts spread over the beds. Core only: SQLite stores on disk,
// a scripted vitals source, no simulator.
import { join } from 'node:path';
import type { Alert, BedSnapshot } from '../../shared/domain/types';
import { openStationDatabase } from '../../electron/main/adapters/sqlite/open-database';
import { createSqliteAckCache } from '../../electron/main/adapters/sqlite/sqlite-ack-cache';
import { createSqliteAlertStore } from '../../electron/main/adapters/sqlite/sqlite-alert-store';
import { systemClock } from '../../electron/main/core/ports';
import type { BenchCase, ResultRow } from '../report';
import { formatMs, roundSummary, summarize, type Summary } from '../stats';
import { timeRepeated } from '../support/mysql-bench';
import {
  BENCH_STATION,
  RecordingNotifier,
  ScriptedVitalsSource,
  connectedBenchCore,
  tempDir,
} from '../support/station';
import { NOBODY } from '../../tests/support/nurses';

function bed(i: number, now: number): BedSnapshot {
  const patientId = 'P' + String(i + 1).padStart(3, '0');
  return {
    patientId,
    deviceId: 'D' + patientId.slice(1),
    latest: {
      patientId,
      deviceId: 'D' + patientId.slice(1),
      measureTime: now,
      heartRate: 80,
      bloodOxygen: 97,
      bloodGlucose: 5.5,
    },
    spark: {
      heartRate: Array(30).fill(80),
      bloodOxygen: Array(30).fill(97),
      bloodGlucose: Array(30).fill(5.5),
    },
    state: 'normal',
    activeAlertIds: [],
  };
}

function alert(k: number, beds: number, now: number): Alert {
  const patientId = 'P' + String((k % beds) + 1).padStart(3, '0');
  return {
    alertId: `bench-${k}`,
    patientId,
    deviceId: 'D' + patientId.slice(1),
    // old enough that the notification policy treats them as backlog and stays quiet
    alertTime: now - 3_600_000 + k,
    alertType: k % 20 === 0 ? 'multi_vital_signs_deterioration' : 'heart_rate',
    alertDetail: 'Heart rate too high: 130 bpm',
    alertLevel: k % 20 === 0 ? 2 : 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading: { heartRate: 130, bloodOxygen: 96, bloodGlucose: 5.5 },
  };
}

async function measure(
  beds: number,
  pending: number,
  quick: boolean,
): Promise<{ update: Summary; request: Summary }> {
  const tmp = tempDir('core');
  const db = openStationDatabase(join(tmp.dir, 'station.sqlite'));
  const now = systemClock.now();
  const snapshots = Array.from({ length: beds }, (_, i) => bed(i, now));
  const vitals = new ScriptedVitalsSource(systemClock, snapshots);
  const alerts = createSqliteAlertStore(db, { stationId: BENCH_STATION, timeZone: 'UTC' });
  const core = connectedBenchCore({
    vitals,
    alerts,
    cache: createSqliteAckCache(db),
    notifier: new RecordingNotifier(),
  });
  await core.start();
  for (let k = 0; k < pending; k += 1000) {
    vitals.pushAlerts(Array.from({ length: Math.min(1000, pending - k) }, (_, j) => alert(k + j, beds, now)));
  }
  const opts = { minRuns: 5, maxRuns: quick ? 20 : 50, budgetMs: quick ? 2000 : 5000 };
  const update = await timeRepeated(async () => vitals.pushBeds(snapshots), opts);
  const request = await timeRepeated(() => core.handlers['ward:beds']({}, NOBODY), opts);
  await core.stop();
  await alerts.close();
  db.close();
  tmp.remove();
  return { update: roundSummary(summarize(update)), request: roundSummary(summarize(request)) };
}

export const coreCase: BenchCase = {
  name: 'core',
  title: 'station core: bed states vs ward size and pending alerts',
  async run({ quick, log }) {
    const bedSizes = quick ? [60, 1000] : [8, 60, 200, 1000];
    const pendings = quick ? [1000, 20_000] : [1000, 5000, 20_000];
    const rows: ResultRow[] = [];
    const results: Record<string, unknown>[] = [];
    for (const beds of bedSizes) {
      const cells: string[] = [];
      for (const pending of pendings) {
        const r = await measure(beds, pending, quick);
        results.push({ beds, pending, ...r });
        log(
          `${beds} beds, ${pending} pending: ward:update of every bed p50 ${formatMs(r.update.p50)} ms, ward:beds p50 ${formatMs(r.request.p50)} ms`,
        );
        cells.push(`${pending / 1000}k: ${formatMs(r.update.p50)}`);
      }
      rows.push({
        measure: 'Core bed states',
        size: `${beds.toLocaleString('en')} beds: update of every bed, p50 by pending`,
        value: `${cells.join(' · ')} ms`,
        target: '',
        status: 'info',
        data: { results: results.filter((r) => r.beds === beds) },
      });
    }
    return { name: 'core', title: this.title, rows, details: { results } };
  },
};
