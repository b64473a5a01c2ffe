import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoSamplePath } from '../../tests/support/demo-sample';
import type { Alert, AlertLevel, AlertType, ThresholdLimits } from '../domain/types';
import { AlertEngine } from './alert-engine';
import { EpisodeTracker, episodeIdOf, type EpisodeChange } from './episodes';
import { parseReading } from './parse-reading';
import { BUCKET_MS, alertId, bucketStart } from './rules';

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);
const LIMITS: ThresholdLimits = {
  heartRateMin: 50,
  heartRateMax: 120,
  bloodOxygenMin: 92,
  bloodGlucoseMin: 3.9,
  bloodGlucoseMax: 10,
};

function alert(
  patientId: string,
  type: AlertType,
  at: number,
  opts: { level?: AlertLevel; value?: number } = {},
) {
  const v = opts.value;
  const a: Alert = {
    alertId: alertId(patientId, type, bucketStart(at)),
    patientId,
    deviceId: 'D1',
    alertTime: at,
    alertType: type,
    alertDetail: '',
    alertLevel: opts.level ?? 1,
    status: 'pending',
    handleBy: null,
    handleTime: null,
    handleNote: null,
    reading:
      v === undefined
        ? null
        : {
            heartRate: type === 'heart_rate' ? v : 80,
            bloodOxygen: type === 'blood_oxygen' ? v : 97,
            bloodGlucose: type === 'blood_glucose' ? v : 5.5,
          },
  };
  return a;
}

const kinds = (changes: EpisodeChange[]) => changes.map((c) => `${c.kind} ${c.episode.alertType}`);

describe('EpisodeTracker', () => {
  it('makes an hour of desaturation one episode, with its worst value and how long it lasted', () => {
    const t = new EpisodeTracker({ limitsOf: () => LIMITS });
    const first = alert('P1', 'blood_oxygen', T0 + 5_000, { value: 90 });
    expect(kinds(t.addAlert(first))).toEqual(['opened blood_oxygen']);
    for (let i = 1; i < 120; i++) {
      const value = i === 60 ? 84 : 89;
      expect(kinds(t.addAlert(alert('P1', 'blood_oxygen', T0 + i * BUCKET_MS + 5_000, { value })))).toEqual([
        'extended blood_oxygen',
      ]);
    }
    const [ep] = t.all();
    expect(ep).toMatchObject({
      episodeId: episodeIdOf(first.alertId),
      alertIds: expect.any(Array),
      worstValue: 84,
      closedAt: null,
    });
    expect(ep!.alertIds).toHaveLength(120);
    // normal for 30 s after the last bucket: closed then, not before
    const lastEnd = T0 + 120 * BUCKET_MS;
    expect(t.advance(lastEnd + 29_999)).toEqual([]);
    expect(kinds(t.advance(lastEnd + 30_000))).toEqual(['closed blood_oxygen']);
    expect(ep).toMatchObject({ closedAt: lastEnd + 30_000, closeReason: 'normal' });
    expect(ep!.closedAt! - ep!.openedAt).toBe(60 * 60_000 + 25_000);
  });

  it('opens a new episode after a normal bucket, and keeps an alert-free gap shorter than the close time', () => {
    const t = new EpisodeTracker();
    t.addAlert(alert('P1', 'heart_rate', T0));
    // the next bucket had no alert, the one after has: 30 s normal, so a new episode
    const changes = t.addAlert(alert('P1', 'heart_rate', T0 + 2 * BUCKET_MS));
    expect(kinds(changes)).toEqual(['closed heart_rate', 'opened heart_rate']);
    expect(changes[0]!.episode.closedAt).toBe(T0 + 2 * BUCKET_MS);
    // with a close time of 60 s the same gap stays one episode
    const long = new EpisodeTracker({ closeAfterMs: 60_000 });
    long.addAlert(alert('P1', 'heart_rate', T0));
    expect(kinds(long.addAlert(alert('P1', 'heart_rate', T0 + 2 * BUCKET_MS)))).toEqual([
      'extended heart_rate',
    ]);
  });

  it('keeps every vital of a patient its own episode, and every patient apart', () => {
    const t = new EpisodeTracker();
    t.addAlert(alert('P1', 'heart_rate', T0));
    t.addAlert(alert('P1', 'blood_glucose', T0));
    t.addAlert(alert('P2', 'heart_rate', T0));
    expect(
      t
        .openEpisodes()
        .map((e) => `${e.patientId} ${e.alertType}`)
        .sort(),
    ).toEqual(['P1 blood_glucose', 'P1 heart_rate', 'P2 heart_rate']);
    expect(kinds(t.advance(T0 + 2 * BUCKET_MS, 'P2'))).toEqual(['closed heart_rate']);
    expect(t.openEpisodes()).toHaveLength(2);
  });

  it('closes vital episodes as data-stopped when the signal is lost; the loss is an episode of its own', () => {
    const t = new EpisodeTracker();
    t.addAlert(alert('P1', 'heart_rate', T0));
    t.addAlert(alert('P2', 'heart_rate', T0));
    const changes = t.addAlert(alert('P1', 'signal_loss', T0 + 45_000));
    expect(kinds(changes)).toEqual(['closed heart_rate', 'opened signal_loss']);
    expect(changes[0]!.episode).toMatchObject({
      patientId: 'P1',
      closeReason: 'data-stopped',
      closedAt: T0 + 30_000,
    });
    // P2 is not touched; the loss lasts while its alerts go on, and ends 30 s after the last
    expect(t.openEpisodes().map((e) => `${e.patientId} ${e.alertType}`)).toEqual([
      'P2 heart_rate',
      'P1 signal_loss',
    ]);
    t.addAlert(alert('P1', 'signal_loss', T0 + 75_000));
    expect(kinds(t.advance(T0 + 120_000, 'P1'))).toEqual(['closed signal_loss']);
  });

  it('alarms again when an acknowledged episode worsens to level 2, and only then', () => {
    const t = new EpisodeTracker();
    const first = alert('P1', 'heart_rate', T0);
    t.addAlert(first);
    expect(t.acknowledge(episodeIdOf(first.alertId))?.acknowledgedAtLevel).toBe(1);
    expect(kinds(t.addAlert(alert('P1', 'heart_rate', T0 + BUCKET_MS)))).toEqual(['extended heart_rate']);
    expect(kinds(t.addAlert(alert('P1', 'heart_rate', T0 + 2 * BUCKET_MS, { level: 2 })))).toEqual([
      'realarm heart_rate',
    ]);
    // worse than unacknowledged is no re-alarm: it was never silenced
    const u = new EpisodeTracker();
    u.addAlert(alert('P2', 'heart_rate', T0));
    expect(kinds(u.addAlert(alert('P2', 'heart_rate', T0 + BUCKET_MS, { level: 2 })))).toEqual([
      'extended heart_rate',
    ]);
    expect(t.acknowledge('ep-unknown')).toBeNull();
  });

  it('takes the worst value by the patient’s limits: the furthest outside, high or low', () => {
    const t = new EpisodeTracker({ limitsOf: () => LIMITS });
    t.addAlert(alert('P1', 'heart_rate', T0, { value: 130 }));
    t.addAlert(alert('P1', 'heart_rate', T0 + BUCKET_MS, { value: 40 })); // 10 below vs 10 above: the first stays
    t.addAlert(alert('P1', 'heart_rate', T0 + 2 * BUCKET_MS, { value: 35 }));
    expect(t.openEpisodes()[0]?.worstValue).toBe(35);
  });

  it('changes nothing for an alert delivered twice (a feed re-reads its overlap)', () => {
    const t = new EpisodeTracker();
    const a = alert('P1', 'heart_rate', T0);
    t.addAlert(a);
    expect(t.addAlert(a)).toEqual([]);
    expect(t.all()[0]?.alertIds).toEqual([a.alertId]);
  });
});

