// Fault 6 (soak): a 60-bed ward simulated for 8 hours of FakeClock time through a real StationCore
// (simulator + engine + SQLite alert store + SQLite acknowledgement cache), with a nurse acknowledging
// every 10 minutes and the core pruning its acknowledgement cache (2-hour retention here). It runs in a
// child process started with `node --expose-gc` so the heap can be measured after full collections.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closed } from '../../support/private-servers';
import { report } from '../helpers/station-fixtures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Sample {
  hour: number;
  heapUsedMb: number;
  rssMb: number;
  externalMb: number;
  trendBuckets: number;
  ackRows: number;
  pendingTimers: number;
  unread: number;
}

interface SoakResult {
  hours: number;
  beds: number;
  realSeconds: number;
  readingsApprox: number;
  alertsRaised: number;
  storedAlerts: number;
  notifications: number;
  events: number;
  acks: number;
  conflicts: number;
  failures: number;
  prunedByCore: number;
  retentionViolations: number;
  ackRowsMax: number;
  trendStore: { buckets: number; mb: number };
  samples: Sample[];
  beforeStop: { pendingTimers: number };
  afterStop: { pendingTimers: number; nodeTimers: number };
  listenerCounts: Record<string, number>;
  integrity: string;
}

describe('Fault: soak — 60 beds for 8 simulated hours', () => {
  it('keeps memory bounded, the acknowledgement cache within its retention, and leaks no timers or listeners', async () => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'tests/integration/faults/fixtures/soak-station.ts', '8', '60'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NURSE_STATION_LOG: 'silent' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    await closed(child);
    clearTimeout(timer);
    expect(child.exitCode, stderr).toBe(0);
    const r = JSON.parse(stdout) as SoakResult;

    const first = r.samples.find((s) => s.hour === 1)!;
    const last = r.samples.at(-1)!;
    // The trend store keeps 24 h of 1-minute buckets by design, so it grows through an 8-hour run; its
    // size is measured at the end (dropped and collected). Everything else must stay flat.
    const bytesPerBucket = (r.trendStore.mb * 1048576) / r.trendStore.buckets;
    const otherAtFirst = first.heapUsedMb - (first.trendBuckets * bytesPerBucket) / 1048576;
    const otherAtLast = last.heapUsedMb - r.trendStore.mb;
    const heapGrowth = last.heapUsedMb - first.heapUsedMb;
    const otherGrowth = otherAtLast - otherAtFirst;

    expect(r.failures).toBe(0);
    expect(r.integrity).toBe('ok');
    expect(r.storedAlerts).toBe(r.alertsRaised);
    expect(heapGrowth).toBeLessThan(24); // MB over 7 hours, trend store included
    expect(otherGrowth).toBeLessThan(4); // MB: everything but the trend store is flat
    expect(last.rssMb - first.rssMb).toBeLessThan(96);
    expect(r.retentionViolations).toBe(0);
    expect(r.prunedByCore).toBeGreaterThan(0);
    expect(Math.max(...r.samples.map((s) => s.pendingTimers))).toBeLessThan(20);
    expect(Math.max(...r.samples.map((s) => s.unread))).toBeLessThan(500);
    expect(r.afterStop).toEqual({ pendingTimers: 0, nodeTimers: 0 });
    expect(
      Object.values(r.listenerCounts).every((n) => n === 0),
      JSON.stringify(r.listenerCounts),
    ).toBe(true);

    report('fault-6 soak', {
      simulated: `${r.hours} h × ${r.beds} beds (~${r.readingsApprox} readings)`,
      realSeconds: r.realSeconds,
      alertsRaised: r.alertsRaised,
      notifications: r.notifications,
      acks: r.acks,
      prunedAcksByCore: r.prunedByCore,
      ackRowsMax: r.ackRowsMax,
      heapMb: { hour0: r.samples[0]!.heapUsedMb, hour1: first.heapUsedMb, end: last.heapUsedMb },
      rssMb: { hour0: r.samples[0]!.rssMb, hour1: first.rssMb, end: last.rssMb },
      trendStore: { ...r.trendStore, bytesPerBucket: Math.round(bytesPerBucket) },
      heapGrowthMb: +heapGrowth.toFixed(1),
      heapGrowthExcludingTrendStoreMb: +otherGrowth.toFixed(1),
      timers: { maxWhileRunning: Math.max(...r.samples.map((s) => s.pendingTimers)), afterStop: r.afterStop },
      listenersAfterStop: r.listenerCounts,
      hourly: r.samples.map(
        (s) => `${s.hour}h:${s.heapUsedMb}MB/${s.rssMb}MB/acks=${s.ackRows}/unread=${s.unread}`,
      ),
    });
  }, 180_000);
});
