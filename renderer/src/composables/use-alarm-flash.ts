// Alarm tiles flash on the compositor. Each alarm tile has a layer of its dim colour over its bright
// background, and an opacity animation shows that layer for the second half of each period. Opacity
// animations run on Chromium's compositor thread, so a flash edge costs the page's main thread nothing:
// no style recalculation and no repaint of the tile's numerals, which with every bed of a 200-bed ward
// in alarm made a frame take over 50 ms (docs/performance.md, fixes 5 and 18). Every animation starts
// at the document timeline's origin, so all tiles blink in phase, as an alarm wall should.
import { onScopeDispose, ref, watch, type Ref } from 'vue';

/** Level 2 flashes at 2 Hz, level 1 at 0.5 Hz (bright for the first half of the period, dim after). */
export const FLASH_PERIOD_MS = { critical: 500, warning: 2000 } as const;
export type FlashLevel = keyof typeof FLASH_PERIOD_MS;

/** The dim layer's opacity over one period: hidden for the first half, shown for the second. */
export const FLASH_KEYFRAMES: Keyframe[] = [
  { opacity: 0, offset: 0 },
  { opacity: 0, offset: 0.5 },
  { opacity: 1, offset: 0.5 },
  { opacity: 1, offset: 1 },
];

export interface FlashAnimation {
  startTime: CSSNumberish | null;
  cancel(): void;
}
export interface Animatable {
  animate?(keyframes: Keyframe[], options: KeyframeAnimationOptions): FlashAnimation;
}

/**
 * Starts the flash of one tile's dim layer, in phase with every other; null where the Web Animations
 * API is missing (the tile then shows its alarm colour steadily).
 */
export function startFlash(layer: Animatable, level: FlashLevel): FlashAnimation | null {
  if (typeof layer.animate !== 'function') return null;
  const animation = layer.animate(FLASH_KEYFRAMES, {
    duration: FLASH_PERIOD_MS[level],
    iterations: Infinity,
  });
  animation.startTime = 0;
  return animation;
}

let reducedMotion: Ref<boolean> | null = null;

/** Whether the nurse's system asks for reduced motion, kept up to date (one listener for the page). */
export function useReducedMotion(): Ref<boolean> {
  if (reducedMotion) return reducedMotion;
  const query =
    typeof window === 'undefined' ? undefined : window.matchMedia?.('(prefers-reduced-motion: reduce)');
  const state = ref(query?.matches ?? false);
  query?.addEventListener?.('change', (e) => (state.value = e.matches));
  reducedMotion = state;
  return state;
}

/**
 * Flashes `layer` while `level()` names an alarm level and motion is allowed (with reduced motion the
 * tile shows a thick border instead, in its CSS). Restarted only when the level changes.
 */
export function useFlashLayer(layer: Ref<Animatable | null>, level: () => FlashLevel | null): void {
  const reduced = useReducedMotion();
  let running: FlashAnimation | null = null;
  const stop = () => {
    running?.cancel();
    running = null;
  };
  watch(
    [layer, level, reduced],
    ([el, lv, still]) => {
      stop();
      if (el && lv && !still) running = startFlash(el, lv);
    },
    { immediate: true, flush: 'post' },
  );
  onScopeDispose(stop);
}