// The parity of the two modes: the embedded engine hands its alerts over one by one as they are made;
// RisingWave's feed delivers the same alerts in batches, patients interleaved, some twice. One rule in
// both (episodes.ts): the episodes must be the same.
describe('episodes of the demo sample: the engine’s order and a feed’s batches agree', () => {
  const lines = readFileSync(demoSamplePath(), 'utf8').split('\n').filter(Boolean);
  const engineAlerts = (() => {
    const e = new AlertEngine();
    const out: Alert[] = [];
    for (const line of lines) {
      const p = parseReading(line, { timeZone: 'Europe/Berlin' });
      if (!p.ok) throw new Error(p.reason);
      const o = e.ingest(p.reading);
      if (o.accepted) out.push(...o.alerts);
    }
    return out;
  })();
  const lastTime = Math.max(...engineAlerts.map((a) => a.alertTime));

  function episodes(batches: Alert[][]) {
    const t = new EpisodeTracker();
    for (const batch of batches) {
      for (const a of batch) t.addAlert(a);
      const watermark = Math.max(...batch.map((a) => a.alertTime));
      t.advance(bucketStart(watermark)); // the feed is complete up to the start of its newest bucket
    }
    t.advance(lastTime + 10 * 60_000 + BUCKET_MS * 2);
    return t.all();
  }

  it('has fewer episodes than alerts, every alert in exactly one episode', () => {
    const eps = episodes(engineAlerts.map((a) => [a]));
    expect(eps.length).toBeGreaterThan(0);
    expect(eps.length).toBeLessThan(engineAlerts.length);
    const ids = eps.flatMap((e) => e.alertIds).sort();
    expect(ids).toEqual(engineAlerts.map((a) => a.alertId).sort());
    expect(eps.every((e) => e.closedAt !== null)).toBe(true);
  });

  it('gives the same episodes however a feed batches, interleaves and repeats the alerts', () => {
    const expected = episodes(engineAlerts.map((a) => [a]));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (size, seed) => {
        // batches of `size` in time order; inside a batch patients are shuffled (per patient and type the
        // feed keeps time order), and the last alert of a batch comes again at the head of the next
        const byTime = [...engineAlerts].sort((a, b) => a.alertTime - b.alertTime);
        const batches: Alert[][] = [];
        let rnd = seed;
        for (let i = 0; i < byTime.length; i += size) {
          const batch = byTime.slice(i, i + size);
          const prev = batches.at(-1)?.at(-1);
          const groups = new Map<string, Alert[]>();
          for (const a of batch) {
            const k = `${a.patientId}|${a.alertType}`;
            groups.set(k, [...(groups.get(k) ?? []), a]);
          }
          const keys = [...groups.keys()].sort(() =>
            (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) % 2 ? 1 : -1,
          );
          batches.push([...(prev ? [prev] : []), ...keys.flatMap((k) => groups.get(k) ?? [])]);
        }
        expect(episodes(batches)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });
});
