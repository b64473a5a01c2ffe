import type { Reading, TrendPoint } from '../../../../shared/domain/types';

// Twin of RisingWave's `patient_vitals_1min` view (backend-setup/risingwave.sql): 1-minute tumbling
// min/avg/max per patient, kept in memory for simulator mode.
interface Agg {
  t: number;
  n: number;
  hr: [number, number, number];
  spo2: [number, number, number];
  glu: [number, number, number];
}

const MINUTE = 60_000;

function add(acc: [number, number, number], v: number): void {
  if (v < acc[0]) acc[0] = v;
  if (v > acc[2]) acc[2] = v;
  acc[1] += v;
}

export class TrendStore {
  private readonly byPatient = new Map<string, Agg[]>();

  constructor(private readonly retentionMs: number) {}

  add(r: Reading): void {
    const t = Math.floor(r.measureTime / MINUTE) * MINUTE;
    let list = this.byPatient.get(r.patientId);
    if (!list) {
      list = [];
      this.byPatient.set(r.patientId, list);
    }
    // Readings arrive nearly in order: the bucket is the last one or close to it.
    let i = list.length - 1;
    while (i >= 0 && list[i]!.t > t) i--;
    let agg = i >= 0 ? list[i] : undefined;
    if (!agg || agg.t !== t) {
      agg = {
        t,
        n: 0,
        hr: [Infinity, 0, -Infinity],
        spo2: [Infinity, 0, -Infinity],
        glu: [Infinity, 0, -Infinity],
      };
      list.splice(i + 1, 0, agg);
      this.prune(list, t);
    }
    agg.n++;
    add(agg.hr, r.heartRate);
    add(agg.spo2, r.bloodOxygen);
    add(agg.glu, r.bloodGlucose);
  }

  private prune(list: Agg[], latest: number): void {
    const cutoff = latest - this.retentionMs;
    let drop = 0;
    while (drop < list.length && list[drop]!.t < cutoff) drop++;
    if (drop > 0) list.splice(0, drop);
  }

  series(patientId: string, from: number, to: number): TrendPoint[] {
    const list = this.byPatient.get(patientId) ?? [];
    const round = (v: number) => Math.round(v * 100) / 100;
    const stat = (a: [number, number, number], n: number) => ({ min: a[0], avg: round(a[1] / n), max: a[2] });
    return list
      .filter((a) => a.t + MINUTE > from && a.t < to)
      .map((a) => ({
        t: a.t,
        heartRate: stat(a.hr, a.n),
        bloodOxygen: stat(a.spo2, a.n),
        bloodGlucose: stat(a.glu, a.n),
      }));
  }

  buckets(): number {
    let n = 0;
    for (const l of this.byPatient.values()) n += l.length;
    return n;
  }
}
