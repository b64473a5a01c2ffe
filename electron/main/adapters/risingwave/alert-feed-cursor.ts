// Where the live alert feed reads from next, and which alerts it has already delivered.
//
// RisingWave's `alerts` view gains rows late (Kafka → source → materialized view), so a row whose
// alert_time is slightly older than the newest one already seen can appear after it. The feed
// therefore re-reads an overlap window behind the newest alert_time and drops ids it has delivered.
// Pure logic: no SQL, no timers, so the ordering and de-duplication rules are tested on their own.

export interface FeedRow {
  alertId: string;
  alertTime: number;
}

export interface AlertFeedCursorOptions {
  /** how far behind the newest alert_time each poll re-reads */
  overlapMs: number;
  /** the first poll only reads this far back, so a restarting station does not replay the day */
  initialLookbackMs: number;
  /** hard cap on remembered ids; only reached if thousands of alerts share one overlap window */
  maxRemembered?: number;
}

export class AlertFeedCursor {
  private readonly overlapMs: number;
  private readonly initialLookbackMs: number;
  private readonly maxRemembered: number;
  /** alert_id → alert_time of every delivered alert that a future read could still return */
  private readonly delivered = new Map<string, number>();
  private newest: number | null = null;
  /** never decreases: everything older is out of reach of every later read, so it can be forgotten */
  private floor: number | null = null;

  constructor(opts: AlertFeedCursorOptions) {
    this.overlapMs = opts.overlapMs;
    this.initialLookbackMs = opts.initialLookbackMs;
    this.maxRemembered = opts.maxRemembered ?? 100_000;
  }

  /**
   * Inclusive lower bound on alert_time for the next read. The newest alert_time is capped at `now`
   * so one device with a clock running ahead cannot push the window past everyone else's alerts.
   */
  lowerBound(now: number): number {
    if (this.floor === null) this.floor = now - this.initialLookbackMs;
    if (this.newest !== null) {
      const candidate = Math.min(this.newest, now) - this.overlapMs;
      if (candidate > this.floor) this.floor = candidate;
    }
    return this.floor;
  }

  /**
   * Takes the rows of one read (any order) and returns those not delivered before, ordered by
   * (alert_time, alert_id). Marks them delivered.
   */
  accept<T extends FeedRow>(rows: readonly T[], now: number): T[] {
    const fresh: T[] = [];
    for (const row of rows) {
      if (this.delivered.has(row.alertId)) continue;
      // A row older than the floor can only come from a read that raced a floor move: its id may
      // already have been forgotten, so delivering it could be a duplicate. Such rows are older than
      // the overlap window and were already due in an earlier read.
      if (this.floor !== null && row.alertTime < this.floor) continue;
      this.delivered.set(row.alertId, row.alertTime);
      fresh.push(row);
      if (this.newest === null || row.alertTime > this.newest) this.newest = row.alertTime;
    }
    fresh.sort(compareFeedRows);
    this.forget(now);
    return fresh;
  }

  /** true when `alertId` was delivered and is still remembered */
  has(alertId: string): boolean {
    return this.delivered.has(alertId);
  }

  get remembered(): number {
    return this.delivered.size;
  }

  private forget(now: number): void {
    const floor = this.lowerBound(now);
    for (const [id, time] of this.delivered) {
      if (time < floor) this.delivered.delete(id);
    }
    if (this.delivered.size > this.maxRemembered) {
      const oldestFirst = [...this.delivered].sort((a, b) => a[1] - b[1]);
      for (const [id] of oldestFirst.slice(0, this.delivered.size - this.maxRemembered)) {
        this.delivered.delete(id);
      }
    }
  }
}

export function compareFeedRows(a: FeedRow, b: FeedRow): number {
  if (a.alertTime !== b.alertTime) return a.alertTime - b.alertTime;
  return a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0;
}
