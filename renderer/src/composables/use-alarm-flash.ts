// One shared flash clock for every alarm tile. Per-tile CSS keyframe animations of background and colour
// cannot run on the compositor, so with many alarms Chromium recalculated style for every tile on every
// frame (docs/performance.md, "Ward render"). Here one timer flips two classes on <html> at each
// half-period edge: 4 style recalculations a second instead of 60, and all tiles blink in phase.
import { onScopeDispose } from 'vue';

/** Level 2 flashes at 2 Hz, level 1 at 0.5 Hz (on for half the period, dim for the other half). */
export const FLASH_PERIOD_MS = { critical: 500, warning: 2000 } as const;
export const FLASH_DIM_CLASS = { critical: 'flash-dim-critical', warning: 'flash-dim-warning' } as const;
const TICK_MS = FLASH_PERIOD_MS.critical / 2;

export interface FlashPhase {
  criticalDim: boolean;
  warningDim: boolean;
}

/** Which alarm colours are dimmed at `now` (ms): the first half of each period is bright. */
export function flashPhase(now: number): FlashPhase {
  const half = (period: number) => Math.floor(now / (period / 2)) % 2 === 1;
  return { criticalDim: half(FLASH_PERIOD_MS.critical), warningDim: half(FLASH_PERIOD_MS.warning) };
}

export interface FlashTarget {
  classList: { toggle(token: string, force?: boolean): boolean };
}

export interface FlashEnv {
  target: FlashTarget;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** true when the nurse's system asks for reduced motion: no flashing (tiles show a border instead) */
  reducedMotion(): boolean;
}

/** Starts flipping the classes on `env.target`; returns the function that stops and clears them. */
export function startAlarmFlash(env: FlashEnv): () => void {
  let handle: unknown = null;
  let stopped = false;
  const apply = () => {
    const p = env.reducedMotion() ? { criticalDim: false, warningDim: false } : flashPhase(env.now());
    env.target.classList.toggle(FLASH_DIM_CLASS.critical, p.criticalDim);
    env.target.classList.toggle(FLASH_DIM_CLASS.warning, p.warningDim);
  };
  const tick = () => {
    if (stopped) return;
    apply();
    // aligned to the next edge, so timer drift never accumulates
    handle = env.setTimeout(tick, TICK_MS - (env.now() % TICK_MS) + 1);
  };
  tick();
  return () => {
    stopped = true;
    if (handle !== null) env.clearTimeout(handle);
    env.target.classList.toggle(FLASH_DIM_CLASS.critical, false);
    env.target.classList.toggle(FLASH_DIM_CLASS.warning, false);
  };
}

let users = 0;
let stop: (() => void) | null = null;

/** Keeps the shared flash clock running while any component that shows alarm tiles is mounted. */
export function useAlarmFlash(): void {
  if (typeof document === 'undefined') return;
  users += 1;
  if (stop === null) {
    const motion = window.matchMedia?.('(prefers-reduced-motion: reduce)');
    stop = startAlarmFlash({
      target: document.documentElement,
      now: () => Date.now(),
      setTimeout: (fn, ms) => window.setTimeout(fn, ms),
      clearTimeout: (h) => window.clearTimeout(h as number),
      reducedMotion: () => motion?.matches ?? false,
    });
  }
  onScopeDispose(() => {
    users -= 1;
    if (users === 0 && stop !== null) {
      stop();
      stop = null;
    }
  });
}
