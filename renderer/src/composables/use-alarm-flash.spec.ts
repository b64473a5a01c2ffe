import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLASH_DIM_CLASS, flashPhase, startAlarmFlash, type FlashEnv } from './use-alarm-flash';

function fakeTarget() {
  const classes = new Set<string>();
  return {
    classes,
    classList: {
      toggle(token: string, force?: boolean) {
        const on = force ?? !classes.has(token);
        if (on) classes.add(token);
        else classes.delete(token);
        return on;
      },
    },
  };
}

describe('flashPhase', () => {
  it('flashes level 2 at 2 Hz and level 1 at 0.5 Hz, bright first', () => {
    const crit = [0, 125, 249, 250, 499, 500].map((t) => flashPhase(t).criticalDim);
    expect(crit).toEqual([false, false, false, true, true, false]);
    const warn = [0, 999, 1000, 1999, 2000].map((t) => flashPhase(t).warningDim);
    expect(warn).toEqual([false, false, true, true, false]);
  });
});

describe('startAlarmFlash', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  function env(target: ReturnType<typeof fakeTarget>, reduced = false): FlashEnv {
    return {
      target,
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      reducedMotion: () => reduced,
    };
  }

  it('flips the classes on the shared target at each edge, with one timer', () => {
    const target = fakeTarget();
    const stop = startAlarmFlash(env(target));
    expect([...target.classes]).toEqual([]);
    vi.advanceTimersByTime(260);
    expect(target.classes.has(FLASH_DIM_CLASS.critical)).toBe(true);
    expect(target.classes.has(FLASH_DIM_CLASS.warning)).toBe(false);
    vi.advanceTimersByTime(250);
    expect(target.classes.has(FLASH_DIM_CLASS.critical)).toBe(false);
    vi.advanceTimersByTime(500);
    expect(target.classes.has(FLASH_DIM_CLASS.warning)).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    expect([...target.classes]).toEqual([]);
  });

  it('keeps alarm colours steady when the system asks for reduced motion', () => {
    const target = fakeTarget();
    const stop = startAlarmFlash(env(target, true));
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(250);
      expect([...target.classes]).toEqual([]);
    }
    stop();
  });

  it('does not drift: after an hour of ticks the phase still matches the clock', () => {
    const target = fakeTarget();
    const stop = startAlarmFlash(env(target));
    vi.advanceTimersByTime(3_600_000 + 260);
    expect(target.classes.has(FLASH_DIM_CLASS.critical)).toBe(flashPhase(Date.now()).criticalDim);
    stop();
  });
});
