import type { Clock } from './ports';

/** A manual clock for tests: time moves only when the test says so. */
export class FakeClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  constructor(private current = 0) {}

  /** wall time minus monotonic time: moved by stepWall() only */
  private wallOffset = 0;

  now(): number {
    return this.current + this.wallOffset;
  }
  monotonic(): number {
    return this.current;
  }
  /** A wall-clock step (NTP correction, an admin setting the time): timers and monotonic time stay. */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const t = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.current = Math.max(this.current, t.at);
      t.fn();
    }
    this.current = end;
  }
}
